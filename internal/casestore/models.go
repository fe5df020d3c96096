// Package casestore keeps cases in PostgreSQL: the secretariat's working
// copy in normalised tables, every operator submission as an immutable
// report, and the organisations cases belong to. It converts between rows
// and caseformat.Case; deciding what to store is the domain services' job.
package casestore

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"kensho/internal/caseformat"
)

// JSON is a json column: text kept exactly as written, NULL when empty.
type JSON []byte

// Value stores the text, or NULL.
func (j JSON) Value() (driver.Value, error) {
	if len(j) == 0 {
		return nil, nil
	}
	return string(j), nil
}

// Scan reads the text.
func (j *JSON) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case []byte:
		*j = append((*j)[:0], v...)
	case string:
		*j = JSON(v)
	default:
		return fmt.Errorf("casestore.JSON: cannot scan %T", src)
	}
	return nil
}

// Organisation is a telecom operator or other body cases belong to.
type Organisation struct {
	ID         int64
	Name       string
	NameEN     string `gorm:"column:name_en"`
	Designated bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// OrganisationName is one spelling of an organisation's name.
type OrganisationName struct {
	NameKey        string `gorm:"primaryKey"`
	OrganisationID int64
	Name           string
	IsAlias        bool
}

// caseRow is the working copy of a case.
type caseRow struct {
	ID                      int64
	IdentityKey             string
	Ref                     string
	Kind                    string
	OccurredAt              time.Time
	RecoveredAt             *time.Time
	FiscalYear              int
	Area                    string
	Summary                 string
	Detail                  string
	Measures                string
	CriticalFacilityType    *string
	CriticalFacilityMinutes *float64
	CriticalFacilityExtra   JSON
	NearMiss                JSON
	Extra                   JSON
	CreatedAt               time.Time
	UpdatedAt               time.Time

	Operators []operatorRow `gorm:"foreignKey:CaseID"`
	Cause     *causeRow     `gorm:"foreignKey:CaseID"`
	Impacts   []impactRow   `gorm:"foreignKey:CaseID"`
	Reports   []reportRow   `gorm:"foreignKey:CaseID"`
}

func (caseRow) TableName() string { return "cases" }

type operatorRow struct {
	CaseID         int64 `gorm:"primaryKey;autoIncrement:false"`
	Position       int   `gorm:"primaryKey;autoIncrement:false"`
	OrganisationID int64
	ReportedName   string
	Role           string
	Extra          JSON
}

func (operatorRow) TableName() string { return "case_operators" }

type causeRow struct {
	CaseID    int64 `gorm:"primaryKey;autoIncrement:false"`
	Class     *string
	Archetype *string
	Text      string
	Extra     JSON
}

func (causeRow) TableName() string { return "causes" }

type impactRow struct {
	ID                     int64
	CaseID                 int64
	Position               int
	Service                string
	MonthlyActiveUsers     *int64
	MediatesCommunications *bool
	Degradation            bool
	PeakUsers              *int64
	UserUnit               string
	StoppedCapacityGbps    *float64
	TotalSubscribers       *int64
	Description            string
	Extra                  JSON
	Periods                []periodRow `gorm:"foreignKey:ImpactID"`
}

func (impactRow) TableName() string { return "impacts" }

type periodRow struct {
	ID       int64
	ImpactID int64
	Position int
	StartsAt time.Time
	EndsAt   time.Time
	Users    *int64
	Extra    JSON
}

func (periodRow) TableName() string { return "impact_periods" }

type reportRow struct {
	ID              int64
	CaseID          int64
	Source          string
	SourceName      string
	ReceivedAt      time.Time `gorm:"default:now()"`
	Body            []byte
	BodySHA256      string `gorm:"column:body_sha256"`
	CanonicalSHA256 string `gorm:"column:canonical_sha256"`
	Kind            string `gorm:"default:import"`
	OrganisationID  *int64
	SubmittedBy     string
	// Both filled by the reports_number trigger when nil.
	OriginCaseID *int64
	Sequence     *int
}

func (reportRow) TableName() string { return "reports" }

// extraJSON encodes unknown fields, or nothing when there are none.
func extraJSON[M ~map[string]json.RawMessage](m M) JSON {
	if len(m) == 0 {
		return nil
	}
	b, err := caseformat.Marshal(map[string]json.RawMessage(m))
	if err != nil {
		return nil // values are compacted JSON already: cannot fail
	}
	return b
}

// parseExtra decodes stored unknown fields.
func parseExtra(j JSON) (map[string]json.RawMessage, error) {
	if len(j) == 0 {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(j, &m); err != nil {
		return nil, fmt.Errorf("stored extra fields: %w", err)
	}
	return m, nil
}
