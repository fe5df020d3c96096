package webui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// guidanceCreate records guidance issued on a case. A problem is shown
// next to its field with everything typed kept; the same guidance
// recorded twice is one (the record already there is shown).
func (p *pages) guidanceCreate(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	f := parseGuidanceForm(c)
	g, err := p.Review.CreateGuidance(c.Request().Context(), user(c).Subject, id, f.input())
	if err == nil {
		done := "guidance-created"
		if g.Duplicate {
			done = "guidance-duplicate"
		}
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/guidance/%d?done=%s", g.ID, done))
	}
	d, lerr := p.guidanceFormFor(c, id)
	if lerr != nil {
		return lerr
	}
	errs, perr := rvPageErrors(&d.base, err)
	if perr != nil {
		return perr
	}
	d.Form, d.Errors, d.TopError = f, errs, rvTopError(errs, guidanceFields...)
	return p.render(c, http.StatusUnprocessableEntity, "guidance-new.html", d)
}
