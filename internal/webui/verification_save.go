package webui

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/review"
)

// verificationSave saves the committee's verification result as a draft
// (action=save) or saves and finalises it (action=finalise): its lessons
// then become the case's lesson links and the new ones lessons of the
// catalogue. A problem is shown next to its field; a stale version shows
// who changed what, with everything typed kept, and the form carries the
// current version so that saving again overwrites knowingly.
func (p *pages) verificationSave(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	ctx, sub := c.Request().Context(), user(c).Subject
	f, problems, err := parseVerificationForm(c)
	if err != nil {
		return err
	}
	if problems != nil {
		return p.verificationAgain(c, id, f, nil, problems)
	}
	in, _ := f.input()
	v, err := p.Review.SaveVerification(ctx, sub, id, in)
	done := "verification-saved"
	if err == nil && c.FormValue("action") == "finalise" {
		f.Version, f.Prefilled = v.Version, false
		_, err = p.Review.FinaliseVerification(ctx, sub, id, v.Version)
		done = "verification-final"
	}
	var stale *review.ConflictError
	if errors.As(err, &stale) {
		f.Version = stale.Current
		return p.verificationAgain(c, id, f, stale, nil)
	}
	if err != nil {
		return p.verificationAgain(c, id, f, nil, err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/verification?done=%s#result", id, done))
}

// verificationAgain shows the consolidation page with the form as sent.
func (p *pages) verificationAgain(c echo.Context, id int64, f verificationForm, stale *review.ConflictError, problem any) error {
	d, err := p.consolidation(c, id)
	if err != nil {
		return err
	}
	if stale != nil {
		d.Conflict = stale
		d.withForm(f, nil)
		return p.render(c, http.StatusConflict, "verification.html", d)
	}
	errs, err := rvPageErrors(&d.base, problem)
	if err != nil {
		return err
	}
	_, at := f.input()
	d.withForm(f, rowErrors(errs, at, f.Lessons, &d.base))
	return p.render(c, http.StatusUnprocessableEntity, "verification.html", d)
}
