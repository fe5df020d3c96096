package webui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/intake"
)

// reportSubmit files a confirmed draft (「この内容で提出する」). The form
// carries the version confirmed: if the draft changed since, the reporter
// confirms again rather than file what it has not seen. The same report
// filed twice is one report.
func (p *pages) reportSubmit(c echo.Context) error {
	if err := mayReport(c); err != nil {
		return err
	}
	d, dr, err := p.loadDraftPage(c)
	if err != nil {
		return err
	}
	if dr.ReportID != 0 {
		return c.Redirect(http.StatusSeeOther, "/report-forms?done=submitted")
	}
	if v, _ := strconv.Atoi(c.FormValue("version")); v != dr.Version {
		return c.Redirect(http.StatusSeeOther, "/report-forms/drafts/"+strconv.FormatInt(dr.ID, 10)+"/confirm?stale=1")
	}
	sub, err := p.Portal.Submit(c.Request().Context(), user(c).Subject, intake.SubmitRequest{DraftID: dr.ID, Source: "form"})
	if errs := d.formErrors(err); len(errs) > 0 {
		d.Errors = errs
		return p.renderForm(c, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	done := "submitted"
	if sub.Duplicate {
		done = "duplicate"
	}
	return c.Redirect(http.StatusSeeOther, "/report-forms?done="+done+"#case-"+strconv.FormatInt(sub.CaseID, 10))
}
