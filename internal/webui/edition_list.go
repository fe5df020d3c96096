package webui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/jpdate"
	"kensho/internal/report"
)

// editionsPage is the data of report-editions.html: every edition of the
// annual report, for the editors and the secretariat, with the form that
// starts one.
type editionsPage struct {
	base
	Editions []*report.Edition
	// Years are the fiscal years an edition can be started for.
	Years    []int
	Form     editionForm
	Errors   map[string]string
	TopError string
}

// editionForm is what the create form posts.
type editionForm struct {
	FiscalYear int
	Foreword   string
}

// Err is the problem of a field.
func (d *editionsPage) Err(f string) string { return d.Errors[f] }

// Status names an edition's state.
func (b *base) Status(s string) string { return codeLabel(b.Lang, "ar.status.", s) }

// mayEdit: the editors' pages are for those who read the editions.
func (p *pages) mayEdit(c echo.Context) bool {
	return p.Access.CanSystem(user(c).Subject, access.AnnualReport, access.Read)
}

func (p *pages) editionsData(c echo.Context) (*editionsPage, error) {
	list, err := p.Reports.List(c.Request().Context(), user(c).Subject)
	if err != nil {
		return nil, err
	}
	d := &editionsPage{base: p.newBase(c, "ar.editions.title", "annual"), Editions: list, Errors: map[string]string{}}
	this := jpdate.FiscalYear(time.Now())
	for y := this; y >= this-10; y-- {
		d.Years = append(d.Years, y)
	}
	d.Form.FiscalYear = this - 1
	return d, nil
}

// editionList is the editors' list of editions.
func (p *pages) editionList(c echo.Context) error {
	if !p.mayEdit(c) {
		return errForbidden
	}
	d, err := p.editionsData(c)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "report-editions.html", d)
}

// editionCreate starts an edition of a fiscal year; its build is queued
// and its page shows the progress.
func (p *pages) editionCreate(c echo.Context) error {
	if !p.mayEdit(c) {
		return errForbidden
	}
	fy, ferr := strconv.Atoi(c.FormValue("fiscal_year"))
	in := report.CreateInput{FiscalYear: fy, Foreword: c.FormValue("foreword")}
	var e *report.Edition
	err := ferr
	if ferr == nil {
		e, err = p.Reports.Create(c.Request().Context(), user(c).Subject, in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/editions/%d?done=edition-created", e.ID))
		}
	}
	d, lerr := p.editionsData(c)
	if lerr != nil {
		return lerr
	}
	d.Form = editionForm{FiscalYear: fy, Foreword: in.Foreword}
	var input *casefile.InputError
	var state *report.StateError
	switch {
	case ferr != nil:
		d.Errors["fiscal_year"] = d.T("ar.err.fy")
	case errors.As(err, &input):
		d.Errors[input.Field] = d.T(editionFieldMessage(input.Field))
	case errors.As(err, &state):
		d.TopError = d.Tf("ar.err.open", d.FY(fy))
	default:
		return err
	}
	if d.TopError == "" {
		d.TopError = d.T("err.input")
	}
	return p.render(c, http.StatusUnprocessableEntity, "report-editions.html", d)
}

// editionFieldMessages are the page's words for the editions' field
// errors (the service speaks English to API clients).
var editionFieldMessages = map[string]string{
	"fiscal_year": "ar.err.fiscal_year",
	"foreword":    "ar.err.foreword",
	"correction":  "ar.err.correction",
	"corrects":    "ar.err.corrects",
	"reason":      "ar.err.reason",
	"body":        "ar.err.body",
}

func editionFieldMessage(field string) string {
	if k, ok := editionFieldMessages[field]; ok {
		return k
	}
	return "err.input"
}
