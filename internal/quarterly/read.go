package quarterly

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"kensho/internal/access"
	"kensho/internal/audit"
)

// InputError is a wrong query parameter, naming it.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// Query selects stored rows.
type Query struct {
	FiscalYear int
	// Quarter is 1–4, or 0 for the whole year.
	Quarter int
	// Cursor is the next_cursor of the page before.
	Cursor string
	Limit  int
}

// The page sizes of Rows.
const (
	DefaultLimit = 1000
	MaxLimit     = 10_000
)

// StoredRow is a row as readers get it.
type StoredRow struct {
	ID              int64      `json:"id"`
	OrganisationID  int64      `json:"organisation_id"`
	Organisation    string     `json:"organisation"`
	FiscalYear      int        `json:"fiscal_year"`
	Quarter         int        `json:"quarter"`
	Form            string     `json:"form"`
	Key             string     `json:"key"`
	EquipmentType   string     `json:"equipment_type"`
	Prefecture      string     `json:"prefecture"`
	Count           *int64     `json:"count,omitempty"`
	Ref             string     `json:"ref,omitempty"`
	OccurredAt      *time.Time `json:"occurred_at,omitempty"`
	RecoveredAt     *time.Time `json:"recovered_at,omitempty"`
	Service         *string    `json:"service,omitempty"`
	Users           *int64     `json:"users,omitempty"`
	DurationMinutes *int64     `json:"duration_minutes,omitempty"`
	CauseClass      *string    `json:"cause_class,omitempty"`
	CauseArchetype  *string    `json:"cause_archetype,omitempty"`
	Summary         string     `json:"summary,omitempty"`
	// UploadID is the upload that last set the row; ReportID the report
	// filed through the per-accident form it came from (one at least).
	UploadID int64 `json:"upload_id,omitempty"`
	ReportID int64 `json:"report_id,omitempty"`
}

// Page is one page of rows, oldest first.
type Page struct {
	Items      []StoredRow `json:"items"`
	NextCursor string      `json:"next_cursor,omitempty"`
}

// readable lists the organisations among candidates whose quarterly
// reports the caller may read: its own for a reporter (whatever the
// candidates), the candidates less declared conflicts for the committee.
func (s *Service) readable(c Caller, candidates []int64) ([]int64, error) {
	if !s.can(c, 0, access.Read) {
		own := c.Subject.OrgID()
		if own == 0 || !s.can(c, own, access.Read) {
			return nil, ErrForbidden
		}
		return []int64{own}, nil
	}
	out := []int64{}
	for _, o := range candidates {
		if s.can(c, o, access.Read) { // a committee member's declared conflict denies
			out = append(out, o)
		}
	}
	return out, nil
}

// Rows returns the stored rows of a fiscal year (and quarter) that the
// caller may read: a reporter its own organisation's, the committee all
// but those of organisations it declared a conflict with. Every page read
// is audited (committee + own tier).
func (s *Service) Rows(ctx context.Context, c Caller, q Query) (*Page, error) {
	if q.FiscalYear < FirstFiscalYear || q.FiscalYear > 2200 {
		return nil, &InputError{Field: "fiscal_year", Message: fmt.Sprintf("a fiscal year from %d is required", FirstFiscalYear)}
	}
	if q.Quarter < 0 || q.Quarter > 4 {
		return nil, &InputError{Field: "quarter", Message: "must be 1, 2, 3 or 4"}
	}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultLimit
	case q.Limit < 1 || q.Limit > MaxLimit:
		return nil, &InputError{Field: "limit", Message: fmt.Sprintf("must be between 1 and %d", MaxLimit)}
	}
	var after int64
	if q.Cursor != "" {
		n, err := strconv.ParseInt(q.Cursor, 10, 64)
		if err != nil || n < 0 {
			return nil, &InputError{Field: "cursor", Message: "is not a next_cursor of this list"}
		}
		after = n
	}
	db := s.DB.WithContext(ctx)
	where := "r.fiscal_year = ?"
	args := []any{q.FiscalYear}
	if q.Quarter != 0 {
		where += " AND r.quarter = ?"
		args = append(args, q.Quarter)
	}
	var candidates []int64
	if err := db.Raw("SELECT DISTINCT r.organisation_id FROM quarterly_rows r WHERE "+where, args...).Scan(&candidates).Error; err != nil {
		return nil, err
	}
	orgs, err := s.readable(c, candidates)
	if err != nil {
		return nil, err
	}
	page := &Page{Items: []StoredRow{}}
	if len(orgs) == 0 {
		return page, nil
	}
	var rows []StoredRow
	err = db.Raw(`SELECT r.id, r.organisation_id, o.name AS organisation, r.fiscal_year, r.quarter, r.form, r.key,
			r.equipment_type, r.prefecture, r.count, r.occurred_at, r.recovered_at, r.service, r.users,
			r.duration_minutes, r.cause_class, r.cause_archetype, r.summary,
			coalesce(r.upload_id, 0) AS upload_id, coalesce(r.report_id, 0) AS report_id
		FROM quarterly_rows r JOIN organisations o ON o.id = r.organisation_id
		WHERE `+where+` AND r.organisation_id IN ? AND r.id > ? ORDER BY r.id LIMIT ?`,
		append(args, orgs, after, q.Limit+1)...).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		page.NextCursor = strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	for i := range rows {
		if rows[i].Form == FormDetailed {
			rows[i].Ref = rows[i].Key
		}
	}
	page.Items = rows
	if len(rows) > 0 {
		err := audit.Record(ctx, s.DB, audit.Event{Actor: c.Actor, Action: audit.ActionRead, Object: "quarterly_rows",
			Detail: map[string]any{"tier": string(access.Own), "fiscal_year": q.FiscalYear, "quarter": q.Quarter,
				"rows": len(rows), "first_id": rows[0].ID, "organisations": orgs}})
		if err != nil {
			return nil, err
		}
	}
	return page, nil
}

// QuarterStatus is what was filed for one quarter.
type QuarterStatus struct {
	FiscalYear int
	Quarter    int
	Start      time.Time
	// End is the quarter's last day.
	End time.Time
	Due time.Time
	// Counts is the sum of the simple form's counts, SimpleRows the rows
	// that hold them; Detailed is the number of detailed-form accidents.
	Counts     int64
	SimpleRows int
	Detailed   int
	// Organisations that filed anything (the secretariat's view).
	Organisations int
	LastUpload    time.Time
	// Open: the quarter has not ended. PastDue: its due date has passed.
	// Overdue: past due with nothing filed (an organisation's view).
	Open, PastDue, Overdue bool
}

// Filed reports whether anything was filed for the quarter.
func (q QuarterStatus) Filed() bool { return q.SimpleRows+q.Detailed > 0 }

// Summary is a view of the recent quarters.
type Summary struct {
	// OrganisationID is the organisation summarised; 0 for all.
	OrganisationID int64
	Quarters       []QuarterStatus
}

// SummaryQuarters is how many quarters a summary shows (two years).
const SummaryQuarters = 8

// Summary is what was filed for the recent quarters, newest first, with
// their due dates: the caller's organisation for a reporter, all
// organisations for the secretariat.
func (s *Service) Summary(ctx context.Context, c Caller) (*Summary, error) {
	now := s.now()
	var org int64
	if !s.can(c, 0, access.Read) {
		org = c.Subject.OrgID()
		if org == 0 || !s.can(c, org, access.Read) {
			return nil, ErrForbidden
		}
	}
	fy, q := QuarterOf(now)
	sum := &Summary{OrganisationID: org}
	type key struct{ fy, q int }
	index := map[key]int{}
	for range SummaryQuarters {
		st := QuarterStatus{FiscalYear: fy, Quarter: q, Start: QuarterStart(fy, q),
			End: QuarterEnd(fy, q).AddDate(0, 0, -1), Due: DueDate(fy, q)}
		st.Open = now.Before(QuarterEnd(fy, q))
		st.PastDue = Overdue(fy, q, now)
		index[key{fy, q}] = len(sum.Quarters)
		sum.Quarters = append(sum.Quarters, st)
		if q--; q == 0 {
			fy, q = fy-1, 4
		}
	}
	oldest := sum.Quarters[len(sum.Quarters)-1]
	where := "(r.fiscal_year, r.quarter) >= (?, ?)"
	args := []any{oldest.FiscalYear, oldest.Quarter}
	if org != 0 {
		where += " AND r.organisation_id = ?"
		args = append(args, org)
	}
	var agg []struct {
		FiscalYear, Quarter  int
		Counts               int64
		SimpleRows, Detailed int
		Organisations        int
		LastUpload           time.Time
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT r.fiscal_year, r.quarter,
			coalesce(sum(r.count), 0) AS counts,
			count(*) FILTER (WHERE r.form = 'simple') AS simple_rows,
			count(*) FILTER (WHERE r.form = 'detailed') AS detailed,
			count(DISTINCT r.organisation_id) AS organisations,
			max(coalesce(u.uploaded_at, rep.received_at)) AS last_upload
		FROM quarterly_rows r LEFT JOIN quarterly_uploads u ON u.id = r.upload_id LEFT JOIN reports rep ON rep.id = r.report_id
		WHERE `+where+` GROUP BY r.fiscal_year, r.quarter`, args...).Scan(&agg).Error
	if err != nil {
		return nil, err
	}
	for _, a := range agg {
		i, ok := index[key{a.FiscalYear, a.Quarter}]
		if !ok {
			continue
		}
		st := &sum.Quarters[i]
		st.Counts, st.SimpleRows, st.Detailed, st.Organisations, st.LastUpload = a.Counts, a.SimpleRows, a.Detailed, a.Organisations, a.LastUpload
	}
	for i := range sum.Quarters {
		st := &sum.Quarters[i]
		st.Overdue = org != 0 && st.PastDue && !st.Filed()
	}
	return sum, nil
}
