package webui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
	"kensho/internal/report"
)

// editionUpdate saves the foreword (and a correction's note) at the
// version loaded; the edition is built again. A stale save keeps what was
// typed on the page and says so.
func (p *pages) editionUpdate(c echo.Context) error {
	id, err := editionIDParam(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	in := report.UpdateInput{Version: version, Foreword: c.FormValue("foreword"), Correction: c.FormValue("correction")}
	_, err = p.Reports.Update(c.Request().Context(), user(c).Subject, id, in)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/editions/%d?done=edition-saved", id))
	}
	return p.editionFailed(c, id, err, func(d *editionPage) { d.Foreword, d.Correction = in.Foreword, in.Correction })
}

// editionFailed shows the edition again with why an action failed; keep
// puts back what the caller typed.
func (p *pages) editionFailed(c echo.Context, id int64, err error, keep func(*editionPage)) error {
	var (
		input *casefile.InputError
		state *report.StateError
		leak  *report.LeakError
	)
	status := http.StatusUnprocessableEntity
	d, lerr := p.editionData(c, id)
	if lerr != nil {
		return lerr
	}
	if keep != nil {
		keep(d)
	}
	switch {
	case errors.As(err, &input):
		d.Errors[input.Field] = d.T(editionFieldMessage(input.Field))
		d.TopError = d.T("err.input")
	case errors.Is(err, casefile.ErrConflict):
		status, d.TopError = http.StatusConflict, d.T("ar.err.stale")
	case errors.As(err, &state):
		status, d.TopError = http.StatusConflict, d.T("ar.err.state")
	case errors.As(err, &leak):
		d.TopError = d.T("ar.err.leak")
		d.E.Findings = leak.Findings
	default:
		return err
	}
	return p.render(c, status, "report-edition.html", d)
}
