package webui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// verificationLessons renders the verification's lessons again from the
// posted form after the secretariat adds, removes or picks a lesson (as
// annotationLessons does for an annotation). Nothing is saved.
func (p *pages) verificationLessons(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	f, _, err := parseVerificationForm(c)
	if err != nil {
		return err
	}
	f.Lessons = applyLessonOp(f.Lessons, c.FormValue("op"))
	if !isHTMX(c) {
		d, err := p.consolidation(c, id)
		if err != nil {
			return err
		}
		d.withForm(f, map[string]string{})
		return p.render(c, http.StatusOK, "verification.html", d)
	}
	rb := p.newRvBase(c, "rv.ver.title", "review")
	cat, err := p.catalogueBrief(c)
	if err != nil {
		return err
	}
	e := p.newLessonEditor(&rb, "ver", fmt.Sprintf("/cases/%d/verification/lessons", id), f.Lessons, cat, nil)
	// The case's fiscal year comes with the form (it only decides what the
	// rows say: recurring or new), so the rows need no read of the case.
	e.Verification = true
	e.FiscalYear, _ = strconv.Atoi(c.FormValue("fiscal_year"))
	return p.renderFragment(c, http.StatusOK, "verification.html", "rv-lesson-editor", e)
}
