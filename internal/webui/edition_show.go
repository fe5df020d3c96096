package webui

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/report"
)

// editionPage is the data of report-edition.html: one edition as the
// editors and the secretariat work on it — its state and build, what the
// leak scanner found, the editors' text, the comments, the actions the
// caller may take and a preview of the report as it will be published.
type editionPage struct {
	base
	E        *report.Edition
	Body     template.HTML
	Foreword string
	// Correction is a correction's note (what it corrects).
	Correction string
	Errors     map[string]string
	TopError   string
	// Base is the address of the edition's outputs and charts.
	Base string
}

// Err is the problem of a field.
func (d *editionPage) Err(f string) string { return d.Errors[f] }

// Can reports whether the caller may take action a now.
func (d *editionPage) Can(a string) bool {
	for _, x := range d.E.Actions {
		if x == a {
			return true
		}
	}
	return false
}

// Building reports whether the build is queued or running.
func (d *editionPage) Building() bool {
	return d.E.Build.State == report.BuildQueued || d.E.Build.State == report.BuildRunning
}

// Percent is the build's progress.
func (d *editionPage) Percent() int {
	if d.E.Build.Steps == 0 {
		return 0
	}
	return 100 * d.E.Build.Step / d.E.Build.Steps
}

// BuildMillis and PDFMillis are the last build's times (0: not built).
func (d *editionPage) BuildMillis() int { return derefInt(d.E.Build.Millis) }

// PDFMillis is the time of the last build's PDF.
func (d *editionPage) PDFMillis() int { return derefInt(d.E.Build.PDFMillis) }

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// Blocking are the findings that stop publication; Warnings the others.
func (d *editionPage) Blocking() []report.Finding { return d.findings(true) }

// Warnings are findings for the editors' eyes only.
func (d *editionPage) Warnings() []report.Finding { return d.findings(false) }

func (d *editionPage) findings(blocking bool) []report.Finding {
	var out []report.Finding
	for _, f := range d.E.Findings {
		if f.Blocking == blocking {
			out = append(out, f)
		}
	}
	return out
}

// Steps are the workflow's states in order, for the stepper.
func (d *editionPage) Steps() []string {
	return []string{report.StatusDraft, report.StatusReview, report.StatusApproved, report.StatusPublished}
}

// Reached reports whether the edition has reached state s.
func (d *editionPage) Reached(s string) bool {
	order := map[string]int{report.StatusDraft: 0, report.StatusReview: 1, report.StatusApproved: 2, report.StatusPublished: 3}
	return order[d.E.Status] >= order[s]
}

func editionIDParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, report.ErrNotFound
	}
	return id, nil
}

// editionData loads edition id for the editors' page, with its preview.
func (p *pages) editionData(c echo.Context, id int64) (*editionPage, error) {
	if !p.mayEdit(c) {
		return nil, report.ErrNotFound
	}
	ctx := c.Request().Context()
	sub := user(c).Subject
	e, err := p.Reports.Get(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	d := &editionPage{base: p.newBase(c, "ar.editions.title", "annual"), E: e, Foreword: e.Foreword, Correction: e.Correction,
		Errors: map[string]string{}, Base: fmt.Sprintf("/reports/editions/%d", id)}
	d.Title = d.Tf("ar.edition.title", d.FY(e.FiscalYear), e.Edition)
	if e.ContentSHA256 != "" {
		r, err := p.Reports.Report(ctx, sub, id)
		if err != nil {
			return nil, err
		}
		status := e.Status
		if status != report.StatusPublished {
			status = report.StatusDraft
		}
		d.Body, err = report.Body(r, report.HTMLOptions{Lang: d.Lang, ContentHash: e.ContentSHA256, Status: status,
			ChartURL: func(ch string) string {
				return fmt.Sprintf("%s/charts/%s.svg?lang=%s&v=%s", d.Base, ch, d.Lang, d.Short(e.ContentSHA256))
			}})
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// editionShow is the editors' page of one edition.
func (p *pages) editionShow(c echo.Context) error {
	id, err := editionIDParam(c)
	if err != nil {
		return err
	}
	d, err := p.editionData(c, id)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "report-edition.html", d)
}

// editionProgress is the build's block, polled by htmx while the build
// runs; when it ends the whole page is loaded again for the new preview.
func (p *pages) editionProgress(c echo.Context) error {
	id, err := editionIDParam(c)
	if err != nil {
		return err
	}
	d, err := p.editionData(c, id)
	if err != nil {
		return err
	}
	if !d.Building() && c.QueryParam("polling") == "1" {
		c.Response().Header().Set("HX-Refresh", "true")
	}
	return p.renderFragment(c, http.StatusOK, "report-edition.html", "edition-build", d)
}

// editionChart is a chart of the edition's snapshot (editors).
func (p *pages) editionChart(c echo.Context) error {
	id, err := editionIDParam(c)
	if err != nil {
		return err
	}
	if !p.mayEdit(c) {
		return report.ErrNotFound
	}
	return p.sendChart(c, user(c).Subject, id)
}

// editionOutput is a stored output of the edition (editors).
func (p *pages) editionOutput(c echo.Context) error {
	id, err := editionIDParam(c)
	if err != nil {
		return err
	}
	if !p.mayEdit(c) {
		return report.ErrNotFound
	}
	return p.sendOutput(c, user(c).Subject, id, c.Param("file"))
}
