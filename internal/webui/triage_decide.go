package webui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
	"kensho/internal/review"
)

// triageDecide records the secretariat's decision on a case: verify in
// depth, verify light or record only, with a reason (and for a near-miss
// whether to study why it did not become serious). A decision to verify
// goes on to the proposed panel; a field at fault is named next to it,
// and a decision someone took meanwhile is shown with what it changed,
// what was typed kept.
func (p *pages) triageDecide(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	form := decisionForm{Depth: strings.TrimSpace(c.FormValue("depth")), Reason: formText(c, "reason"),
		Study: c.FormValue("study_near_miss") == "true"}
	in := review.DecisionInput{Depth: form.Depth, Reason: form.Reason}
	// The checkbox is on a near-miss's form only; an unticked box sends
	// nothing, so the form says it was shown.
	if c.FormValue("study_shown") == "true" {
		in.StudyNearMiss = &form.Study
	}
	in.Version, err = strconv.Atoi(strings.TrimSpace(c.FormValue("version")))
	if err == nil {
		var d *review.Decision
		d, err = p.Review.Decide(c.Request().Context(), user(c).Subject, id, in)
		if err == nil {
			return afterDecision(c, id, d)
		}
	} else {
		err = &casefile.InputError{Field: "version", Code: "version.invalid", Message: "want a whole number"}
	}
	var input *casefile.InputError
	var conflict *review.ConflictError
	if !errors.As(err, &input) && !errors.As(err, &conflict) {
		return err
	}
	d, lerr := p.loadTriage(c, id)
	if lerr != nil {
		return lerr
	}
	if !d.CanTriage {
		return casefile.ErrForbidden
	}
	if conflict != nil {
		// Shown with what changed; sending the form again decides over it,
		// knowingly.
		form.Version = conflict.Current
		d.Form, d.Conflict = form, conflict
		return p.render(c, http.StatusConflict, "triage.html", d)
	}
	form.Version = in.Version
	d.Form = form
	field := input.Field
	if field != "depth" && field != "reason" && field != "study_near_miss" {
		field = "case"
	}
	d.Errors = map[string]string{field: d.T(messageOf(reviewMessages, input.Code))}
	return p.render(c, http.StatusUnprocessableEntity, "triage.html", d)
}

// afterDecision goes on to the panel after a decision to verify, back to
// the triage page after one to record only.
func afterDecision(c echo.Context, id int64, d *review.Decision) error {
	done := "triaged"
	if d.Duplicate {
		done = "triagedup"
	}
	if d.Depth == review.DepthRecordOnly {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/triage?done=%s#decision", id, done))
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/panel?done=%s", id, done))
}
