package casefile

import (
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
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
)

// Query selects a page of cases.
type Query struct {
	// Q searches the text of the sections the caller may see, and only those.
	Q          string
	Kind       string
	FiscalYear int
	// Organisation keeps the cases in which this organisation is an operator.
	Organisation int64
	Cursor       string
	Limit        int
}

// Item is a case in a list: its overview if the caller may see it, else
// its approved anonymised summary.
type Item struct {
	ID         int64           `json:"id"`
	Kind       caseformat.Kind `json:"kind"`
	FiscalYear int             `json:"fiscal_year"`
	Label
	Ref        string     `json:"ref,omitempty"`
	OccurredAt *time.Time `json:"occurred_at,omitempty"`
	Operators  []string   `json:"operators,omitempty"`
	Title      string     `json:"title"`
	Published  bool       `json:"published,omitempty"`
}

// Page is one page of a list.
type Page struct {
	Items []Item `json:"items"`
	// Total counts every case of the query the caller may see.
	Total      int64  `json:"total"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// The section conditions on a cases row c.
var (
	publishedSQL = access.Clause{SQL: "c.kind = 'accident' AND c.published_at IS NOT NULL"}
	approvedSQL  = access.Clause{SQL: "c.id IN (SELECT s.case_id FROM near_miss_summaries s WHERE s.status = 'approved')"}
)

// visibility is, per section, the SQL condition under which sub sees it,
// and whether sub sees the case at all.
type visibility struct {
	overview, anonymised, restricted, own, committee access.Clause
	anySection                                       access.Clause
}

func (s *Service) visibility(sub access.Subject) visibility {
	f := func(t access.Tier) access.Clause { return s.Access.Filter(sub, t, access.Read) }
	v := visibility{committee: f(access.Committee)}
	v.overview = raisable(SectionOverview, access.Or(access.And(publishedSQL, f(access.Public)), f(access.Restricted)), f)
	v.restricted = raisable(SectionRestricted, f(access.Restricted), f)
	v.own = raisable(SectionOwn, f(access.Own), f)
	v.anonymised = access.And(approvedSQL, f(access.Anonymised))

	// Whether any section shows, written per tier rather than per section:
	// "sub may read tier T, and some section of the case is at T". It is
	// the same set as the OR of the sections, but each grant is looked up
	// once per case instead of once per section, which is what a count
	// over every case pays for.
	hasPublic := access.And(publishedSQL, notRaised(SectionOverview))
	hasRestricted := access.Or(notRaised(SectionRestricted), access.And(access.Not(publishedSQL), notRaised(SectionOverview)),
		raisedTo(SectionOverview, access.Restricted))
	hasOwn := access.Or(notRaised(SectionOwn), raisedTo(SectionOverview, access.Own), raisedTo(SectionRestricted, access.Own))
	v.anySection = access.Or(
		access.And(f(access.Public), hasPublic),
		access.And(f(access.Anonymised), approvedSQL),
		access.And(f(access.Restricted), hasRestricted),
		access.And(f(access.Own), hasOwn),
		f(access.Committee),
	)
	return v
}

// notRaised holds for the cases whose section keeps its default tier.
func notRaised(section string) access.Clause {
	return access.Clause{SQL: "c.id NOT IN (SELECT r.case_id FROM case_tier_raises r WHERE r.section = ?)", Args: []any{section}}
}

// raisedTo holds for the cases whose section is raised to t.
func raisedTo(section string, t access.Tier) access.Clause {
	return access.Clause{SQL: "c.id IN (SELECT r.case_id FROM case_tier_raises r WHERE r.section = ? AND r.tier = ?)", Args: []any{section, string(t)}}
}

// raisable is the visibility of a section whose tier the secretariat may
// have raised for some cases: its default visibility where it is not
// raised, and that of the raised tier where it is. The grant comes first
// in each term: for the many cases a caller may not see, it fails before
// the raises are looked up.
func raisable(section string, def access.Clause, f func(access.Tier) access.Clause) access.Clause {
	terms := []access.Clause{access.And(def, notRaised(section))}
	for _, t := range raiseTargets[section] {
		terms = append(terms, access.And(f(t), raisedTo(section, t)))
	}
	return access.Or(terms...)
}

// any is the condition that sub sees some section of the case.
func (v visibility) any() access.Clause { return v.anySection }

// search matches q only in the sections sub may see: a word that occurs
// only in a hidden section finds nothing.
func (v visibility) search(q string) access.Clause {
	q = strings.TrimSpace(q)
	if q == "" {
		return access.True
	}
	pat := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
	like := func(sql string, n int) access.Clause {
		args := make([]any, n)
		for i := range args {
			args[i] = pat
		}
		return access.Clause{SQL: sql, Args: args}
	}
	return access.Or(
		access.And(v.overview, like(`c.summary ILIKE ? OR c.ref ILIKE ? OR c.area ILIKE ?
			OR EXISTS (SELECT 1 FROM case_operators co JOIN organisation_names n ON n.organisation_id = co.organisation_id
			           WHERE co.case_id = c.id AND n.name ILIKE ?)`, 4)),
		access.And(v.anonymised, like("EXISTS (SELECT 1 FROM near_miss_summaries s WHERE s.case_id = c.id AND s.status = 'approved' AND s.text ILIKE ?)", 1)),
		access.And(v.restricted, like("c.detail ILIKE ? OR c.measures ILIKE ? OR EXISTS (SELECT 1 FROM causes k WHERE k.case_id = c.id AND k.text ILIKE ?)", 3)),
		access.And(v.own, like("c.contacts ILIKE ?", 1)),
		access.And(v.committee, like("c.committee_notes ILIKE ?", 1)),
	)
}

// where is the whole condition of a query, without the cursor.
func (s *Service) where(sub access.Subject, q Query) (access.Clause, visibility, error) {
	v := s.visibility(sub)
	// A case linked into another is listed as that one.
	parts := []access.Clause{v.any(), v.search(q.Q), {SQL: "c.merged_into IS NULL"}}
	if q.Kind != "" {
		if !slices.Contains(caseformat.Kinds, caseformat.Kind(q.Kind)) {
			return access.False, v, &InputError{"kind", "kind.unknown", fmt.Sprintf("%q: want accident, near_miss or information", q.Kind)}
		}
		parts = append(parts, access.Clause{SQL: "c.kind = ?", Args: []any{q.Kind}})
	}
	if q.FiscalYear != 0 {
		parts = append(parts, access.Clause{SQL: "c.fiscal_year = ?", Args: []any{q.FiscalYear}})
	}
	if q.Organisation != 0 {
		parts = append(parts, access.Clause{SQL: "c.id IN (SELECT co.case_id FROM case_operators co WHERE co.organisation_id = ?)", Args: []any{q.Organisation}})
	}
	return access.And(parts...), v, nil
}

type listRow struct {
	ID            int64
	Kind          string
	Ref           string
	OccurredAt    time.Time
	FiscalYear    int
	Summary       string
	PublishedAt   *time.Time
	Anonymised    *string
	OverviewRaise *string
}

// List returns a page of the cases sub may see, newest first. The
// visibility condition runs in SQL; each row is checked again by the
// enforcer before it is shown, and only visible sections fill the item.
func (s *Service) List(ctx context.Context, sub access.Subject, q Query) (*Page, error) {
	where, _, err := s.where(sub, q)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	db := s.DB.WithContext(ctx)
	page := &Page{Items: []Item{}}
	// The total is counted for the first page and carried in the cursor:
	// counting means reading every visible case, paging should not.
	if q.Cursor != "" {
		if _, _, total, err := parseCursor(q.Cursor); err == nil {
			page.Total = total
		}
	} else if err := db.Table("cases c").Where(where.SQL, where.Args...).Count(&page.Total).Error; err != nil {
		return nil, err
	}
	qb, err := pageQuery(db, where, q.Cursor, limit)
	if err != nil {
		return nil, err
	}
	var rows []listRow
	if err := qb.Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[len(rows)-1]
		page.NextCursor = cursor(last.OccurredAt, last.ID, page.Total)
	}
	items, shown, err := s.items(ctx, sub, rows)
	if err != nil {
		return nil, err
	}
	page.Items = items
	if len(shown) > 0 {
		if err := audit.Record(ctx, s.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead, Object: "cases/list",
			Detail: map[string]any{"overviews": shown}}); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// listColumns are the columns of a listRow, on a cases row c.
const listColumns = `c.id, c.kind, c.ref, c.occurred_at, c.fiscal_year, c.summary, c.published_at,
	(SELECT s.text FROM near_miss_summaries s WHERE s.case_id = c.id AND s.status = 'approved') AS anonymised,
	(SELECT r.tier FROM case_tier_raises r WHERE r.case_id = c.id AND r.section = 'overview') AS overview_raise`

// pageQuery is the query of one page: limit+1 rows after the cursor, so
// that the extra row tells whether there is a next page.
func pageQuery(db *gorm.DB, where access.Clause, cur string, limit int) (*gorm.DB, error) {
	qb := db.Table("cases c").Select(listColumns).Where(where.SQL, where.Args...)
	if cur != "" {
		at, id, _, err := parseCursor(cur)
		if err != nil {
			return nil, &InputError{"cursor", "cursor.invalid", "not a cursor this server gave"}
		}
		qb = qb.Where("(c.occurred_at, c.id) < (?, ?)", at, id)
	}
	return qb.Order("c.occurred_at DESC, c.id DESC").Limit(limit + 1), nil
}

// items turns rows into list items, deciding each with the enforcer. It
// also returns, by tier, the ids whose overview was shown while it is not
// public (audited).
func (s *Service) items(ctx context.Context, sub access.Subject, rows []listRow) ([]Item, map[access.Tier][]int64, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	db := s.DB.WithContext(ctx)
	orgs, err := casestore.OperatorOrgs(db, ids)
	if err != nil {
		return nil, nil, err
	}
	names, err := operatorNames(ctx, s, ids)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Item, 0, len(rows))
	shown := map[access.Tier][]int64{}
	for _, r := range rows {
		ref := access.NewCaseRef(r.ID, orgs[r.ID])
		kind := caseformat.Kind(r.Kind)
		it := Item{ID: r.ID, Kind: kind, FiscalYear: r.FiscalYear}
		var raised access.Tier
		if r.OverviewRaise != nil {
			raised = access.Tier(*r.OverviewRaise)
		}
		ot := SectionTier(SectionOverview, kind, r.PublishedAt != nil, raised)
		switch {
		case s.Access.Can(sub, ref, ot, access.Read):
			at := r.OccurredAt
			it.Label, it.Ref, it.OccurredAt, it.Operators, it.Title, it.Published = label(ot), r.Ref, &at, names[r.ID], r.Summary, r.PublishedAt != nil
			if ot != access.Public {
				shown[ot] = append(shown[ot], r.ID)
			}
		case r.Anonymised != nil && s.Access.Can(sub, ref, access.Anonymised, access.Read):
			it.Label, it.Title = label(access.Anonymised), *r.Anonymised
		case s.Access.Can(sub, ref, access.Committee, access.Read) || s.Access.Can(sub, ref, access.Own, access.Read):
			// Seen through a part without an overview: the id and kind only.
			it.Label = label(access.Committee)
		default:
			// The SQL filter and the enforcer disagree: show nothing and say so.
			s.logger().Error("list filter let through a case the enforcer hides", "case", r.ID, "sub", sub.Key)
			continue
		}
		out = append(out, it)
	}
	return out, shown, nil
}

// operatorNames gives each case's operators by their registry names.
func operatorNames(ctx context.Context, s *Service, ids []int64) (map[int64][]string, error) {
	var rows []struct {
		CaseID int64
		Name   string
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT co.case_id, o.name FROM case_operators co JOIN organisations o ON o.id = co.organisation_id
		WHERE co.case_id = ANY(?::bigint[]) ORDER BY co.case_id, co.position`, idList(ids)).Scan(&rows).Error
	out := map[int64][]string{}
	for _, r := range rows {
		out[r.CaseID] = append(out[r.CaseID], r.Name)
	}
	return out, err
}

// idList is a bigint[] literal.
func idList(ids []int64) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, id := range ids {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.FormatInt(id, 10))
	}
	sb.WriteByte('}')
	return sb.String()
}

// cursor encodes the position after the last item and the total of the
// first page.
func cursor(at time.Time, id, total int64) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d.%d.%d", at.UnixMicro(), id, total))
}

func parseCursor(s string) (at time.Time, id, total int64, err error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return at, 0, 0, err
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 {
		return at, 0, 0, fmt.Errorf("bad cursor")
	}
	var n [3]int64
	for i, p := range parts {
		if n[i], err = strconv.ParseInt(p, 10, 64); err != nil {
			return at, 0, 0, fmt.Errorf("bad cursor")
		}
	}
	return time.UnixMicro(n[0]), n[1], n[2], nil
}

// Export calls fn with the full view of every case of q that sub may see,
// in list order, and audits the export once.
func (s *Service) Export(ctx context.Context, sub access.Subject, q Query, fn func(*View) error) (int, error) {
	q.Cursor, q.Limit = "", 200
	// The export is recorded before anything leaves, so that an audit
	// trail that cannot be written stops it; the cases it held are
	// recorded when it ends.
	if err := audit.Record(ctx, s.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead, Object: "cases/export",
		Detail: map[string]any{"started": true, "q": q.Q, "kind": q.Kind, "fiscal_year": q.FiscalYear}}); err != nil {
		return 0, err
	}
	n := 0
	var sensitiveIDs []int64
	for {
		where, _, err := s.where(sub, q)
		if err != nil {
			return n, err
		}
		qb, err := pageQuery(s.DB.WithContext(ctx), where, q.Cursor, q.Limit-1)
		if err != nil {
			return n, err
		}
		var rows []listRow
		if err := qb.Scan(&rows).Error; err != nil {
			return n, err
		}
		for _, r := range rows {
			v, _, err := s.view(ctx, sub, r.ID)
			if err == ErrNotFound {
				continue
			}
			if err != nil {
				return n, err
			}
			if len(sensitive(v)) > 0 {
				sensitiveIDs = append(sensitiveIDs, r.ID)
			}
			if err := fn(v); err != nil {
				return n, err
			}
			n++
		}
		if len(rows) < q.Limit {
			break
		}
		last := rows[len(rows)-1]
		q.Cursor = cursor(last.OccurredAt, last.ID, 0)
	}
	if len(sensitiveIDs) > 0 {
		err := audit.Record(ctx, s.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead, Object: "cases/export",
			Detail: map[string]any{"cases": sensitiveIDs}})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Count is how many cases of q sub may see. Unlike List it shows no case,
// so it is not audited: home pages count by kind without filling the trail.
func (s *Service) Count(ctx context.Context, sub access.Subject, q Query) (int64, error) {
	where, _, err := s.where(sub, q)
	if err != nil {
		return 0, err
	}
	var n int64
	return n, s.DB.WithContext(ctx).Table("cases c").Where(where.SQL, where.Args...).Count(&n).Error
}

// Draft is an anonymised near-miss summary awaiting approval.
type Draft struct {
	CaseID    int64     `json:"case_id"`
	Ref       string    `json:"ref"`
	Version   int       `json:"version"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Drafts lists the draft summaries sub may approve, newest first; the
// policy's approve grant is applied in the query like every list.
func (s *Service) Drafts(ctx context.Context, sub access.Subject, limit int) ([]Draft, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	may := s.Access.Filter(sub, access.Anonymised, access.Approve)
	var out []Draft
	err := s.DB.WithContext(ctx).Table("near_miss_summaries s").
		Select("s.case_id, c.ref, s.version, s.updated_by, s.updated_at").
		Joins("JOIN cases c ON c.id = s.case_id").
		Where("s.status = 'draft'").Where(may.SQL, may.Args...).
		Order("s.updated_at DESC").Limit(limit).Scan(&out).Error
	return out, err
}
