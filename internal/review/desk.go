package review

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/triage"
)

// The desk's filters and orders.
const (
	StatusAwaiting = "awaiting"
	StatusDecided  = "decided"
	StatusAll      = "all"
	SortNewest     = "newest"
	SortNovelty    = "novelty"
)

// NoveltyWindow is how many cases of a desk query (the newest) are ranked
// by novelty: each is one query of the similarity engine, so ranking is
// bounded; a query with more cases says so (DeskPage.NoveltyWindow).
const NoveltyWindow = 200

// DeskQuery selects a page of the triage desk.
type DeskQuery struct {
	// Status is awaiting (no decision yet; the default), decided or all.
	Status string
	// Kind keeps one kind of case: accident, near_miss or information.
	Kind string
	// Depth keeps the decided cases of one depth.
	Depth string
	// Sort is newest (occurrence, newest first; the default) or novelty
	// (most novel first, over the newest NoveltyWindow cases).
	Sort   string
	Cursor string
	Limit  int
}

// DeskItem is one case on the desk with everything its decision needs.
type DeskItem struct {
	Case CaseHeader `json:"case"`
	// FirstReportAt is when the case's first report came in.
	FirstReportAt *time.Time     `json:"first_report_at,omitempty"`
	Judgement     *Judgement     `json:"judgement,omitempty"`
	Deadlines     *DeadlineState `json:"deadlines"`
	// Novelty and Similar are the engine's now (absent when it is not running).
	Novelty *float64       `json:"novelty,omitempty"`
	Similar []triage.Match `json:"similar"`
	// Decision is the decision in force (nil: awaiting triage).
	Decision *Decision    `json:"decision,omitempty"`
	Panel    PanelSummary `json:"panel"`
}

// DeskPage is one page of the desk.
type DeskPage struct {
	Items []DeskItem `json:"items"`
	// Total counts the cases of the query; Awaiting and Decided those of
	// each status under the same kind.
	Total      int64  `json:"total"`
	Awaiting   int64  `json:"awaiting"`
	Decided    int64  `json:"decided"`
	NextCursor string `json:"next_cursor,omitempty"`
	Status     string `json:"status"`
	Sort       string `json:"sort"`
	// NoveltyWindow is set when the query had more cases than were ranked
	// by novelty: the newest this many were.
	NoveltyWindow int `json:"novelty_window,omitempty"`
}

// Desk is the secretariat's triage desk: cases awaiting a decision (not
// linked into another case) and decided ones, each with the rules
// engine's judgement, its open and overdue deadlines, its novelty and top
// similar cases, the decision in force and its panel. Only those who
// triage (the secretariat) see it; reading it is audited.
func (s *Service) Desk(ctx context.Context, sub access.Subject, q DeskQuery) (*DeskPage, error) {
	if !s.Access.Can(sub, access.System, access.Committee, access.Triage) {
		return nil, casefile.ErrForbidden
	}
	q.Status, q.Sort = cmp.Or(q.Status, StatusAwaiting), cmp.Or(q.Sort, SortNewest)
	switch {
	case !slices.Contains([]string{StatusAwaiting, StatusDecided, StatusAll}, q.Status):
		return nil, input("status", "status.unknown", "%q: want awaiting, decided or all", q.Status)
	case q.Kind != "" && !slices.Contains(caseformat.Kinds, caseformat.Kind(q.Kind)):
		return nil, input("kind", "kind.unknown", "%q: want accident, near_miss or information", q.Kind)
	case q.Depth != "" && !slices.Contains(Depths, q.Depth):
		return nil, input("depth", "depth.unknown", "%q: want in_depth, light or record_only", q.Depth)
	case q.Depth != "" && q.Status == StatusAwaiting:
		return nil, input("depth", "depth.awaiting", "cases awaiting triage have no depth yet: use status=decided or all")
	case q.Sort != SortNewest && q.Sort != SortNovelty:
		return nil, input("sort", "sort.unknown", "%q: want newest or novelty", q.Sort)
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	db := s.DB.WithContext(ctx)
	base := db.Table("cases c").Where("c.merged_into IS NULL")
	if q.Kind != "" {
		base = base.Where("c.kind = ?", q.Kind)
	}
	page := &DeskPage{Items: []DeskItem{}, Status: q.Status, Sort: q.Sort}
	var counts struct{ Awaiting, Decided int64 }
	if err := base.Session(&gorm.Session{}).Select(`count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM triage_decisions d WHERE d.case_id = c.id)) AS awaiting,
		count(*) FILTER (WHERE EXISTS (SELECT 1 FROM triage_decisions d WHERE d.case_id = c.id)) AS decided`).Scan(&counts).Error; err != nil {
		return nil, err
	}
	page.Awaiting, page.Decided = counts.Awaiting, counts.Decided
	sel := base.Session(&gorm.Session{})
	switch q.Status {
	case StatusAwaiting:
		sel = sel.Where("NOT EXISTS (SELECT 1 FROM triage_decisions d WHERE d.case_id = c.id)")
		page.Total = counts.Awaiting
	case StatusDecided:
		sel = sel.Where("EXISTS (SELECT 1 FROM triage_decisions d WHERE d.case_id = c.id)")
		page.Total = counts.Decided
	default:
		page.Total = counts.Awaiting + counts.Decided
	}
	if q.Depth != "" {
		sel = sel.Where(`(SELECT d.depth FROM triage_decisions d WHERE d.case_id = c.id ORDER BY d.version DESC LIMIT 1) = ?`, q.Depth)
		if err := sel.Session(&gorm.Session{}).Count(&page.Total).Error; err != nil {
			return nil, err
		}
	}
	type row struct {
		ID         int64
		OccurredAt time.Time
	}
	var ids []int64
	var sims map[int64]*triage.Result
	switch q.Sort {
	case SortNewest:
		qb := sel.Session(&gorm.Session{}).Select("c.id, c.occurred_at")
		if q.Cursor != "" {
			at, id, err := parseDeskCursor(q.Cursor)
			if err != nil {
				return nil, err
			}
			qb = qb.Where("(c.occurred_at, c.id) < (?, ?)", at, id)
		}
		var rows []row
		if err := qb.Order("c.occurred_at DESC, c.id DESC").Limit(q.Limit + 1).Scan(&rows).Error; err != nil {
			return nil, err
		}
		if len(rows) > q.Limit {
			rows = rows[:q.Limit]
			last := rows[len(rows)-1]
			page.NextCursor = deskCursor(last.OccurredAt, last.ID)
		}
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
	case SortNovelty:
		offset := 0
		if q.Cursor != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(q.Cursor, "n"))
			if err != nil || !strings.HasPrefix(q.Cursor, "n") || n < 0 {
				return nil, input("cursor", "cursor.invalid", "not a cursor this server gave")
			}
			offset = n
		}
		var rows []row
		if err := sel.Session(&gorm.Session{}).Select("c.id, c.occurred_at").Order("c.occurred_at DESC, c.id DESC").
			Limit(NoveltyWindow + 1).Scan(&rows).Error; err != nil {
			return nil, err
		}
		if len(rows) > NoveltyWindow {
			rows = rows[:NoveltyWindow]
			page.NoveltyWindow = NoveltyWindow
		}
		sims = map[int64]*triage.Result{}
		all := make([]int64, len(rows))
		for i, r := range rows {
			all[i] = r.ID
			sims[r.ID] = s.similar(ctx, sub, r.ID, deskTopK)
		}
		novelty := func(id int64) float64 {
			if r := sims[id]; r != nil {
				return r.Novelty
			}
			return -1
		}
		// Most novel first; without a score (engine off), newest first.
		slices.SortStableFunc(all, func(a, b int64) int { return cmp.Compare(novelty(b), novelty(a)) })
		if offset < len(all) {
			ids = all[offset:min(offset+q.Limit, len(all))]
		}
		if offset+q.Limit < len(all) {
			page.NextCursor = fmt.Sprintf("n%d", offset+q.Limit)
		}
	}
	items, err := s.deskItems(ctx, sub, ids, sims)
	if err != nil {
		return nil, err
	}
	page.Items = items
	if len(items) > 0 {
		shown := make([]int64, len(items))
		for i, it := range items {
			shown[i] = it.Case.ID
		}
		if err := audit.Record(ctx, s.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead, Object: "triage/desk",
			Detail: map[string]any{"tiers": []access.Tier{access.Committee}, "cases": shown}}); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// deskItems builds the desk's items of cases ids, in order, each checked
// by the enforcer again. sims holds similarity results already computed.
func (s *Service) deskItems(ctx context.Context, sub access.Subject, ids []int64, sims map[int64]*triage.Result) ([]DeskItem, error) {
	out := []DeskItem{}
	if len(ids) == 0 {
		return out, nil
	}
	db := s.DB.WithContext(ctx)
	cases, err := casestore.Cases(db, ids)
	if err != nil {
		return nil, err
	}
	orgs, err := casestore.OperatorOrgs(db, ids)
	if err != nil {
		return nil, err
	}
	var meta []struct {
		ID            int64
		FiscalYear    int
		PublishedAt   *time.Time
		FirstReportAt *time.Time
	}
	if err := db.Raw(`SELECT c.id, c.fiscal_year, c.published_at,
		(SELECT min(r.received_at) FROM reports r WHERE r.case_id = c.id) AS first_report_at
		FROM cases c WHERE c.id IN ?`, ids).Scan(&meta).Error; err != nil {
		return nil, err
	}
	names, err := orgNamesOf(db, ids)
	if err != nil {
		return nil, err
	}
	current, err := latestDecisions(db, ids)
	if err != nil {
		return nil, err
	}
	panels, err := panelSummaries(db, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		c, ok := cases[id]
		if !ok {
			continue
		}
		if !s.Access.Can(sub, access.NewCaseRef(id, orgs[id]), access.Committee, access.Read) {
			continue
		}
		rec := &casestore.Record{ID: id, Case: c, OrgIDs: orgs[id], OrgNames: names}
		var it DeskItem
		for _, m := range meta {
			if m.ID == id {
				rec.FiscalYear, rec.PublishedAt, it.FirstReportAt = m.FiscalYear, m.PublishedAt, m.FirstReportAt
			}
		}
		it.Case, it.Judgement, it.Decision, it.Panel = header(rec), s.judge(rec), current[id], panels[id]
		if it.Deadlines, err = s.deadlines(ctx, id, names); err != nil {
			return nil, err
		}
		res, ok := sims[id]
		if !ok {
			res = s.similar(ctx, sub, id, deskTopK)
		}
		it.Similar = []triage.Match{}
		if res != nil {
			n := res.Novelty
			it.Novelty = &n
			it.Similar = res.Matches
			if len(it.Similar) > deskTopK {
				it.Similar = it.Similar[:deskTopK]
			}
		}
		out = append(out, it)
	}
	return out, nil
}

func deskCursor(at time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d:%d", at.UnixNano(), id)))
}

func parseDeskCursor(s string) (time.Time, int64, error) {
	bad := input("cursor", "cursor.invalid", "not a cursor this server gave")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, 0, bad
	}
	a, c, ok := strings.Cut(string(b), ":")
	if !ok {
		return time.Time{}, 0, bad
	}
	ns, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(c, 10, 64)
	if err1 != nil || err2 != nil {
		return time.Time{}, 0, bad
	}
	return time.Unix(0, ns), id, nil
}
