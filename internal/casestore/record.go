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
	// Version is the working copy's version (optimistic locking).
	Version     int
	ValidatedAt *time.Time
	ValidatedBy string
	// MergedInto is the case this one was linked into (0: none).
	MergedInto int64
	Reports    []ReportMeta
}

// ReportMeta describes one stored submission without its body.
type ReportMeta struct {
	ID         int64     `json:"id"`
	Source     string    `json:"source"`
	SourceName string    `json:"source_name,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
	SHA256     string    `json:"sha256"`
	Size       int       `json:"size"`
	// Kind is import, quick, detailed, amendment, quarterly_detailed or information.
	Kind string `json:"kind"`
	// Sequence is the report's version within the case it came in with.
	Sequence int `json:"sequence"`
	// OrganisationID filed it (0: a secretariat import).
	OrganisationID int64  `json:"organisation_id,omitempty"`
	SubmittedBy    string `json:"submitted_by,omitempty"`
	OriginCaseID   int64  `json:"-"`
}

// secretariatColumns are the cases columns the secretariat owns.
type secretariatColumns struct {
	PublishedAt    *time.Time
	PublishedBy    string
	CommitteeNotes string
	Contacts       string
	Version        int
	ValidatedAt    *time.Time
	ValidatedBy    string
	MergedInto     *int64
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
	if err := db.Table("cases").Select("published_at, published_by, committee_notes, contacts, version, validated_at, validated_by, merged_into").
		Where("id = ?", id).Take(&sc).Error; err != nil {
		return nil, err
	}
	rec.PublishedAt, rec.PublishedBy, rec.CommitteeNotes, rec.Contacts = sc.PublishedAt, sc.PublishedBy, sc.CommitteeNotes, sc.Contacts
	rec.Version, rec.ValidatedAt, rec.ValidatedBy = sc.Version, sc.ValidatedAt, sc.ValidatedBy
	if sc.MergedInto != nil {
		rec.MergedInto = *sc.MergedInto
	}
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
	if err := db.Raw(`SELECT `+reportMetaColumns+` FROM reports WHERE case_id = ? ORDER BY received_at, id`, id).
		Scan(&rec.Reports).Error; err != nil {
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

// reportMetaColumns select a ReportMeta from reports.
const reportMetaColumns = `id, source, source_name, received_at, body_sha256 AS sha256, length(body) AS size,
	kind, sequence, coalesce(organisation_id, 0) AS organisation_id, submitted_by, origin_case_id`

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
	meta := &ReportMeta{ID: row.ID, Source: row.Source, SourceName: row.SourceName, ReceivedAt: row.ReceivedAt,
		SHA256: row.BodySHA256, Size: len(row.Body), Kind: row.Kind, SubmittedBy: row.SubmittedBy}
	if row.OrganisationID != nil {
		meta.OrganisationID = *row.OrganisationID
	}
	if row.Sequence != nil {
		meta.Sequence = *row.Sequence
	}
	return meta, row.Body, nil
}

// Cases loads the working copies of cases ids in one round of queries
// (for a page of cases that are judged or matched, not shown whole); ids
// that do not exist are absent from the map.
func Cases(db *gorm.DB, ids []int64) (map[int64]caseformat.Case, error) {
	out := make(map[int64]caseformat.Case, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []caseRow
	if err := db.Where("id = ANY(?::bigint[])", idArray(ids)).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return out, nil
	}
	if err := loadParts(db, rows); err != nil {
		return nil, err
	}
	for i := range rows {
		c, err := fromRow(&rows[i])
		if err != nil {
			return nil, fmt.Errorf("case %d: %w", rows[i].ID, err)
		}
		out[rows[i].ID] = c
	}
	return out, nil
}
