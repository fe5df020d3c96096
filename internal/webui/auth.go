package webui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/identity"
)

// Cookies of the UI. The session cookie carries a random token whose
// SHA-256 only is stored (package identity). The pre-session cookie is the
// double-submit token of the login form, which has no session to hold a
// form token yet.
const (
	sessionCookie    = "kensho_session"
	preSessionCookie = "kensho_csrf"
	csrfField        = "_csrf"
	csrfHeader       = "X-CSRF-Token"
	principalKey     = "webui.principal"
)

// Errors the handlers return and the error handler turns into pages.
var (
	// errLoginRequired sends the reader to the login form.
	errLoginRequired = errors.New("login required")
	// errForbidden is a page (not a case) the caller may not open.
	errForbidden = errors.New("forbidden")
	// errCSRF is a form whose token does not match: a 403 page.
	errCSRF = errors.New("form token mismatch")
)

// withSession loads the caller from the session cookie (if any) and marks
// the response uncacheable: pages can carry TLP:AMBER and TLP:RED text,
// which must not stay in a shared or browser cache after logout.
func (p *pages) withSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		if _, err := p.principal(c); err != nil {
			return err
		}
		return next(c)
	}
}

// principal is the signed-in caller, nil for an anonymous one. It reads
// the session once per request.
func (p *pages) principal(c echo.Context) (*identity.Principal, error) {
	if v, ok := c.Get(principalKey).(*identity.Principal); ok {
		return v, nil
	}
	if p.Identity == nil {
		return nil, nil
	}
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	pr, err := p.Identity.Session(c.Request().Context(), ck.Value)
	if errors.Is(err, identity.ErrNoSession) {
		// An expired or revoked session: drop the cookie so the browser
		// stops sending it.
		c.SetCookie(p.sessionCookie("", -1))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.Set(principalKey, pr)
	return pr, nil
}

// user is the caller loaded by withSession (nil if anonymous).
func user(c echo.Context) *identity.Principal {
	pr, _ := c.Get(principalKey).(*identity.Principal)
	return pr
}

// subject is the caller as the access policy sees it.
func subject(c echo.Context) access.Subject {
	if pr := user(c); pr != nil {
		return pr.Subject
	}
	return access.Anonymous
}

// requireLogin lets only signed-in callers through; the error handler
// sends the others to the login form and back.
func (p *pages) requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if user(c) == nil {
			return errLoginRequired
		}
		return next(c)
	}
}

// checkCSRF compares the form token of a signed-in POST (hidden field
// _csrf, or the X-CSRF-Token header that htmx sends) with the session's.
// SameSite=Lax already keeps the session cookie off cross-site POSTs; the
// token also covers browsers and subdomains for which it does not.
func (p *pages) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		pr := user(c)
		if pr == nil {
			return errLoginRequired
		}
		if !tokensEqual(sentToken(c), pr.CSRF) {
			return errCSRF
		}
		return next(c)
	}
}

// checkPreSessionCSRF is the login form's double-submit check: the hidden
// field must equal the pre-session cookie, which a cross-site page can
// neither read nor set.
func (p *pages) checkPreSessionCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(preSessionCookie)
		if err != nil || !tokensEqual(sentToken(c), ck.Value) {
			return errCSRF
		}
		return next(c)
	}
}

// sentToken is the token of the request: the form field, else the header.
func sentToken(c echo.Context) string {
	if v := c.FormValue(csrfField); v != "" {
		return v
	}
	return c.Request().Header.Get(csrfHeader)
}

// tokensEqual compares two tokens in constant time; empty never matches.
func tokensEqual(got, want string) bool {
	if got == "" || want == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// newToken is 32 random bytes, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionCookie is the session cookie with value v (maxAge -1 deletes it).
// It lives as long as the browser session; the server ends it sooner after
// inactivity.
func (p *pages) sessionCookie(v string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: v, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: p.SecureCookies, SameSite: http.SameSiteLaxMode}
}

// preSessionToken returns the login form's token, setting the cookie if
// the browser has none yet.
func (p *pages) preSessionToken(c echo.Context) string {
	if ck, err := c.Cookie(preSessionCookie); err == nil && len(ck.Value) >= 32 {
		return ck.Value
	}
	tok := newToken()
	c.SetCookie(&http.Cookie{Name: preSessionCookie, Value: tok, Path: "/login",
		HttpOnly: true, Secure: p.SecureCookies, SameSite: http.SameSiteLaxMode})
	return tok
}

// safeNext returns next if it is a path on this site, else def: the login
// form and the language switch must not redirect anywhere else.
func safeNext(next, def string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) {
		return def
	}
	if strings.ContainsAny(next, "\\\r\n\t") {
		return def
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return def
	}
	return next
}

// loginURL is the login form that comes back to the request's page.
func loginURL(c echo.Context) string {
	if c.Request().Method != http.MethodGet {
		return "/login"
	}
	next := c.Request().URL.RequestURI()
	if next == "/" || next == "/home" {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(next)
}
