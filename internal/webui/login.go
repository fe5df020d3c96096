package webui

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"kensho/internal/identity"
)

// loginPage is the data of login.html.
type loginPage struct {
	base
	Login  string
	Failed bool
	// Locked: too many failed sign-ins for this login lately.
	Locked bool
	// After is where to go once signed in (a local path, or "").
	After string
}

// loginForm shows the form. Someone already signed in goes on to where
// they were going.
func (p *pages) loginForm(c echo.Context) error {
	next := safeNext(c.QueryParam("next"), "")
	if user(c) != nil {
		return c.Redirect(http.StatusSeeOther, safeNext(next, "/home"))
	}
	b := p.newBase(c, "login.title", "login")
	b.CSRF = p.preSessionToken(c)
	return p.render(c, http.StatusOK, "login.html", &loginPage{base: b, After: next})
}

// login checks the password and opens a session. An unknown login and a
// wrong password get the same message (and status 401), so that the form
// does not tell which logins exist.
func (p *pages) login(c echo.Context) error {
	next := safeNext(c.FormValue("next"), "")
	token, _, err := p.Identity.Login(c.Request().Context(), c.FormValue("login"), c.FormValue("password"), c.RealIP())
	if errors.Is(err, identity.ErrBadCredentials) || errors.Is(err, identity.ErrTooManyAttempts) {
		status, locked := http.StatusUnauthorized, errors.Is(err, identity.ErrTooManyAttempts)
		if locked {
			status = http.StatusTooManyRequests
		}
		b := p.newBase(c, "login.title", "login")
		b.CSRF = p.preSessionToken(c)
		b.Next = "/login"
		if next != "" {
			b.Next += "?next=" + url.QueryEscape(next)
		}
		return p.render(c, status, "login.html", &loginPage{base: b, Login: c.FormValue("login"), Failed: true, Locked: locked, After: next})
	}
	if err != nil {
		return err
	}
	c.SetCookie(p.sessionCookie(token, 0))
	// The pre-session token has done its job; a new one comes with the
	// next login form.
	c.SetCookie(&http.Cookie{Name: preSessionCookie, Path: "/login", MaxAge: -1, HttpOnly: true, Secure: p.SecureCookies, SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, safeNext(next, "/home"))
}
