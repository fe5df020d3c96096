package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// reportReview is the confirmation step of a saved draft: the intake
// checks it exactly as it would on submission; a draft with problems
// comes back as its form with each problem next to its field, a complete
// one is shown for a last look with its judgement and the button that
// files it.
func (p *pages) reportReview(c echo.Context) error {
	if err := mayReport(c); err != nil {
		return err
	}
	d, dr, err := p.loadDraftPage(c)
	if err != nil {
		return err
	}
	if d.Submitted {
		return c.Redirect(http.StatusSeeOther, "/report-forms/drafts/"+c.Param("id"))
	}
	if c.QueryParam("stale") != "" {
		d.Notice = d.T("rf.notice.stale")
	}
	err = p.Portal.Check(c.Request().Context(), user(c).Subject, dr.ReportKind, dr.CaseID, dr.Body)
	if errs := d.formErrors(err); len(errs) > 0 {
		d.Errors = errs
		return p.renderForm(c, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	d.Confirm = true
	return p.renderForm(c, http.StatusOK, d)
}
