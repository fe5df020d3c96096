package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// caseUnshare revokes a share: the organisation stops seeing the case's
// restricted part at once (the policy reloads in every process).
func (p *pages) caseUnshare(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	if err := p.Cases.Unshare(c.Request().Context(), user(c).Subject, id, c.Param("org")); err != nil {
		return err
	}
	if !isHTMX(c) {
		return backToCase(c, id, "unshared", "shares")
	}
	d, err := p.loadCase(c, id)
	if err != nil {
		return err
	}
	d.ShareFlash = d.T("flash.unshared")
	return p.sharesResponse(c, http.StatusOK, d)
}
