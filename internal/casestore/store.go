package casestore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"kensho/internal/caseformat"
)

// Store reads and writes cases. Methods that take a *gorm.DB run in the
// caller's transaction; the others use the store's own handle.
type Store struct{ db *gorm.DB }

// New returns a store on gdb.
func New(gdb *gorm.DB) *Store { return &Store{db: gdb} }

// DB is the store's handle, for starting transactions.
func (s *Store) DB() *gorm.DB { return s.db }

// lockKey is the advisory lock that serialises writers of cases and
// organisations, so two imports of one file cannot both create a case.
const lockKey = 0x6b656e73686f // "kensho"

// Lock takes the case writers' lock until tx ends.
func Lock(tx *gorm.DB) error {
	return tx.Exec(`SELECT pg_advisory_xact_lock(?)`, lockKey).Error
}

// ResolveOrganisations returns the organisation id of each name (keyed by
// caseformat.NormalizeName), creating an organisation for every name the
// registry does not know yet.
func ResolveOrganisations(tx *gorm.DB, names []string) (map[string]int64, error) {
	byKey := map[string]string{}
	for _, n := range names {
		if k := caseformat.NormalizeName(n); k != "" {
			if _, seen := byKey[k]; !seen {
				byKey[k] = n
			}
		}
	}
	ids := make(map[string]int64, len(byKey))
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	for _, chunk := range chunks(keys, 1000) {
		var found []OrganisationName
		if err := tx.Where("name_key IN ?", chunk).Find(&found).Error; err != nil {
			return nil, err
		}
		for _, f := range found {
			ids[f.NameKey] = f.OrganisationID
		}
	}
	for _, k := range keys {
		if _, ok := ids[k]; ok {
			continue
		}
		org := Organisation{Name: byKey[k]}
		if err := tx.Create(&org).Error; err != nil {
			return nil, fmt.Errorf("create organisation %q: %w", byKey[k], err)
		}
		if err := tx.Create(&OrganisationName{NameKey: k, OrganisationID: org.ID, Name: byKey[k]}).Error; err != nil {
			return nil, fmt.Errorf("create organisation %q: %w", byKey[k], err)
		}
		ids[k] = org.ID
	}
	return ids, nil
}

// Existing is what the store holds for one case identity.
type Existing struct {
	CaseID int64
	// Reports holds the canonical hash of every report of the case.
	Reports map[string]bool
}

// FindByIdentity returns the stored cases among the given identity keys.
func FindByIdentity(tx *gorm.DB, keys []string) (map[string]*Existing, error) {
	out := map[string]*Existing{}
	for _, chunk := range chunks(keys, 1000) {
		var rows []struct {
			ID          int64
			IdentityKey string
		}
		if err := tx.Model(&caseRow{}).Select("id, identity_key").Where("identity_key IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			continue
		}
		byID := map[int64]*Existing{}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			e := &Existing{CaseID: r.ID, Reports: map[string]bool{}}
			out[r.IdentityKey], byID[r.ID], ids[i] = e, e, r.ID
		}
		var reps []reportRow
		if err := tx.Select("case_id, canonical_sha256").Where("case_id IN ?", ids).Find(&reps).Error; err != nil {
			return nil, err
		}
		for _, r := range reps {
			byID[r.CaseID].Reports[r.CanonicalSHA256] = true
		}
	}
	return out, nil
}

// Report is an operator's submission as received.
type Report struct {
	Source     string // import, api or form
	SourceName string // e.g. the imported file's name
	Body       []byte
	BodySHA256 string
	ReceivedAt time.Time
	// Kind of report (reports.kind); empty: import.
	Kind string
	// OrganisationID filed it; 0 for a secretariat import.
	OrganisationID int64
	SubmittedBy    string
	// OriginCaseID is the case the report counts as coming in with (0: the
	// case it is stored in): a later report of a linked-in organisation
	// belongs with that organisation's own case, should it be split out.
	OriginCaseID int64
}

// NewCase is a case to store with the report it came in.
type NewCase struct {
	Case     caseformat.Case
	Hash     string // Case.Hash(), computed once by the caller
	Identity string
	OrgIDs   []int64
	Report   Report
}

func (nc NewCase) report() reportRow {
	r := reportRow{Source: nc.Report.Source, SourceName: nc.Report.SourceName, ReceivedAt: nc.Report.ReceivedAt,
		Body: nc.Report.Body, BodySHA256: nc.Report.BodySHA256, CanonicalSHA256: nc.Hash,
		Kind: nc.Report.Kind, SubmittedBy: nc.Report.SubmittedBy}
	if nc.Report.OrganisationID != 0 {
		r.OrganisationID = &nc.Report.OrganisationID
	}
	if nc.Report.OriginCaseID != 0 {
		r.OriginCaseID = &nc.Report.OriginCaseID
	}
	return r
}

// Insert stores new cases, each with its first report, in batches.
func Insert(tx *gorm.DB, cases []NewCase) error {
	if len(cases) == 0 {
		return nil
	}
	rows := make([]caseRow, len(cases))
	for i, nc := range cases {
		rows[i] = toRow(nc.Case, nc.Identity, nc.OrgIDs)
		rows[i].Reports = []reportRow{nc.report()}
	}
	return tx.Session(&gorm.Session{FullSaveAssociations: false}).CreateInBatches(&rows, 200).Error
}

// Replace makes nc the working copy of case id and adds its report.
func Replace(tx *gorm.DB, id int64, nc NewCase) error {
	if err := ReplaceCopy(tx, id, nc.Case, nc.Identity, nc.OrgIDs); err != nil {
		return err
	}
	_, err := AddReport(tx, id, nc)
	return err
}

// AddReport stores nc's report as a report of case id and returns its id.
func AddReport(tx *gorm.DB, id int64, nc NewCase) (int64, error) {
	rep := nc.report()
	rep.CaseID = id
	err := tx.Create(&rep).Error
	return rep.ID, err
}

// ReplaceCopy makes c the working copy of case id (operators as given;
// identity as given, or kept when "") and raises its version by one.
func ReplaceCopy(tx *gorm.DB, id int64, c caseformat.Case, identity string, orgIDs []int64) error {
	row := toRow(c, identity, orgIDs)
	for _, del := range []any{&operatorRow{}, &causeRow{}, &impactRow{}} {
		if err := tx.Where("case_id = ?", id).Delete(del).Error; err != nil {
			return err
		}
	}
	res := tx.Model(&caseRow{}).Where("id = ?", id).Updates(map[string]any{
		"ref": row.Ref, "kind": row.Kind, "occurred_at": row.OccurredAt, "recovered_at": row.RecoveredAt,
		"fiscal_year": row.FiscalYear, "area": row.Area, "summary": row.Summary, "detail": row.Detail,
		"measures": row.Measures, "critical_facility_type": row.CriticalFacilityType,
		"critical_facility_minutes": row.CriticalFacilityMinutes, "critical_facility_extra": row.CriticalFacilityExtra,
		"near_miss": row.NearMiss, "extra": row.Extra, "updated_at": time.Now(),
		"identity_key": gorm.Expr("coalesce(nullif(?, ''), identity_key)", identity), "version": gorm.Expr("version + 1"),
	})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("case %d: not found", id)
	}
	for i := range row.Operators {
		row.Operators[i].CaseID = id
	}
	if len(row.Operators) > 0 {
		if err := tx.Create(&row.Operators).Error; err != nil {
			return err
		}
	}
	if row.Cause != nil {
		row.Cause.CaseID = id
		if err := tx.Create(row.Cause).Error; err != nil {
			return err
		}
	}
	for i := range row.Impacts {
		row.Impacts[i].CaseID = id
	}
	if len(row.Impacts) > 0 {
		if err := tx.Create(&row.Impacts).Error; err != nil {
			return err
		}
	}
	return nil
}

// Filter selects cases by occurrence time: From inclusive, To exclusive;
// zero times are open ends.
type Filter struct {
	From, To time.Time
	// Unmerged leaves out the cases linked into another (a wholesale
	// customer's report of the provider's accident): one real accident
	// counts once, as the case it was linked into.
	Unmerged bool
}

// Stream calls fn with the working copies of the selected cases, batch by
// batch, in occurrence order. Memory stays bounded by the batch size
// whatever the size of the case base.
func (s *Store) Stream(ctx context.Context, f Filter, batch int, fn func([]caseformat.Case) error) error {
	return s.StreamEntries(ctx, f, batch, func(es []Entry) error {
		out := make([]caseformat.Case, len(es))
		for i := range es {
			out[i] = es[i].Case
		}
		return fn(out)
	})
}

// Entry is a stored case's working copy with its id and the registry ids
// of its operators (what an access decision on it needs).
type Entry struct {
	ID   int64
	Orgs []int64
	Case caseformat.Case
}

// StreamEntries is Stream with each case's id and operators.
func (s *Store) StreamEntries(ctx context.Context, f Filter, batch int, fn func([]Entry) error) error {
	var lastAt time.Time
	var lastID int64
	db := s.db.WithContext(ctx)
	for {
		q := db.Model(&caseRow{}).Order("occurred_at, id").Limit(batch)
		if !f.From.IsZero() {
			q = q.Where("occurred_at >= ?", f.From)
		}
		if !f.To.IsZero() {
			q = q.Where("occurred_at < ?", f.To)
		}
		if f.Unmerged {
			q = q.Where("merged_into IS NULL")
		}
		if lastID != 0 {
			q = q.Where("(occurred_at, id) > (?, ?)", lastAt, lastID)
		}
		var rows []caseRow
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		if err := loadParts(db, rows); err != nil {
			return err
		}
		out := make([]Entry, len(rows))
		for i := range rows {
			c, err := fromRow(&rows[i])
			if err != nil {
				return err
			}
			orgs := make([]int64, len(rows[i].Operators))
			for j, o := range rows[i].Operators {
				orgs[j] = o.OrganisationID
			}
			out[i] = Entry{ID: rows[i].ID, Orgs: orgs, Case: c}
		}
		if err := fn(out); err != nil {
			return err
		}
		last := rows[len(rows)-1]
		lastAt, lastID = last.OccurredAt, last.ID
		if len(rows) < batch {
			return nil
		}
	}
}

// loadParts fills in the operators, causes, impacts and periods of rows,
// one query each. The ids go as one array parameter: an IN list of a
// thousand parameters would be planned afresh for every batch.
func loadParts(db *gorm.DB, rows []caseRow) error {
	ids := make(idArray, len(rows))
	byID := make(map[int64]*caseRow, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
		byID[rows[i].ID] = &rows[i]
	}
	var ops []operatorRow
	if err := db.Where("case_id = ANY(?::bigint[])", ids).Order("case_id, position").Find(&ops).Error; err != nil {
		return err
	}
	for _, o := range ops {
		byID[o.CaseID].Operators = append(byID[o.CaseID].Operators, o)
	}
	var causes []causeRow
	if err := db.Where("case_id = ANY(?::bigint[])", ids).Find(&causes).Error; err != nil {
		return err
	}
	for i := range causes {
		byID[causes[i].CaseID].Cause = &causes[i]
	}
	// Impacts and periods are most of the rows: scanned by hand, without
	// gorm's reflection.
	var impacts []impactRow
	err := scan(db, `SELECT id, case_id, position, service, monthly_active_users, mediates_communications, degradation,
		peak_users, user_unit, stopped_capacity_gbps, total_subscribers, description, extra
		FROM impacts WHERE case_id = ANY(?::bigint[]) ORDER BY case_id, position`, ids, func(r *sql.Rows) error {
		var im impactRow
		err := r.Scan(&im.ID, &im.CaseID, &im.Position, &im.Service, &im.MonthlyActiveUsers, &im.MediatesCommunications,
			&im.Degradation, &im.PeakUsers, &im.UserUnit, &im.StoppedCapacityGbps, &im.TotalSubscribers, &im.Description, &im.Extra)
		impacts = append(impacts, im)
		return err
	})
	if err != nil {
		return err
	}
	var periods []periodRow
	err = scan(db, `SELECT p.id, p.impact_id, p.position, p.starts_at, p.ends_at, p.users, p.extra
		FROM impact_periods p JOIN impacts i ON i.id = p.impact_id
		WHERE i.case_id = ANY(?::bigint[]) ORDER BY p.impact_id, p.position`, ids, func(r *sql.Rows) error {
		var p periodRow
		err := r.Scan(&p.ID, &p.ImpactID, &p.Position, &p.StartsAt, &p.EndsAt, &p.Users, &p.Extra)
		periods = append(periods, p)
		return err
	})
	if err != nil {
		return err
	}
	periodsOf := make(map[int64][]periodRow, len(impacts))
	for _, p := range periods {
		periodsOf[p.ImpactID] = append(periodsOf[p.ImpactID], p)
	}
	for _, im := range impacts {
		im.Periods = periodsOf[im.ID]
		byID[im.CaseID].Impacts = append(byID[im.CaseID].Impacts, im)
	}
	return nil
}

// scan runs a query and calls each for every row.
func scan(db *gorm.DB, query string, arg any, each func(*sql.Rows) error) error {
	rows, err := db.Raw(query, arg).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// idArray is a bigint[] parameter, written in PostgreSQL's array syntax so
// that gorm passes it as one value instead of expanding it.
type idArray []int64

// Value renders {1,2,3}.
func (a idArray) Value() (driver.Value, error) {
	b := make([]byte, 0, 2+len(a)*8)
	b = append(b, '{')
	for i, id := range a {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, '}')), nil
}

// Span is the first and last occurrence in the case base.
func (s *Store) Span(ctx context.Context) (first, last time.Time, n int64, err error) {
	var r struct {
		First, Last *time.Time
		N           int64
	}
	err = s.db.WithContext(ctx).Model(&caseRow{}).Select("min(occurred_at) AS first, max(occurred_at) AS last, count(*) AS n").Scan(&r).Error
	if err != nil || r.First == nil {
		return time.Time{}, time.Time{}, 0, err
	}
	return *r.First, *r.Last, r.N, nil
}

func chunks[T any](s []T, n int) [][]T {
	var out [][]T
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

// ErrNoOrganisation is returned for a name no organisation goes by.
var ErrNoOrganisation = errors.New("no organisation goes by this name")

// FindOrganisation returns the organisation known by name or any alias.
func FindOrganisation(tx *gorm.DB, name string) (*Organisation, error) {
	var on OrganisationName
	err := tx.Where("name_key = ?", caseformat.NormalizeName(name)).Take(&on).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("%q: %w", name, ErrNoOrganisation)
	}
	if err != nil {
		return nil, err
	}
	var org Organisation
	return &org, tx.Take(&org, on.OrganisationID).Error
}

// OrganisationNames returns every organisation with all its names, for the
// leak scanner.
func OrganisationNames(tx *gorm.DB) ([]Organisation, map[int64][]string, error) {
	var orgs []Organisation
	if err := tx.Order("id").Find(&orgs).Error; err != nil {
		return nil, nil, err
	}
	var names []OrganisationName
	if err := tx.Order("name").Find(&names).Error; err != nil {
		return nil, nil, err
	}
	by := map[int64][]string{}
	for _, n := range names {
		by[n.OrganisationID] = append(by[n.OrganisationID], n.Name)
	}
	return orgs, by, nil
}
