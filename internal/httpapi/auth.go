package httpapi

import (
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/identity"
)

var (
	errUnauthenticated = errors.New("unauthenticated")
	errForbidden       = errors.New("forbidden")
)

const principalKey = "kensho.principal"

// authenticate requires a bearer token: the API has no anonymous routes
// besides /api/v1/public/…, /rules and /classify. A bad token and no token
// are the same 401.
func (h *handlers) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// Answers can carry TLP:AMBER and TLP:RED text: no cache keeps them.
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		auth := c.Request().Header.Get(echo.HeaderAuthorization)
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || strings.TrimSpace(token) == "" {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="kensho"`)
			return errUnauthenticated
		}
		p, err := h.Identity.Token(c.Request().Context(), strings.TrimSpace(token))
		if errors.Is(err, identity.ErrNoSession) {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="kensho", error="invalid_token"`)
			return errUnauthenticated
		}
		if err != nil {
			return err
		}
		c.Set(principalKey, p)
		return next(c)
	}
}

// principal is the authenticated caller.
func principal(c echo.Context) *identity.Principal {
	p, _ := c.Get(principalKey).(*identity.Principal)
	return p
}

// subject is the caller as the access policy sees it.
func subject(c echo.Context) access.Subject {
	if p := principal(c); p != nil {
		return p.Subject
	}
	return access.Anonymous
}
