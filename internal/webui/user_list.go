package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/identity"
)

// usersPage is the data of users.html: the list and the creation form.
type usersPage struct {
	base
	Users    []identity.UserRow
	Roles    []access.Role
	Fields   []string
	OrgNames []string
	// Form is what was sent, kept when it is refused.
	Form identity.NewUser
	// Errors are translated messages by field.
	Errors map[string]string
}

// HasField reports whether the form had field f ticked.
func (d *usersPage) HasField(f string) bool {
	for _, x := range d.Form.Fields {
		if x == f {
			return true
		}
	}
	return false
}

// ConflictLines are the form's conflicts, one per line.
func (d *usersPage) ConflictLines() string {
	out := ""
	for i, c := range d.Form.Conflicts {
		if i > 0 {
			out += "\n"
		}
		out += c
	}
	return out
}

// mayManageUsers lets through only those the policy lets manage users.
func (p *pages) mayManageUsers(c echo.Context) error {
	if !p.Access.CanSystem(user(c).Subject, access.Users, access.Manage) {
		return errForbidden
	}
	return nil
}

// usersData loads what the users page shows.
func (p *pages) usersData(c echo.Context) (*usersPage, error) {
	ctx := c.Request().Context()
	users, err := p.Identity.List(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := p.orgNames(ctx)
	if err != nil {
		return nil, err
	}
	return &usersPage{base: p.newBase(c, "users.title", "users"), Users: users, Roles: access.UserRoles,
		Fields: p.Identity.Fields, OrgNames: orgs}, nil
}

// userList lists the users, with the form to add one.
func (p *pages) userList(c echo.Context) error {
	if err := p.mayManageUsers(c); err != nil {
		return err
	}
	d, err := p.usersData(c)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "users.html", d)
}
