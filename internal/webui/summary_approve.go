package webui

import (
	"strconv"

	"github.com/labstack/echo/v4"
)

// summaryApprove publishes the saved anonymised summary. The service scans
// it for operator names and brands first; a blocked approval comes back to
// the case page with each offending span marked.
func (p *pages) summaryApprove(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	_, err = p.Cases.Approve(c.Request().Context(), user(c).Subject, id, version)
	if status, ok := anonFormStatus(err); ok {
		d, lerr := p.loadCase(c, id)
		if lerr != nil {
			return lerr
		}
		setAnonError(d, err)
		return p.render(c, status, "case.html", d)
	}
	if err != nil {
		return err
	}
	return backToCase(c, id, "approved", "anonymising")
}
