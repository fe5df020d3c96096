package webui

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
	"kensho/internal/report"
	"kensho/internal/rules"
)

// whatIfPage is the data of whatif.html: the form (what was asked, each
// problem next to its field) and, once asked, the table.
type whatIfPage struct {
	base
	Groups   []report.RuleSetGroup
	Years    []int
	Services []caseformat.Service
	// Form is what the form shows: the query as typed.
	Form struct{ Rules, From, To, Service string }
	// Errors are the query's problems by field, translated.
	Errors map[string]string
	Table  *report.WhatIfTable
	// JSONURL and XLSXURL download the study with the same parameters.
	JSONURL, XLSXURL template.URL
}

// Err is the problem of field, if any.
func (d *whatIfPage) Err(field string) string { return d.Errors[field] }

// RuleSetName is a rule set's title in the reader's language, with its id.
func (d *whatIfPage) RuleSetName(rs *rules.RuleSet) string {
	title := rs.Title
	if d.Lang == langEN && rs.TitleEN != "" {
		title = rs.TitleEN
	}
	return title + " (" + rs.ID + ")"
}

// TableTitle is the title of the table's rule set in the reader's language.
func (d *whatIfPage) TableTitle() string {
	if d.Lang == langEN && d.Table.RuleSet.TitleEN != "" {
		return d.Table.RuleSet.TitleEN
	}
	return d.Table.RuleSet.Title
}

// Signed is a whole difference with its sign: +2, −1, 0.
func (d *whatIfPage) Signed(n int) string {
	switch {
	case n > 0:
		return "+" + strconv.Itoa(n)
	case n < 0:
		return "−" + strconv.Itoa(-n)
	}
	return "0"
}

// DiffClass is the CSS class of a difference (a count or an average):
// diff-plus, diff-minus or diff-even.
func (d *whatIfPage) DiffClass(n any) string {
	var v float64
	switch x := n.(type) {
	case int:
		v = float64(x)
	case report.OneDecimal:
		v = float64(x)
	}
	switch {
	case v > 0:
		return "diff-plus"
	case v < 0:
		return "diff-minus"
	}
	return "diff-even"
}

// changedCases are the data of "whatif-cases": the changed cases the
// reader sees and how many others.
type changedCases struct {
	Page   *whatIfPage
	Cases  []report.ChangedCase
	Others int
}

// Changed hands a year's changed cases to "whatif-cases".
func (d *whatIfPage) Changed(cs []report.ChangedCase, others int) changedCases {
	return changedCases{Page: d, Cases: cs, Others: others}
}

// whatIfShow is the what-if page (「基準の比較」): the form and, when a rule
// set is asked for, the table per fiscal year with the total and the
// average, the changed cases linked where the reader may see them, and
// the downloads with the same parameters. A GET: nothing changes.
func (p *pages) whatIfShow(c echo.Context) error {
	return p.whatIfPage(c, nil)
}

// whatIfPage renders the page; err is a problem a download met.
func (p *pages) whatIfPage(c echo.Context, err error) error {
	sub := user(c).Subject
	if !p.WhatIf.MayRun(sub) {
		return errForbidden
	}
	d := &whatIfPage{base: p.newBase(c, "whatif.title", "whatif"), Groups: report.RuleSetGroups(p.WhatIf.Catalog()),
		Services: caseformat.Services, Errors: map[string]string{}}
	d.Next = "/whatif"
	if c.QueryString() != "" {
		d.Next += "?" + c.QueryString()
	}
	d.Form.Rules, d.Form.From, d.Form.To, d.Form.Service = c.QueryParam("rules"), c.QueryParam("from_fy"), c.QueryParam("to_fy"), c.QueryParam("service")
	status := http.StatusOK
	if c.QueryParam("rules") == "" && c.QueryParam("from_fy") == "" && c.QueryParam("to_fy") == "" && err == nil {
		// The first visit: the draft over the last five fiscal years.
		last := jpdate.FiscalYear(time.Now()) - 1
		d.Form.Rules, d.Form.From, d.Form.To = "proposal-2025", strconv.Itoa(last-4), strconv.Itoa(last)
	} else {
		var t *report.WhatIfTable
		if err == nil {
			t, err = p.WhatIf.Run(c.Request().Context(), sub, c.QueryParam, "page")
		}
		var input report.InputErrors
		switch {
		case errors.As(err, &input):
			for _, e := range input {
				d.Errors[e.Field] = d.T(e.Code)
			}
			status = http.StatusUnprocessableEntity
		case err != nil:
			return err
		default:
			d.Table = t
			q := url.Values{"rules": {t.RuleSet.ID}, "from_fy": {strconv.Itoa(t.FromFY)}, "to_fy": {strconv.Itoa(t.ToFY)}}
			if t.Service != "" {
				q.Set("service", string(t.Service))
			}
			// The parameters are the service's, checked and encoded here.
			d.JSONURL, d.XLSXURL = template.URL("/whatif.json?"+q.Encode()), template.URL("/whatif.xlsx?"+q.Encode())
		}
	}
	d.Years = whatIfYears(d.Form.From, d.Form.To)
	return p.render(c, status, "whatif.html", d)
}

// whatIfYears are the fiscal years of the pull-downs: 2008 (when quality
// degradation began to count) to the current one, widened to what was asked.
func whatIfYears(from, to string) []int {
	first, last := 2008, jpdate.FiscalYear(time.Now())
	for _, s := range []string{from, to} {
		if n, err := strconv.Atoi(s); err == nil && n >= 1985 && n <= 2100 {
			first, last = min(first, n), max(last, n)
		}
	}
	var out []int
	for fy := last; fy >= first; fy-- {
		out = append(out, fy)
	}
	return out
}
