package casestore

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"kensho/internal/caseformat"
)

// ErrNotFound is returned for a case id that does not exist.
var ErrNotFound = errors.New("case not found")

// Record is one case as stored: the working copy in the case format, the
// organisation of each operator, and what the secretariat keeps beside it.
type Record struct {
	ID     int64
	Case   caseformat.Case
	OrgIDs []int64 // by operator position
	// Names of the organisations by id, as the registry names them.
	OrgNames       map[int64]string
	FiscalYear     int
	PublishedAt    *time.Time
	PublishedBy    string
	CommitteeNotes string
	Contacts       string
	Reports        []ReportMeta
}

// ReportMeta describes one stored submission without its body.
type ReportMeta struct {
	ID         int64     `json:"id"`
	Source     string    `json:"source"`
	SourceName string    `json:"source_name,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
	SHA256     string    `json:"sha256"`
	Size       int       `json:"size"`
}

// secretariatColumns are the cases columns the secretariat owns.
type secretariatColumns struct {
	PublishedAt    *time.Time
	PublishedBy    string
	CommitteeNotes string
	Contacts       string
}

// Get loads case id.
func Get(db *gorm.DB, id int64) (*Record, error) {
	var rows []caseRow
	if err := db.Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	if err := loadParts(db, rows); err != nil {
		return nil, err
	}
	c, err := fromRow(&rows[0])
	if err != nil {
		return nil, err
	}
	rec := &Record{ID: id, Case: c, FiscalYear: rows[0].FiscalYear, OrgNames: map[int64]string{}}
	var sc secretariatColumns
	if err := db.Table("cases").Select("published_at, published_by, committee_notes, contacts").
		Where("id = ?", id).Take(&sc).Error; err != nil {
		return nil, err
	}
	rec.PublishedAt, rec.PublishedBy, rec.CommitteeNotes, rec.Contacts = sc.PublishedAt, sc.PublishedBy, sc.CommitteeNotes, sc.Contacts
	var ids []int64
	for _, o := range rows[0].Operators {
		rec.OrgIDs = append(rec.OrgIDs, o.OrganisationID)
		ids = append(ids, o.OrganisationID)
	}
	var orgs []Organisation
	if len(ids) > 0 {
		if err := db.Where("id IN ?", ids).Find(&orgs).Error; err != nil {
			return nil, err
		}
	}
	for _, o := range orgs {
		rec.OrgNames[o.ID] = o.Name
	}
	if err := db.Raw(`SELECT id, source, source_name, received_at, body_sha256 AS sha256, length(body) AS size
		FROM reports WHERE case_id = ? ORDER BY received_at, id`, id).Scan(&rec.Reports).Error; err != nil {
		return nil, fmt.Errorf("case %d reports: %w", id, err)
	}
	return rec, nil
}

// OperatorOrgs returns the organisations of each case's operators, for
// access decisions over a page of cases.
func OperatorOrgs(db *gorm.DB, ids []int64) (map[int64][]int64, error) {
	out := make(map[int64][]int64, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var ops []operatorRow
	if err := db.Where("case_id = ANY(?::bigint[])", idArray(ids)).Order("case_id, position").Find(&ops).Error; err != nil {
		return nil, err
	}
	for _, o := range ops {
		out[o.CaseID] = append(out[o.CaseID], o.OrganisationID)
	}
	return out, nil
}

// ReportBody returns one stored submission of case caseID, byte for byte.
func ReportBody(db *gorm.DB, caseID, reportID int64) (*ReportMeta, []byte, error) {
	var row reportRow
	err := db.Where("id = ? AND case_id = ?", reportID, caseID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return &ReportMeta{ID: row.ID, Source: row.Source, SourceName: row.SourceName, ReceivedAt: row.ReceivedAt,
		SHA256: row.BodySHA256, Size: len(row.Body)}, row.Body, nil
}
