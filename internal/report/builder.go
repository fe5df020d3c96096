package report

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/jpdate"
	"kensho/internal/review"
	"kensho/internal/rules"
)

// SurveySource gives the closed follow-up surveys of a fiscal year with
// their results (package survey implements it).
type SurveySource interface {
	ReportSurveys(ctx context.Context, fy int) ([]Survey, error)
}

// reader is who the builder reads the case base as: anyone (it holds no
// role and no organisation, so the policy's lines for "anyone" alone
// apply), named so that the audit trail says which reads were the
// report's.
var reader = access.Subject{Key: "system:annual-report"}

// Builder assembles the report of a fiscal year from the case base. It
// reads cases as the public sees them (casefile's view for an anonymous
// caller): what it puts into a report is what the tiers let anyone read,
// and the quarterly reports only as aggregates over enough operators.
type Builder struct {
	DB      *gorm.DB
	Catalog *rules.Catalog
	Config  *Config
	Cases   *casefile.Service
	Review  *review.Service
	// Surveys is optional: without it the report has no survey results.
	Surveys SurveySource
}

// Notes are what the editors should know about a build and the public
// must not read: the serious accidents of the year that are not yet
// published (so absent from the report), the drafts of near-miss
// summaries still waiting for approval, surveys still open.
type Notes struct {
	UnpublishedSerious []string `json:"unpublished_serious"`
	UnapprovedNearMiss int      `json:"unapproved_near_misses"`
	Steps              []Step   `json:"steps"`
}

// Step is one stage of a build and how long it took.
type Step struct {
	Name   string `json:"name"`
	Millis int64  `json:"ms"`
}

// BuildSteps names the stages of Build in order (progress is reported
// after each).
var BuildSteps = []string{"serious", "quarterly", "cases", "lessons", "guidance", "surveys"}

// Progress is told after each stage: done of total, and the next stage.
type Progress func(done, total int, step string)

// Input is what the editors give a build: the edition's number and text.
type Input struct {
	FiscalYear int
	Edition    int
	Foreword   string
	Correction string
}

// Build assembles the report of in.FiscalYear.
func (b *Builder) Build(ctx context.Context, in Input, progress Progress) (*Report, *Notes, error) {
	if progress == nil {
		progress = func(int, int, string) {}
	}
	fy := in.FiscalYear
	r := &Report{Format: Format, FiscalYear: fy, Edition: in.Edition, Foreword: in.Foreword, Correction: in.Correction,
		From: jpdate.DateOf(jpdate.FiscalYearStart(fy)), To: jpdate.DateOf(jpdate.FiscalYearStart(fy+1).AddDate(0, 0, -1)),
		Serious: []SeriousAccident{}, NearMisses: []NearMiss{}, Lessons: []LessonTheme{}, Guidance: []Guidance{}, Surveys: []Survey{}}
	notes := &Notes{UnpublishedSerious: []string{}, Steps: []Step{}}
	st := &r.Statistics
	st.MinOperators = b.Config.MinOperators
	for y := fy - b.Config.TrendYears + 1; y <= fy; y++ {
		st.Years = append(st.Years, y)
	}
	db := b.DB.WithContext(ctx)
	var serious map[int64]judged
	stages := []func() error{
		func() (err error) { serious, err = b.serious(db, st); return err },
		func() error { return b.quarterly(db, st, serious) },
		func() error { return b.cases(ctx, db, r, serious, notes) },
		func() error { return b.lessons(ctx, db, r) },
		func() error { return b.guidance(ctx, r) },
		func() error { return b.surveys(ctx, r) },
	}
	for i, stage := range stages {
		progress(i, len(stages), BuildSteps[i])
		t0 := time.Now()
		if err := stage(); err != nil {
			return nil, nil, fmt.Errorf("report %d, %s: %w", fy, BuildSteps[i], err)
		}
		notes.Steps = append(notes.Steps, Step{Name: BuildSteps[i], Millis: time.Since(t0).Milliseconds()})
	}
	progress(len(stages), len(stages), "")
	return r, notes, nil
}

// judged is a serious accident of the trend years.
type judged struct {
	fy       int
	ruleSet  string
	cause    string
	services []string
	orgs     []int64
}

// serious judges every accident of the trend years under the rule set in
// force on its date and counts the serious ones per year, service and
// cause. A wholesale customer's report linked into its provider's case is
// the same accident and counts once. The cause is the committee's where a
// verification is final, else the operator's.
func (b *Builder) serious(db *gorm.DB, st *Statistics) (map[int64]judged, error) {
	first, last := st.Years[0], st.Years[len(st.Years)-1]
	var ids []int64
	if err := db.Raw(`SELECT id FROM cases WHERE kind = 'accident' AND merged_into IS NULL
		AND fiscal_year BETWEEN ? AND ? ORDER BY id`, first, last).Scan(&ids).Error; err != nil {
		return nil, err
	}
	out := map[int64]judged{}
	for start := 0; start < len(ids); start += 1000 {
		batch := ids[start:min(start+1000, len(ids))]
		cases, err := casestore.Cases(db, batch)
		if err != nil {
			return nil, err
		}
		orgs, err := casestore.OperatorOrgs(db, batch)
		if err != nil {
			return nil, err
		}
		for _, id := range batch {
			c, ok := cases[id]
			if !ok {
				continue
			}
			res, err := b.Catalog.Classify(c, "")
			if err != nil || !res.Serious {
				continue // before the first rule set: not serious in force
			}
			j := judged{fy: jpdate.FiscalYear(c.OccurredAt), ruleSet: res.RuleSet, cause: "unknown", orgs: orgs[id]}
			if c.Cause != nil && c.Cause.Class != "" {
				j.cause = string(c.Cause.Class)
			}
			for _, ir := range res.Impacts {
				if ir.Serious && !slices.Contains(j.services, ir.Service) {
					j.services = append(j.services, ir.Service)
				}
			}
			if len(j.services) == 0 { // serious by a critical facility: every service it carried
				for _, im := range c.Impacts {
					if s := string(im.Service); !slices.Contains(j.services, s) {
						j.services = append(j.services, s)
					}
				}
			}
			out[id] = j
		}
	}
	if len(out) > 0 {
		var finals []struct {
			CaseID     int64
			CauseClass string
		}
		keys := make([]int64, 0, len(out))
		for id := range out {
			keys = append(keys, id)
		}
		if err := db.Raw(`SELECT case_id, cause_class FROM verifications WHERE status = 'final' AND cause_class <> ''
			AND case_id = ANY(?::bigint[])`, idList(keys)).Scan(&finals).Error; err != nil {
			return nil, err
		}
		for _, f := range finals {
			j := out[f.CaseID]
			j.cause = f.CauseClass
			out[f.CaseID] = j
		}
	}
	idx := func(fy int) int { return fy - first }
	n := len(st.Years)
	total := make([]int, n)
	bySvc := map[string][]int{}
	byCause := map[string][]int{}
	for _, j := range out {
		i := idx(j.fy)
		if i < 0 || i >= n {
			continue
		}
		total[i]++
		for _, s := range j.services {
			if bySvc[s] == nil {
				bySvc[s] = make([]int, n)
			}
			bySvc[s][i]++
		}
		if byCause[j.cause] == nil {
			byCause[j.cause] = make([]int, n)
		}
		byCause[j.cause][i]++
	}
	for i, y := range st.Years {
		st.Serious = append(st.Serious, YearCount{FiscalYear: y, Count: ptr(total[i])})
	}
	st.SeriousByService = seriesOf(b.Config.Services, bySvc, n)
	st.SeriousByCause = seriesOf(b.Config.CauseClasses, byCause, n)
	return out, nil
}

// seriesOf is one Series per code, in the configuration's order, with
// zeros where nothing was counted (these are public cases: nothing is
// suppressed).
func seriesOf(codes []Code, counts map[string][]int, n int) []Series {
	out := []Series{}
	for _, c := range codes {
		s := Series{Label: Label{Key: c.Key, JA: c.JA, EN: c.EN}, Values: make([]*int, n)}
		for i := range n {
			v := 0
			if counts[c.Key] != nil {
				v = counts[c.Key][i]
			}
			s.Values[i] = ptr(v)
		}
		out = append(out, s)
	}
	return out
}

// agg is a count and the number of operators it aggregates.
type agg struct {
	Key       string
	FY        int
	Count     int
	Operators int
}

// published is the count of a, or nil when it aggregates fewer operators
// than the minimum (an empty cell is a published 0).
func (b *Builder) published(a agg) *int {
	if a.Count > 0 && a.Operators < b.Config.MinOperators {
		return nil
	}
	return ptr(a.Count)
}

// line is the published values of one line of a table whose total is
// published (or may be worked out from another table): the cells of too
// few operators, and as many others as it takes that none of them can be
// worked out from the total and the values shown. A reader knows that a
// withheld cell is not 0 (an empty cell is a published 0), so a lone
// withheld cell is the total less the others, and k withheld cells
// summing to k are 1 each; the smallest shown cells are withheld with
// them until neither holds (complementary suppression).
func (b *Builder) line(aggs []agg) []*int {
	out := make([]*int, len(aggs))
	hidden, sum := 0, 0
	for i, a := range aggs {
		out[i] = b.published(a)
		if out[i] == nil {
			hidden++
			sum += a.Count
		}
	}
	for hidden > 0 && (hidden == 1 || sum == hidden) {
		next := -1
		for i, a := range aggs {
			// The smallest shown non-zero cell; among equals the first,
			// so the same data withholds the same cells.
			if out[i] != nil && a.Count > 0 && (next < 0 || a.Count < aggs[next].Count) {
				next = i
			}
		}
		if next < 0 {
			break // the withheld cells are the whole total, itself withheld
		}
		out[next] = nil
		hidden++
		sum += aggs[next].Count
	}
	return out
}

// quarterly aggregates the quarterly reports in the database: the detailed
// form per year and cause, this year's by duration and users band, and
// the simple form's counts. Every cell counts its operators so that a cell
// of one or two operators is suppressed.
func (b *Builder) quarterly(db *gorm.DB, st *Statistics, serious map[int64]judged) error {
	first, fy := st.Years[0], st.Years[len(st.Years)-1]
	var rows []agg
	if err := db.Raw(`SELECT coalesce(cause_class, '') AS key, fiscal_year AS fy, count(*) AS count,
			count(DISTINCT organisation_id) AS operators
		FROM quarterly_rows WHERE form = 'detailed' AND fiscal_year BETWEEN ? AND ?
		GROUP BY GROUPING SETS ((fiscal_year, cause_class), (fiscal_year))`, first, fy).Scan(&rows).Error; err != nil {
		return err
	}
	n := len(st.Years)
	years := map[int]agg{}
	byCause := map[string][]agg{}
	for _, a := range rows {
		if a.Key == "" {
			years[a.FY] = a
			continue
		}
		if byCause[a.Key] == nil {
			byCause[a.Key] = make([]agg, n)
		}
		byCause[a.Key][a.FY-first] = a
	}
	for i, y := range st.Years {
		st.Quarterly = append(st.Quarterly, YearCount{FiscalYear: y, Count: b.published(years[y])})
		_ = i
	}
	st.QuarterlyByCause = []Series{}
	st.QuarterlyCause = []Cell{}
	for _, c := range b.Config.CauseClasses {
		if c.Key == "unknown" {
			continue // the detailed form always has a cause class
		}
		st.QuarterlyByCause = append(st.QuarterlyByCause, Series{Label: Label{Key: c.Key, JA: c.JA, EN: c.EN}, Values: make([]*int, n)})
	}
	// Each year's causes add up to the year's total: a year is a line.
	for i := range n {
		col := make([]agg, len(st.QuarterlyByCause))
		for j, s := range st.QuarterlyByCause {
			if byCause[s.Key] != nil {
				col[j] = byCause[s.Key][i]
			}
		}
		for j, v := range b.line(col) {
			st.QuarterlyByCause[j].Values[i] = v
		}
	}
	for _, s := range st.QuarterlyByCause {
		st.QuarterlyCause = append(st.QuarterlyCause, Cell{Label: s.Label, Count: s.Values[n-1]})
	}

	// Bands: the limits go to PostgreSQL as arrays, so the bands stay data.
	var err error
	if st.QuarterlyDuration, err = b.banded(db, fy, "duration_minutes", b.Config.DurationBands); err != nil {
		return err
	}
	if st.QuarterlyUsers, err = b.banded(db, fy, "users", b.Config.UsersBands); err != nil {
		return err
	}

	var simple []struct {
		Equipment string
		Quarter   *int
		Total     bool
		Count     int
		Operators int
	}
	if err := db.Raw(`SELECT coalesce(equipment_type, '') AS equipment, quarter, GROUPING(equipment_type, quarter) = 3 AS total,
			coalesce(sum(count), 0) AS count, count(DISTINCT organisation_id) AS operators
		FROM quarterly_rows WHERE form = 'simple' AND fiscal_year = ?
		GROUP BY GROUPING SETS ((equipment_type), (quarter), ())`, fy).Scan(&simple).Error; err != nil {
		return err
	}
	eq, qu := map[string]agg{}, map[string]agg{}
	for _, s := range simple {
		a := agg{Count: s.Count, Operators: s.Operators}
		switch {
		case s.Total:
			st.Simple = b.published(a)
		case s.Quarter != nil:
			qu[strconv.Itoa(*s.Quarter)] = a
		default:
			eq[s.Equipment] = a
		}
	}
	if st.Simple == nil && len(simple) == 0 {
		st.Simple = ptr(0)
	}
	st.SimpleEquipment = b.cells(b.Config.SimpleEquipment, eq)
	st.SimpleQuarter = b.cells(b.Config.Quarters, qu)

	// Reporting operators: quarterly reports of either form, and the
	// operators of the year's serious accidents.
	var orgs []int64
	if err := db.Raw(`SELECT DISTINCT organisation_id FROM quarterly_rows WHERE fiscal_year = ?`, fy).Scan(&orgs).Error; err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, o := range orgs {
		seen[o] = true
	}
	for _, j := range serious {
		if j.fy == fy {
			for _, o := range j.orgs {
				seen[o] = true
			}
		}
	}
	st.ReportingOperators = len(seen)
	return nil
}

// banded counts this year's detailed-form rows by the bands of column.
func (b *Builder) banded(db *gorm.DB, fy int, column string, bands []Band) ([]Cell, error) {
	limits := make([]int64, 0, len(bands)-1)
	for _, band := range bands[:len(bands)-1] {
		limits = append(limits, band.Below)
	}
	var rows []struct {
		Bucket    int
		Count     int
		Operators int
	}
	// width_bucket over the upper limits: 0 is below the first, i is in
	// [limits[i-1], limits[i]).
	if err := db.Raw(`SELECT width_bucket(`+column+`::bigint, ?::bigint[]) AS bucket, count(*) AS count,
			count(DISTINCT organisation_id) AS operators
		FROM quarterly_rows WHERE form = 'detailed' AND fiscal_year = ? GROUP BY 1`, idList(limits), fy).Scan(&rows).Error; err != nil {
		return nil, err
	}
	by := map[string]agg{}
	for _, r := range rows {
		if r.Bucket >= 0 && r.Bucket < len(bands) {
			by[bands[r.Bucket].Key] = agg{Count: r.Count, Operators: r.Operators}
		}
	}
	codes := make([]Code, len(bands))
	for i, band := range bands {
		codes[i] = Code{Key: band.Key, JA: band.JA, EN: band.EN}
	}
	return b.cells(codes, by), nil
}

// cells is a one-year table of codes, one line (see line).
func (b *Builder) cells(codes []Code, by map[string]agg) []Cell {
	aggs := make([]agg, len(codes))
	for i, c := range codes {
		aggs[i] = by[c.Key]
	}
	out := []Cell{}
	for i, v := range b.line(aggs) {
		c := codes[i]
		out = append(out, Cell{Label: Label{Key: c.Key, JA: c.JA, EN: c.EN}, Count: v})
	}
	return out
}

// cases takes the year's serious accidents and near-misses from the public
// view: a serious accident whose overview is not public (not yet
// published, or raised above public) is left out and named in notes.
func (b *Builder) cases(ctx context.Context, db *gorm.DB, r *Report, serious map[int64]judged, notes *Notes) error {
	fy := r.FiscalYear
	var views []*casefile.View
	if _, err := b.Cases.Export(ctx, reader, casefile.Query{FiscalYear: fy}, func(v *casefile.View) error {
		views = append(views, v)
		return nil
	}); err != nil {
		return err
	}
	public := map[int64]bool{}
	links, err := b.caseLessons(db, fy)
	if err != nil {
		return err
	}
	slices.SortFunc(views, func(a, b *casefile.View) int {
		return cmp.Or(cmp.Compare(occurred(a).UnixNano(), occurred(b).UnixNano()), cmp.Compare(a.ID, b.ID))
	})
	for _, v := range views {
		j, isSerious := serious[v.ID]
		switch {
		case v.Kind == caseformat.KindAccident && isSerious && v.Overview != nil && v.Overview.Tier == access.Public:
			o := v.Overview
			sa := SeriousAccident{Number: len(r.Serious) + 1, Ref: o.Ref, Operators: nonNil(o.Operators),
				OccurredAt: o.OccurredAt.In(jpdate.JST), DurationMinutes: o.DurationMinutes, PeakUsers: o.PeakUsers,
				Area: o.Area, Summary: o.Summary, Measures: o.MeasuresOutline, RuleSet: j.ruleSet,
				Cause: label(b.Config.CauseClasses, cmp.Or(j.cause, "unknown")), Services: []Label{}, Lessons: links[v.ID]}
			if o.RecoveredAt != nil {
				t := o.RecoveredAt.In(jpdate.JST)
				sa.RecoveredAt = &t
			}
			for _, s := range o.Services {
				sa.Services = append(sa.Services, label(b.Config.Services, s))
			}
			if sa.Lessons == nil {
				sa.Lessons = []LessonRef{}
			}
			r.Serious = append(r.Serious, sa)
			public[v.ID] = true
		case v.Kind == caseformat.KindNearMiss && v.Anonymised != nil:
			a := v.Anonymised
			nm := NearMiss{Number: len(r.NearMisses) + 1, Text: a.Text,
				Situation:      label(b.Config.NearMissSituations, cmp.Or(a.Situation, "other")),
				Cause:          label(b.Config.CauseClasses, cmp.Or(a.CauseClass, "unknown")),
				CauseArchetype: label(b.Config.CauseArchetypes, cmp.Or(a.CauseArchetype, "unknown")),
				Lessons:        links[v.ID]}
			if v.Overview != nil {
				nm.Month = v.Overview.OccurredAt.In(jpdate.JST).Format("2006-01")
			}
			if nm.Lessons == nil {
				nm.Lessons = []LessonRef{}
			}
			r.NearMisses = append(r.NearMisses, nm)
		}
	}
	if err := b.nearMissMonths(db, r, views); err != nil {
		return err
	}
	var refs []struct {
		ID  int64
		Ref string
	}
	ids := []int64{}
	for id, j := range serious {
		if j.fy == fy && !public[id] {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		if err := db.Raw(`SELECT id, ref FROM cases WHERE id = ANY(?::bigint[]) ORDER BY occurred_at, id`, idList(ids)).Scan(&refs).Error; err != nil {
			return err
		}
		for _, x := range refs {
			notes.UnpublishedSerious = append(notes.UnpublishedSerious, x.Ref)
		}
	}
	var counts struct{ All, Approved int }
	if err := db.Raw(`SELECT count(*) AS all, count(s.case_id) FILTER (WHERE s.status = 'approved') AS approved
		FROM cases c LEFT JOIN near_miss_summaries s ON s.case_id = c.id
		WHERE c.kind = 'near_miss' AND c.fiscal_year = ? AND c.merged_into IS NULL`, fy).Scan(&counts).Error; err != nil {
		return err
	}
	r.Statistics.NearMisses = counts.All
	r.Statistics.NearMissesPublished = len(r.NearMisses)
	notes.UnapprovedNearMiss = counts.All - counts.Approved
	return nil
}

// nearMissMonths fills in the month of the near-misses: the public view
// of a near-miss has no date, and the report prints only its month.
func (b *Builder) nearMissMonths(db *gorm.DB, r *Report, views []*casefile.View) error {
	var ids []int64
	for _, v := range views {
		if v.Kind == caseformat.KindNearMiss && v.Anonymised != nil {
			ids = append(ids, v.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		ID         int64
		OccurredAt time.Time
	}
	if err := db.Raw(`SELECT id, occurred_at FROM cases WHERE id = ANY(?::bigint[])`, idList(ids)).Scan(&rows).Error; err != nil {
		return err
	}
	at := map[int64]time.Time{}
	for _, x := range rows {
		at[x.ID] = x.OccurredAt
	}
	// The near-misses were appended in the order of views, which is by
	// the order of ids here; renumber them by occurrence month.
	i := 0
	for _, v := range views {
		if v.Kind == caseformat.KindNearMiss && v.Anonymised != nil {
			r.NearMisses[i].Month = at[v.ID].In(jpdate.JST).Format("2006-01")
			i++
		}
	}
	sort.SliceStable(r.NearMisses, func(a, b int) bool { return r.NearMisses[a].Month < r.NearMisses[b].Month })
	for k := range r.NearMisses {
		r.NearMisses[k].Number = k + 1
	}
	return nil
}

func occurred(v *casefile.View) time.Time {
	if v.Overview != nil {
		return v.Overview.OccurredAt
	}
	return time.Time{}
}

// caseLessons are the lessons linked to the year's cases, by case.
func (b *Builder) caseLessons(db *gorm.DB, fy int) (map[int64][]LessonRef, error) {
	idx, err := b.lessonIndex(db.Statement.Context)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		CaseID    int64
		LessonID  string
		Recurring bool
	}
	if err := db.Raw(`SELECT case_id, lesson_id, recurring FROM case_lessons WHERE fiscal_year = ? ORDER BY case_id, lesson_id`, fy).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int64][]LessonRef{}
	for _, x := range rows {
		l, ok := idx[x.LessonID]
		if !ok {
			continue
		}
		out[x.CaseID] = append(out[x.CaseID], LessonRef{ID: l.ID, Theme: l.Theme, JA: l.JA, EN: l.EN, Recurring: x.Recurring})
	}
	return out, nil
}

// lessonIndex is every lesson of the catalogue and the committee's, by id.
func (b *Builder) lessonIndex(ctx context.Context) (map[string]review.Lesson, error) {
	cat, err := b.Review.CatalogueStats(ctx, "")
	if err != nil {
		return nil, err
	}
	out := map[string]review.Lesson{}
	for _, t := range cat.Themes {
		for _, l := range t.Lessons {
			out[l.ID] = l.Lesson
		}
	}
	return out, nil
}

// lessons groups the lessons drawn from the year's cases by theme: new
// (first drawn this year) and recurring.
func (b *Builder) lessons(ctx context.Context, db *gorm.DB, r *Report) error {
	cat, err := b.Review.CatalogueStats(ctx, "")
	if err != nil {
		return err
	}
	var rows []struct {
		LessonID string
		Cases    int
	}
	if err := db.Raw(`SELECT lesson_id, count(DISTINCT case_id) AS cases FROM case_lessons WHERE fiscal_year = ?
		GROUP BY lesson_id`, r.FiscalYear).Scan(&rows).Error; err != nil {
		return err
	}
	n := map[string]int{}
	for _, x := range rows {
		n[x.LessonID] = x.Cases
	}
	for _, t := range cat.Themes {
		th := LessonTheme{Label: Label{Key: t.ID, JA: t.JA, EN: t.EN}, New: []Lesson{}, Recurring: []Lesson{}}
		for _, l := range t.Lessons {
			if n[l.ID] == 0 {
				continue
			}
			x := Lesson{ID: l.ID, JA: l.JA, EN: l.EN, FirstYear: l.FirstYear, Cases: n[l.ID]}
			if l.FirstYear >= r.FiscalYear {
				th.New = append(th.New, x)
			} else {
				th.Recurring = append(th.Recurring, x)
			}
		}
		if len(th.New)+len(th.Recurring) > 0 {
			r.Lessons = append(r.Lessons, th)
		}
	}
	return nil
}

// guidance is the published administrative guidance issued in the year.
func (b *Builder) guidance(ctx context.Context, r *Report) error {
	list, err := b.Review.GuidanceList(ctx, reader, review.GuidanceQuery{PublishedOnly: true, Limit: 200})
	if err != nil {
		return err
	}
	for i := len(list) - 1; i >= 0; i-- { // oldest first
		g := list[i]
		if g.IssuedOn < r.From || g.IssuedOn > r.To {
			continue
		}
		r.Guidance = append(r.Guidance, Guidance{IssuedOn: g.IssuedOn, Organisation: g.Organisation, Reference: g.Reference,
			Measures: g.Measures, CaseRef: g.Ref})
	}
	return nil
}

func (b *Builder) surveys(ctx context.Context, r *Report) error {
	if b.Surveys == nil {
		return nil
	}
	list, err := b.Surveys.ReportSurveys(ctx, r.FiscalYear)
	if err != nil {
		return err
	}
	if list != nil {
		r.Surveys = list
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// idList is a bigint[] parameter.
type idList []int64

// Value encodes the list as a PostgreSQL array literal.
func (l idList) Value() (driver.Value, error) {
	b := []byte{'{'}
	for i, v := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, v, 10)
	}
	return string(append(b, '}')), nil
}
