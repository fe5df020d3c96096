package webui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/review"
)

// verificationReopen returns the committee's final result to draft, with
// a reason (kept in the audit trail). A missing reason is said next to
// the field; a stale version shows who changed what.
func (p *pages) verificationReopen(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	reason := formText(c, "reason")
	version, verr := strconv.Atoi(c.FormValue("version"))
	if verr == nil {
		_, err = p.Review.ReopenVerification(c.Request().Context(), user(c).Subject, id, version, reason)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/verification?done=verification-reopened#result", id))
		}
	}
	d, lerr := p.consolidation(c, id)
	if lerr != nil {
		return lerr
	}
	d.ReopenReason = reason
	var stale *review.ConflictError
	switch errs, ok := rvErrors(&d.base, err); {
	case verr != nil:
		d.ReopenError = d.T("rv.err.version")
	case errors.As(err, &stale):
		d.Conflict = stale
		return p.render(c, http.StatusConflict, "verification.html", d)
	case ok:
		d.ReopenError = errs["reason"]
		if d.ReopenError == "" {
			for _, v := range errs {
				d.ReopenError = v
			}
		}
	default:
		return err
	}
	return p.render(c, http.StatusUnprocessableEntity, "verification.html", d)
}
