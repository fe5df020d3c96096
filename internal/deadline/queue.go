package deadline

import (
	"context"
	"errors"
	"time"

	"kensho/internal/access"
	"kensho/internal/casestore"
	"kensho/internal/jpdate"
)

// Errors callers map to statuses.
var (
	// ErrForbidden: the caller may not see deadlines or notifications at all.
	ErrForbidden = errors.New("you may not see deadlines")
	// ErrNotFound: no such notification among the caller's own.
	ErrNotFound = errors.New("notification not found")
)

// Filter narrows the queue.
type Filter struct {
	// WithinDays keeps, besides every overdue deadline, those due within
	// this many days from today (JST); 0 is queue.within_days.
	WithinDays int
	// OverdueOnly keeps only overdue deadlines.
	OverdueOnly bool
	// Organisation keeps one organisation's deadlines (0: all).
	Organisation int64
}

// Item is one open deadline in the queue.
type Item struct {
	DeadlineID     int64  `json:"deadline_id"`
	CaseID         int64  `json:"case_id"`
	Ref            string `json:"ref"`
	CaseKind       string `json:"case_kind"`
	OrganisationID int64  `json:"organisation_id"`
	Organisation   string `json:"organisation"`
	// Kind is the report owed: detailed or quarterly (configs/deadlines.yaml).
	Kind string `json:"kind"`
	// DueOn is the last day on time (JST), 2006-01-02; DueAt the instant
	// it ends.
	DueOn string    `json:"due_on"`
	DueAt time.Time `json:"due_at"`
	// DaysLeft counts calendar days (JST) from today to the last day:
	// 0 is due today, negative is overdue by that many days.
	DaysLeft   int       `json:"days_left"`
	Overdue    bool      `json:"overdue"`
	OccurredAt time.Time `json:"occurred_at"`
	// FirstReportAt is the organisation's first report on the case, and
	// MinutesToFirstReport the time from occurrence to it, when that
	// organisation filed a quick report (一報): how promptly it came.
	FirstReportAt        *time.Time `json:"first_report_at,omitempty"`
	MinutesToFirstReport *int64     `json:"minutes_to_first_report,omitempty"`
	Basis                string     `json:"basis"`
}

// Queue is every open deadline that is overdue or due within the filter's
// days, most urgent first (the earliest due first, the longest overdue at
// the top). It decides nothing about who asks: callers use Visible.
func (s *Service) Queue(ctx context.Context, f Filter) ([]Item, error) {
	within := f.WithinDays
	if within <= 0 {
		within = s.Rules.Queue.WithinDays
	}
	now := s.now()
	today := jpdate.DateOf(now)
	todayStart, _ := jpdate.ParseDate(today)
	horizon := jpdate.DateOf(todayStart.AddDate(0, 0, within))
	if f.OverdueOnly {
		horizon = jpdate.DateOf(todayStart.AddDate(0, 0, -1))
	}
	var rows []struct {
		Item
		HasQuick bool
	}
	q := s.DB.WithContext(ctx).Table("deadlines d").
		Select(`d.id AS deadline_id, d.case_id, c.ref, c.kind AS case_kind, d.organisation_id, o.name AS organisation,
			d.kind, d.due_on::text AS due_on, d.due_at, c.occurred_at, d.basis,
			(SELECT min(r.received_at) FROM reports r WHERE r.case_id = d.case_id
				AND (r.organisation_id = d.organisation_id OR r.organisation_id IS NULL)) AS first_report_at,
			EXISTS (SELECT 1 FROM reports r WHERE r.case_id = d.case_id AND r.kind = 'quick'
				AND (r.organisation_id = d.organisation_id OR r.organisation_id IS NULL)) AS has_quick`).
		Joins("JOIN cases c ON c.id = d.case_id").
		Joins("JOIN organisations o ON o.id = d.organisation_id").
		Where("d.met_at IS NULL AND d.dropped_at IS NULL AND c.merged_into IS NULL").
		Where("d.due_on <= ?::date", horizon)
	if f.Organisation != 0 {
		q = q.Where("d.organisation_id = ?", f.Organisation)
	}
	if err := q.Order("d.due_at, c.ref, o.name, d.kind").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Item, 0, len(rows))
	for _, r := range rows {
		it := r.Item
		it.DaysLeft = daysBetween(today, it.DueOn)
		it.Overdue = it.DaysLeft < 0
		if !r.HasQuick {
			it.FirstReportAt = nil
		} else if it.FirstReportAt != nil {
			m := int64(it.FirstReportAt.Sub(it.OccurredAt) / time.Minute)
			it.MinutesToFirstReport = &m
		}
		out = append(out, it)
	}
	return out, nil
}

// Visible is the queue as sub may see it: the secretariat and the committee
// every organisation's (less the cases an expert declared a conflict with),
// a reporter its own organisation's; anyone else is refused.
func (s *Service) Visible(ctx context.Context, sub access.Subject, f Filter) ([]Item, error) {
	if !s.Access.CanSystem(sub, access.Deadlines, access.Read) {
		org := sub.OrgID()
		if org == 0 || !s.Access.Can(sub, access.NewCaseRef(0, []int64{org}), access.Deadlines, access.Read) {
			return nil, ErrForbidden
		}
		f.Organisation = org
	}
	items, err := s.Queue(ctx, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.CaseID)
	}
	orgs, err := casestore.OperatorOrgs(s.DB.WithContext(ctx), ids)
	if err != nil {
		return nil, err
	}
	out := items[:0]
	for _, it := range items {
		if s.Access.Can(sub, access.NewCaseRef(it.CaseID, orgs[it.CaseID]), access.Deadlines, access.Read) {
			out = append(out, it)
		}
	}
	return out, nil
}

// DueDate is DueOn as a time (midnight JST), for display.
func (it Item) DueDate() time.Time {
	t, _ := jpdate.ParseDate(it.DueOn)
	return t
}

// MayRead reports whether sub may see any deadline (for navigation links).
func (s *Service) MayRead(sub access.Subject) bool {
	if s.Access.CanSystem(sub, access.Deadlines, access.Read) {
		return true
	}
	org := sub.OrgID()
	return org != 0 && s.Access.Can(sub, access.NewCaseRef(0, []int64{org}), access.Deadlines, access.Read)
}
