package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// logout ends the session on the server and in the browser.
func (p *pages) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := p.Identity.Logout(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(p.sessionCookie("", -1))
	return c.Redirect(http.StatusSeeOther, "/")
}
