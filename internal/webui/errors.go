package webui

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
	"kensho/internal/deadline"
	"kensho/internal/identity"
	"kensho/internal/intake"
	"kensho/internal/quarterly"
	"kensho/internal/report"
	"kensho/internal/review"
	"kensho/internal/survey"
	"kensho/internal/triage"
)

// errorPage is the data of error.html.
type errorPage struct {
	base
	Status    int
	Heading   string
	Message   string
	RequestID string
}

// isAPIPath reports whether a path belongs to the JSON API, whose clients
// expect JSON errors whatever went wrong.
func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/api" || p == "/healthz" || p == "/readyz"
}

// errorHandler wraps echo's (JSON) error handler: API paths keep it, every
// other path gets a page in the reader's language. Domain errors map to
// statuses here, in one place.
func (p *pages) errorHandler(jsonHandler echo.HTTPErrorHandler) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if isAPIPath(c.Request().URL.Path) {
			jsonHandler(err, c)
			return
		}
		if c.Response().Committed {
			return
		}
		if errors.Is(err, errLoginRequired) {
			p.toLogin(c)
			return
		}
		status, title, text := statusOf(err)
		// The header of the page shows who is signed in, also on a 404
		// of a route that loaded no session.
		if user(c) == nil {
			if _, lerr := p.principal(c); lerr != nil {
				p.Log.Error("loading the session for an error page", "error", lerr)
			}
		}
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		reqID := c.Response().Header().Get(echo.HeaderXRequestID)
		if status >= 500 {
			p.Log.ErrorContext(c.Request().Context(), "page failed", "error", err, "request_id", reqID,
				"method", c.Request().Method, "path", c.Path())
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		b := p.bareBase(c)
		b.Title = b.T(title)
		data := &errorPage{base: b, Status: status, Heading: b.T(title), Message: b.T(text)}
		if status >= 500 {
			data.RequestID = reqID
		}
		if isHTMX(c) {
			// An htmx form failed: show the whole error page in place of
			// <main> rather than nothing.
			h := c.Response().Header()
			h.Set("HX-Retarget", "main")
			h.Set("HX-Reswap", "outerHTML")
			h.Set("HX-Reselect", "main")
		}
		if rerr := p.render(c, status, "error.html", data); rerr != nil {
			p.Log.Error("rendering the error page", "error", rerr)
			_ = c.String(status, http.StatusText(status))
		}
	}
}

// statusOf maps an error to a status and the message keys of its page.
// A case the caller may not see and one that does not exist give the same
// page, as does any unknown path: nothing tells them apart.
func statusOf(err error) (int, string, string) {
	var (
		httpErr *echo.HTTPError
		input   *casefile.InputError
		idInput *identity.InputError
		leak    *casefile.LeakError
		stale   *review.ConflictError
		svState *survey.StateError
	)
	switch {
	case errors.Is(err, casefile.ErrNotFound), errors.Is(err, intake.ErrNotFound), errors.Is(err, review.ErrNotFound),
		errors.Is(err, report.ErrNotFound):
		return http.StatusNotFound, "error.404.title", "error.404"
	case errors.Is(err, review.ErrNotFound), errors.Is(err, triage.ErrOpinionNotFound), errors.Is(err, survey.ErrNotFound):
		return http.StatusNotFound, "error.404.title", "error.404"
	case errors.Is(err, triage.ErrLLMOff):
		return http.StatusConflict, "error.409.title", "op.off"
	case errors.Is(err, casefile.ErrNoShare):
		return http.StatusNotFound, "error.404.title", "error.noshare"
	case errors.Is(err, casefile.ErrNoRaise):
		return http.StatusNotFound, "error.404.title", "err.raise.none"
	case errors.Is(err, errCSRF):
		return http.StatusForbidden, "error.csrf.title", "error.csrf"
	case errors.Is(err, deadline.ErrForbidden):
		return http.StatusForbidden, "error.403.title", "error.403"
	case errors.Is(err, deadline.ErrNotFound):
		return http.StatusNotFound, "error.404.title", "notif.notfound"
	case errors.Is(err, casefile.ErrForbidden), errors.Is(err, errForbidden), errors.Is(err, intake.ErrForbidden),
		errors.Is(err, quarterly.ErrForbidden), errors.Is(err, report.ErrWhatIfForbidden),
		errors.Is(err, survey.ErrForbidden):
		return http.StatusForbidden, "error.403.title", "error.403"
	case errors.Is(err, casefile.ErrConflict), errors.As(err, &stale), errors.Is(err, survey.ErrStale), errors.Is(err, survey.ErrClosed),
		errors.As(err, &svState):
		return http.StatusConflict, "error.409.title", "error.409"
	case errors.As(err, &leak):
		return http.StatusUnprocessableEntity, "error.400.title", "anon.blocked"
	case errors.As(err, &input):
		return http.StatusUnprocessableEntity, "error.400.title", messageOf(inputMessages, input.Code)
	case errors.As(err, &idInput):
		return http.StatusUnprocessableEntity, "error.400.title", messageOf(identityMessages, idInput.Code)
	case errors.As(err, &httpErr):
		switch httpErr.Code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			return http.StatusNotFound, "error.404.title", "error.404"
		case http.StatusForbidden:
			return http.StatusForbidden, "error.403.title", "error.403"
		case http.StatusUnauthorized:
			return http.StatusForbidden, "error.403.title", "error.403"
		}
		if httpErr.Code < 500 {
			return httpErr.Code, "error.400.title", "err.input"
		}
	}
	return http.StatusInternalServerError, "error.500.title", "error.500"
}

// toLogin sends a caller without a session to the login form, and back to
// the page afterwards (GET only: a form is not replayed).
func (p *pages) toLogin(c echo.Context) {
	u := loginURL(c)
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", u)
		_ = c.NoContent(http.StatusUnauthorized)
		return
	}
	_ = c.Redirect(http.StatusSeeOther, u)
}

// inputMessages are the message keys of casefile.InputError codes: the
// service speaks English to API clients; the page says it in the reader's
// language.
var inputMessages = map[string]string{
	"organisation.not_designated": "err.share.notdesig",
	"organisation.is_operator":    "err.share.operator",
	"organisation.unknown":        "err.share.org",
	"organisation.required":       "err.share.org",
	"share.reason_required":       "err.share.reason",
	"reason.required":             "err.raise.reason",
	"section.unknown":             "err.section",
	"tier.not_above":              "err.tier.above",
	"text.no_draft":               "err.text.nodraft",
	"text.required":               "err.text",
	"kind.not_accident":           "err.publish.kind",
	"kind.not_near_miss":          "err.anon.kind",
	"kind.unknown":                "err.kind",
	"cursor.invalid":              "err.cursor",
}

// identityMessages are the message keys of identity.InputError codes.
var identityMessages = map[string]string{
	"email.invalid":       "err.email",
	"login.invalid":       "err.login",
	"login.taken":         "err.login.taken",
	"role.unknown":        "err.role",
	"org.required":        "err.org.required",
	"org.forbidden":       "err.org.forbidden",
	"org.unknown":         "err.org.unknown",
	"fields.forbidden":    "err.fields",
	"fields.unknown":      "err.fields.unknown",
	"conflicts.forbidden": "err.conflicts",
	"conflicts.unknown":   "err.conflicts.unk",
	"password.short":      "err.password",
}

// messageOf is the key for code in keys, or the generic input message.
func messageOf(keys map[string]string, code string) string {
	if k, ok := keys[code]; ok {
		return k
	}
	return "err.input"
}

// logger is the pages' logger (a discarding one in bare tests).
func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
