package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// userDisable stops a user (sessions ended, tokens revoked) or lets a
// disabled one sign in again. Administrators cannot stop themselves: the
// last administrator would lock everyone out of user management.
func (p *pages) userDisable(c echo.Context) error {
	if err := p.mayManageUsers(c); err != nil {
		return err
	}
	login, disable := c.Param("login"), c.FormValue("disable") == "1"
	if disable && login == user(c).Login {
		d, err := p.usersData(c)
		if err != nil {
			return err
		}
		d.Errors = map[string]string{"disable": d.T("users.selfdisable")}
		return p.render(c, http.StatusUnprocessableEntity, "users.html", d)
	}
	if err := p.Identity.SetDisabled(c.Request().Context(), login, disable, user(c).Subject.Key); err != nil {
		return err
	}
	done := "enabled"
	if disable {
		done = "disabled"
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done="+done)
}
