package webui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/review"
)

// guidanceUpdate saves the secretariat's edit of a guidance record (its
// follow-up only, once published). A problem is shown next to its field,
// a stale version with who changed what; what was typed stays.
func (p *pages) guidanceUpdate(c echo.Context) error {
	id, err := guidanceID(c)
	if err != nil {
		return err
	}
	f := parseGuidanceForm(c)
	version, verr := strconv.Atoi(c.FormValue("version"))
	f.Version = version
	if verr == nil {
		_, err = p.Review.UpdateGuidance(c.Request().Context(), user(c).Subject, id, f.input())
		if err == nil {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/guidance/%d?done=guidance-saved", id))
		}
	}
	d, lerr := p.guidanceRecord(c, id)
	if lerr != nil {
		return lerr
	}
	var stale *review.ConflictError
	if verr != nil {
		d.Form, d.TopError = f, d.T("rv.err.version")
		return p.render(c, http.StatusUnprocessableEntity, "guidance.html", d)
	}
	if errors.As(err, &stale) {
		f.Version = stale.Current
		d.Form, d.Conflict = f, stale
		return p.render(c, http.StatusConflict, "guidance.html", d)
	}
	errs, perr := rvPageErrors(&d.base, err)
	if perr != nil {
		return perr
	}
	fields := guidanceFields
	if d.G.Published {
		// The record is shown, not edited: only the follow-up has controls.
		fields = guidanceFields[4:]
	}
	d.Form, d.Errors, d.TopError = f, errs, rvTopError(errs, fields...)
	return p.render(c, http.StatusUnprocessableEntity, "guidance.html", d)
}
