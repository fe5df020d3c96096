// Package rules judges cases against the law: which rule set applied on the
// occurrence date, whether an accident was serious or a quarterly-report
// accident, whether a near-miss must be reported — and why, in words a
// secretariat clerk can check against the ordinance.
//
// Thresholds are data (configs/rules/*.yaml, configs/nearmiss/*.yaml), loaded
// and validated by Load; adding a rule set is a data change. The package is
// pure: no database, no network, no clock.
package rules

import (
	"encoding/json"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
)

// Status is where a rule set stands.
type Status string

// Rule-set statuses.
const (
	StatusInForce    Status = "in_force"
	StatusSuperseded Status = "superseded"
	StatusProposal   Status = "proposal"
	StatusForeign    Status = "foreign"
)

// Date is a calendar date, read as the start of that day in JST.
type Date struct{ time.Time }

// UnmarshalYAML reads 2006-01-02.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := jpdate.ParseDate(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	d.Time = t
	return nil
}

// MarshalJSON writes 2006-01-02.
func (d Date) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.Format(time.DateOnly))
}

// String is the date as 2006-01-02.
func (d Date) String() string { return d.Format(time.DateOnly) }

// RuleSet is one version of the serious-accident thresholds, Japanese or
// foreign.
type RuleSet struct {
	ID          string `yaml:"id" json:"id"`
	Title       string `yaml:"title" json:"title"`
	TitleEN     string `yaml:"title_en" json:"title_en"`
	Status      Status `yaml:"status" json:"status"`
	InForceFrom *Date  `yaml:"in_force_from" json:"in_force_from"`
	// DegradationCounts: quality degradation counts like a suspension
	// (Japan since 2008-04).
	DegradationCounts bool `yaml:"degradation_counts" json:"degradation_counts"`
	// NearMiss names the near-miss rules judged with this rule set: empty
	// means those in force on the occurrence date, "none" means none.
	NearMiss         string                `yaml:"near_miss" json:"near_miss,omitempty"`
	DeemedUsers      *DeemedUsers          `yaml:"deemed_users" json:"deemed_users,omitempty"`
	CriticalFacility *CriticalFacilityRule `yaml:"critical_facility" json:"critical_facility,omitempty"`
	Quarterly        *QuarterlyRule        `yaml:"quarterly" json:"quarterly,omitempty"`
	Categories       []Category            `yaml:"categories" json:"categories"`
}

// DeemedUsers is the rule for impacts whose users cannot be counted: a
// stopped capacity above the limit counts as that many users.
type DeemedUsers struct {
	StoppedCapacityOverGbps float64 `yaml:"stopped_capacity_over_gbps" json:"stopped_capacity_over_gbps"`
	Users                   int64   `yaml:"users" json:"users"`
}

// CriticalFacilityRule makes an accident serious when all communication
// through a critical facility was impossible for at least the given time,
// whatever the number of users.
type CriticalFacilityRule struct {
	AllTrafficDownMinutes float64 `yaml:"all_traffic_down_minutes" json:"all_traffic_down_minutes"`
}

// QuarterlyRule: an accident that is not serious but meets any of these is a
// quarterly-report accident.
type QuarterlyRule struct {
	AnyOf []Threshold `yaml:"any_of" json:"any_of"`
}

// Category is a legal service category and its thresholds. An impact falls
// in the first category of its rule set that selects it.
type Category struct {
	ID       string               `yaml:"id" json:"id"`
	Name     string               `yaml:"name" json:"name"`
	NameEN   string               `yaml:"name_en" json:"name_en"`
	Services []caseformat.Service `yaml:"services" json:"services"`
	When     *Selector            `yaml:"when" json:"when,omitempty"`
	// CountUnit, when set, is the only user unit the thresholds count (LPWA:
	// contracts, not device lines).
	CountUnit caseformat.UserUnit `yaml:"count_unit" json:"count_unit,omitempty"`
	Serious   []Threshold         `yaml:"serious" json:"serious,omitempty"`
	Products  []ProductRule       `yaml:"products" json:"products,omitempty"`
	// NotReportable marks a category the regime deliberately leaves out.
	NotReportable bool   `yaml:"not_reportable" json:"not_reportable,omitempty"`
	Note          string `yaml:"note" json:"note,omitempty"`
}

// Selector narrows a category beyond the service.
type Selector struct {
	MinMonthlyActiveUsers  *int64 `yaml:"min_monthly_active_users" json:"min_monthly_active_users,omitempty"`
	MediatesCommunications *bool  `yaml:"mediates_communications" json:"mediates_communications,omitempty"`
	// AllOperatorsRole: every operator of the case has this role (say, an
	// accident reported by wholesale customers alone).
	AllOperatorsRole caseformat.Role `yaml:"all_operators_role" json:"all_operators_role,omitempty"`
	// Extension: the impact carries these unknown (extension) fields with
	// these string values.
	Extension map[string]string `yaml:"extension" json:"extension,omitempty"`
}

// Threshold is "at least Minutes with at least Users users" (以上, inclusive),
// or with at least Share of the operator's subscribers. Strict makes the
// duration exclusive ("more than 8 h"), StrictShare the share ("more than
// 15 %"). A threshold without users or share counts any affected time; one
// without minutes needs only a moment.
type Threshold struct {
	Minutes     float64 `yaml:"minutes" json:"minutes,omitempty"`
	Strict      bool    `yaml:"strict" json:"strict,omitempty"`
	Users       int64   `yaml:"users" json:"users,omitempty"`
	Share       float64 `yaml:"share" json:"share,omitempty"`
	StrictShare bool    `yaml:"strict_share" json:"strict_share,omitempty"`
}

// ProductRule is "hours × users" at least UserHours, integrated over the
// timeline; impacts shorter or smaller than the exclusions are left out.
type ProductRule struct {
	UserHours            float64 `yaml:"user_hours" json:"user_hours"`
	ExcludedUnderMinutes float64 `yaml:"excluded_under_minutes" json:"excluded_under_minutes,omitempty"`
	ExcludedUnderUsers   int64   `yaml:"excluded_under_users" json:"excluded_under_users,omitempty"`
}

// NearMissRules is one version of the near-miss reporting rules.
type NearMissRules struct {
	ID          string           `yaml:"id" json:"id"`
	Title       string           `yaml:"title" json:"title"`
	TitleEN     string           `yaml:"title_en" json:"title_en"`
	Status      Status           `yaml:"status" json:"status"`
	InForceFrom *Date            `yaml:"in_force_from" json:"in_force_from"`
	Situations  []SituationRules `yaml:"situations" json:"situations"`
}

// SituationRules are the rules of one near-miss situation, tried in order.
type SituationRules struct {
	Situation string         `yaml:"situation" json:"situation"`
	Name      string         `yaml:"name" json:"name"`
	NameEN    string         `yaml:"name_en" json:"name_en"`
	Rules     []NearMissRule `yaml:"rules" json:"rules"`
}

// NearMissRule decides when every fact in When holds.
type NearMissRule struct {
	When       map[string]any `yaml:"when" json:"when"`
	Reportable bool           `yaml:"reportable" json:"reportable"`
	Reason     string         `yaml:"reason" json:"reason"`
}
