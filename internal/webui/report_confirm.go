package webui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// reportConfirm is the form's 「提出」 button: it saves the draft, then
// shows the confirmation step (a GET, so that reloading it resubmits
// nothing). Nothing is filed until the reporter confirms there.
func (p *pages) reportConfirm(c echo.Context) error {
	if err := mayReport(c); err != nil {
		return err
	}
	d, status, err := p.saveForm(c)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return p.renderForm(c, status, d)
	}
	return c.Redirect(http.StatusSeeOther, "/report-forms/drafts/"+strconv.FormatInt(d.F.DraftID, 10)+"/confirm")
}
