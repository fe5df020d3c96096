package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/jpdate"
	"kensho/internal/rules"
)

// The what-if study as the API and the pages answer it: a span of fiscal
// years re-judged under one rule set, with the span's total and per-year
// average, optionally only the cases that hit one service, and the cases
// that change named only where the caller may see them.

// MaxWhatIfYears is the longest span of a study, in fiscal years.
const MaxWhatIfYears = 30

// The fiscal years a study may span: the first rule set is of 1985.
const (
	minWhatIfFY = 1985
	maxWhatIfFY = 2100
)

// ErrWhatIfForbidden: the caller may not run the what-if study.
var ErrWhatIfForbidden = errors.New("you may not run the what-if study")

// WhatIfQuery asks for a study.
type WhatIfQuery struct {
	// RuleSet is the rule set the cases are re-judged under.
	RuleSet string
	// FromFY and ToFY are the first and last fiscal year, both inclusive.
	FromFY, ToFY int
	// Service keeps only the cases with an impact on it ("": every case).
	Service caseformat.Service
	// Via says which output asked (json, xlsx, page), for the audit trail.
	Via string
}

// InputError is one problem with a what-if query, naming its parameter.
type InputError struct {
	// Field is the query parameter: rules, from_fy, to_fy, service.
	Field string
	// Code names the problem for pages that say it in the reader's
	// language; Message says it in English.
	Code    string
	Message string
}

func (e InputError) Error() string { return e.Field + ": " + e.Message }

// InputErrors are every problem of a query, in parameter order.
type InputErrors []InputError

func (es InputErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Of is the problem with field, if any.
func (es InputErrors) Of(field string) *InputError {
	for i := range es {
		if es[i].Field == field {
			return &es[i]
		}
	}
	return nil
}

// ParseWhatIfQuery reads a query from its parameters as a URL carries them
// (rules, from_fy, to_fy, service) and checks it against the catalog.
func ParseWhatIfQuery(cat *rules.Catalog, get func(string) string) (WhatIfQuery, error) {
	q := WhatIfQuery{RuleSet: strings.TrimSpace(get("rules")), Service: caseformat.Service(strings.TrimSpace(get("service")))}
	var errs InputErrors
	year := func(field string) int {
		v := strings.TrimSpace(get(field))
		if v == "" {
			errs = append(errs, InputError{field, "whatif.fy.required", "required: a fiscal year such as 2019"})
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, InputError{field, "whatif.fy.number", fmt.Sprintf("%q is not a whole number (a fiscal year such as 2019)", v)})
			return 0
		}
		return n
	}
	if q.RuleSet == "" {
		errs = append(errs, InputError{"rules", "whatif.rules.required", "required: the id of a rule set (GET /api/v1/rules)"})
	}
	q.FromFY, q.ToFY = year("from_fy"), year("to_fy")
	errs = append(errs, q.check(cat, errs)...)
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b InputError) int { return fieldOrder(a.Field) - fieldOrder(b.Field) })
		return q, errs
	}
	return q, nil
}

func fieldOrder(f string) int {
	return slices.Index([]string{"rules", "from_fy", "to_fy", "service"}, f)
}

// Check is every problem of q (nil if none).
func (q WhatIfQuery) Check(cat *rules.Catalog) error {
	if errs := q.check(cat, nil); len(errs) > 0 {
		return errs
	}
	return nil
}

// check finds the problems of q that are not already in have.
func (q WhatIfQuery) check(cat *rules.Catalog, have InputErrors) InputErrors {
	var errs InputErrors
	if q.RuleSet != "" {
		if _, err := cat.Get(q.RuleSet); err != nil {
			errs = append(errs, InputError{"rules", "whatif.rules.unknown", err.Error()})
		}
	} else if have.Of("rules") == nil {
		errs = append(errs, InputError{"rules", "whatif.rules.required", "required: the id of a rule set (GET /api/v1/rules)"})
	}
	inRange := func(field string, fy int) bool {
		if have.Of(field) != nil {
			return false
		}
		if fy < minWhatIfFY || fy > maxWhatIfFY {
			errs = append(errs, InputError{field, "whatif.fy.range", fmt.Sprintf("%d: want a fiscal year from %d to %d", fy, minWhatIfFY, maxWhatIfFY)})
			return false
		}
		return true
	}
	fromOK, toOK := inRange("from_fy", q.FromFY), inRange("to_fy", q.ToFY)
	if fromOK && toOK {
		switch {
		case q.ToFY < q.FromFY:
			errs = append(errs, InputError{"to_fy", "whatif.to.before", fmt.Sprintf("%d is before from_fy %d", q.ToFY, q.FromFY)})
		case q.ToFY-q.FromFY+1 > MaxWhatIfYears:
			errs = append(errs, InputError{"to_fy", "whatif.span.long", fmt.Sprintf("%d fiscal years: a study spans at most %d", q.ToFY-q.FromFY+1, MaxWhatIfYears)})
		}
	}
	if q.Service != "" && !slices.Contains(caseformat.Services, q.Service) {
		known := make([]string, len(caseformat.Services))
		for i, s := range caseformat.Services {
			known[i] = string(s)
		}
		errs = append(errs, InputError{"service", "whatif.service.unknown", fmt.Sprintf("%q: want one of %s", q.Service, strings.Join(known, ", "))})
	}
	return errs
}

// WhatIfTable is a study's answer.
type WhatIfTable struct {
	RuleSet WhatIfRuleSet `json:"rule_set"`
	FromFY  int           `json:"from_fy"`
	ToFY    int           `json:"to_fy"`
	// Service is the service the study kept ("": every case).
	Service caseformat.Service `json:"service"`
	Years   []WhatIfRow        `json:"years"`
	Total   WhatIfTotal        `json:"total"`
	Average WhatIfAverage      `json:"average"`
}

// WhatIfRuleSet names the rule set of a study.
type WhatIfRuleSet struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	TitleEN     string       `json:"title_en"`
	Status      rules.Status `json:"status"`
	InForceFrom *rules.Date  `json:"in_force_from"`
}

// WhatIfRow is one fiscal year of a study.
type WhatIfRow struct {
	FiscalYear int `json:"fiscal_year"`
	// Cases were judged; InForce of them were serious under the rule sets
	// in force when each happened, Under under the study's rule set.
	Cases      int `json:"cases"`
	InForce    int `json:"in_force"`
	Under      int `json:"under"`
	Difference int `json:"difference"`
	// Added became serious, Removed stopped being serious — those the
	// caller may see; AddedOthers and RemovedOthers count the rest.
	Added         []ChangedCase `json:"added"`
	Removed       []ChangedCase `json:"removed"`
	AddedOthers   int           `json:"added_others"`
	RemovedOthers int           `json:"removed_others"`
}

// ChangedCase is a case whose verdict changes, as the caller sees it.
type ChangedCase struct {
	ID        int64    `json:"id"`
	Ref       string   `json:"ref"`
	Operators []string `json:"operators"`
}

// WhatIfTotal is the span's total.
type WhatIfTotal struct {
	Cases      int `json:"cases"`
	InForce    int `json:"in_force"`
	Under      int `json:"under"`
	Difference int `json:"difference"`
	// Added and Removed count every case that changed, seen or not.
	Added   int `json:"added"`
	Removed int `json:"removed"`
}

// WhatIfAverage is the span's average per fiscal year, to one decimal: the
// ministry's "5-yr avg +3.4 (6)" is Difference (InForce).
type WhatIfAverage struct {
	Cases      OneDecimal `json:"cases"`
	InForce    OneDecimal `json:"in_force"`
	Under      OneDecimal `json:"under"`
	Difference OneDecimal `json:"difference"`
}

// OneDecimal is a number rounded to one decimal, written with it (3.0).
type OneDecimal float64

// Round1 rounds x to one decimal, halves away from zero.
func Round1(x float64) OneDecimal { return OneDecimal(math.Round(x*10) / 10) }

// MarshalJSON writes the number with exactly one decimal.
func (d OneDecimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

func (d OneDecimal) String() string { return strconv.FormatFloat(float64(d), 'f', 1, 64) }

// Signed is d with its sign: +3.4, −1.0, 0.0.
func (d OneDecimal) Signed() string {
	switch {
	case d > 0:
		return "+" + d.String()
	case d < 0:
		return "−" + OneDecimal(-d).String()
	}
	return d.String()
}

// Span is the number of fiscal years of the study.
func (t *WhatIfTable) Span() int { return t.ToFY - t.FromFY + 1 }

// WhatIfService runs the study for callers, deciding with the access
// policy who may run it and which changed cases each may see.
type WhatIfService struct {
	store   *casestore.Store
	catalog *rules.Catalog
	cases   *casefile.Service
	access  *access.Control
}

// NewWhatIf returns the study's service.
func NewWhatIf(store *casestore.Store, catalog *rules.Catalog, cases *casefile.Service, ac *access.Control) *WhatIfService {
	return &WhatIfService{store: store, catalog: catalog, cases: cases, access: ac}
}

// Catalog is the rule sets a study may use.
func (w *WhatIfService) Catalog() *rules.Catalog { return w.catalog }

// MayRun reports whether sub may run the study.
func (w *WhatIfService) MayRun(sub access.Subject) bool {
	return w.access.CanSystem(sub, access.WhatIf, access.Read)
}

// RuleSetGroup is one group of the rule-set pull-down.
type RuleSetGroup struct {
	// Group is enacted (in force now or before), proposal or foreign.
	Group    string
	RuleSets []*rules.RuleSet
}

// RuleSetGroups are every rule set of the catalogue, grouped: those
// enacted (in force now or before, newest first), proposals, foreign
// regimes.
func RuleSetGroups(cat *rules.Catalog) []RuleSetGroup {
	groups := []RuleSetGroup{{Group: "enacted"}, {Group: "proposal"}, {Group: "foreign"}}
	for _, rs := range cat.RuleSets() {
		switch rs.Status {
		case rules.StatusInForce, rules.StatusSuperseded:
			groups[0].RuleSets = append(groups[0].RuleSets, rs)
		case rules.StatusProposal:
			groups[1].RuleSets = append(groups[1].RuleSets, rs)
		default:
			groups[2].RuleSets = append(groups[2].RuleSets, rs)
		}
	}
	slices.SortStableFunc(groups[0].RuleSets, func(a, b *rules.RuleSet) int {
		if a.InForceFrom == nil || b.InForceFrom == nil {
			return 0
		}
		return b.InForceFrom.Compare(a.InForceFrom.Time)
	})
	return groups
}

// changed is a case whose verdict changes, before the access decision.
type changed struct {
	id    int64
	added bool
}

// Study runs q for sub: every case of the span (and service) is counted;
// the cases that change are named only where sub may read their overview.
// The run is audited, with the non-public overviews it showed.
func (w *WhatIfService) Study(ctx context.Context, sub access.Subject, q WhatIfQuery) (*WhatIfTable, error) {
	if !w.MayRun(sub) {
		return nil, ErrWhatIfForbidden
	}
	if err := q.Check(w.catalog); err != nil {
		return nil, err
	}
	rs, _ := w.catalog.Get(q.RuleSet)
	from, end := jpdate.FiscalYearStart(q.FromFY), jpdate.FiscalYearStart(q.ToFY+1)
	study, err := w.catalog.NewStudy(rs.ID, from, end.AddDate(0, 0, -1))
	if err != nil {
		return nil, err
	}
	study.OnlyService(q.Service)
	byYear := map[int][]changed{}
	var ids []int64
	err = w.store.StreamEntries(ctx, casestore.Filter{From: from, To: end, Unmerged: true}, 1000, func(es []casestore.Entry) error {
		for _, e := range es {
			o, err := study.Judge(e.Case)
			if err != nil {
				return err
			}
			if o.Added() || o.Removed() {
				byYear[o.FiscalYear] = append(byYear[o.FiscalYear], changed{id: e.ID, added: o.Added()})
				ids = append(ids, e.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	seen, shown, err := w.cases.Overviews(ctx, sub, ids)
	if err != nil {
		return nil, err
	}
	t := &WhatIfTable{RuleSet: WhatIfRuleSet{ID: rs.ID, Title: rs.Title, TitleEN: rs.TitleEN, Status: rs.Status, InForceFrom: rs.InForceFrom},
		FromFY: q.FromFY, ToFY: q.ToFY, Service: q.Service}
	for _, y := range study.Years() {
		row := WhatIfRow{FiscalYear: y.FiscalYear, Cases: y.Cases, InForce: y.InForce, Under: y.Under, Difference: y.Difference,
			Added: []ChangedCase{}, Removed: []ChangedCase{}}
		for _, c := range byYear[y.FiscalYear] {
			it, ok := seen[c.id]
			switch {
			case ok && c.added:
				row.Added = append(row.Added, ChangedCase{ID: c.id, Ref: it.Ref, Operators: it.Operators})
			case ok:
				row.Removed = append(row.Removed, ChangedCase{ID: c.id, Ref: it.Ref, Operators: it.Operators})
			case c.added:
				row.AddedOthers++
			default:
				row.RemovedOthers++
			}
		}
		t.Years = append(t.Years, row)
		t.Total.Cases += row.Cases
		t.Total.InForce += row.InForce
		t.Total.Under += row.Under
		t.Total.Difference += row.Difference
		t.Total.Added += len(row.Added) + row.AddedOthers
		t.Total.Removed += len(row.Removed) + row.RemovedOthers
	}
	n := float64(t.Span())
	t.Average = WhatIfAverage{Cases: Round1(float64(t.Total.Cases) / n), InForce: Round1(float64(t.Total.InForce) / n),
		Under: Round1(float64(t.Total.Under) / n), Difference: Round1(float64(t.Total.Difference) / n)}

	detail := map[string]any{"rules": q.RuleSet, "from_fy": q.FromFY, "to_fy": q.ToFY, "service": string(q.Service), "via": q.Via}
	if len(shown) > 0 {
		detail["overviews"] = shown
	}
	actor := sub.Key
	if actor == "" {
		actor = access.Anonymous.Key
	}
	if err := audit.Record(ctx, w.store.DB(), audit.Event{Actor: actor, Action: audit.ActionRead, Object: "whatif", Detail: detail}); err != nil {
		return nil, err
	}
	return t, nil
}

// Run is what the transports call: sub may run the study (else
// ErrWhatIfForbidden, before anything about the query is said), the query
// is read from its parameters (InputErrors naming each), and the study is
// run for sub.
func (w *WhatIfService) Run(ctx context.Context, sub access.Subject, get func(string) string, via string) (*WhatIfTable, error) {
	if !w.MayRun(sub) {
		return nil, ErrWhatIfForbidden
	}
	q, err := ParseWhatIfQuery(w.catalog, get)
	if err != nil {
		return nil, err
	}
	q.Via = via
	return w.Study(ctx, sub, q)
}

// FileName is the name a download of the study takes, without extension:
// kensho-whatif-proposal-2025-2019-2023[-internet_access].
func (t *WhatIfTable) FileName() string {
	name := fmt.Sprintf("kensho-whatif-%s-%d-%d", t.RuleSet.ID, t.FromFY, t.ToFY)
	if t.Service != "" {
		name += "-" + string(t.Service)
	}
	return name
}
