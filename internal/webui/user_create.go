package webui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/identity"
)

// userCreate adds a user. A refused form comes back with the message next
// to the field at fault and everything but the password kept.
func (p *pages) userCreate(c echo.Context) error {
	if err := p.mayManageUsers(c); err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	nu := identity.NewUser{Login: form.Get("login"), DisplayName: form.Get("name"), Role: form.Get("role"),
		Org: strings.TrimSpace(form.Get("org")), Fields: form["fields"], Password: form.Get("password"), Email: strings.TrimSpace(form.Get("email"))}
	for _, line := range strings.Split(formText(c, "conflicts"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			nu.Conflicts = append(nu.Conflicts, line)
		}
	}
	_, err = p.Identity.Create(c.Request().Context(), nu, user(c).Subject.Key)
	var input *identity.InputError
	if errors.As(err, &input) {
		d, lerr := p.usersData(c)
		if lerr != nil {
			return lerr
		}
		nu.Password = ""
		d.Form = nu
		d.Errors = map[string]string{input.Field: d.T(messageOf(identityMessages, input.Code))}
		return p.render(c, http.StatusUnprocessableEntity, "users.html", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done=usercreated")
}
