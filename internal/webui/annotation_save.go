package webui

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/review"
)

// annotationSave saves the caller's annotation as a draft (action=save)
// or saves and submits it (action=submit). A problem is shown next to its
// field and a stale version shows who changed what, with everything typed
// kept; the form then carries the current version, so that saving again
// overwrites knowingly. Submitting what is incomplete keeps it as a draft.
func (p *pages) annotationSave(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	ctx, sub := c.Request().Context(), user(c).Subject
	f, problems, err := parseAnnotationForm(c)
	if err != nil {
		return err
	}
	if problems != nil {
		return p.annotationAgain(c, id, f, nil, problems, false)
	}
	in, _ := f.input()
	a, err := p.Review.SaveAnnotation(ctx, sub, id, in)
	saved := false
	if err == nil && c.FormValue("action") == "submit" {
		// Submitted is what the form shows: saved first, then submitted at
		// the version saved.
		f.Version, saved = a.Version, true
		_, err = p.Review.SubmitAnnotation(ctx, sub, id, a.Version)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/review?done=annotation-submitted#annotation", id))
		}
	}
	var stale *review.ConflictError
	if errors.As(err, &stale) {
		f.Version = stale.Current
		return p.annotationAgain(c, id, f, stale, nil, saved)
	}
	if err != nil {
		return p.annotationAgain(c, id, f, nil, err, saved)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/review?done=annotation-saved#annotation", id))
}

// annotationAgain shows the workspace with the form as sent: with the
// conflict, or the problems (a map of message keys by field, or the
// service's error). saved: the form was saved as a draft, and submitting
// it failed.
func (p *pages) annotationAgain(c echo.Context, id int64, f annotationForm, stale *review.ConflictError, problem any, saved bool) error {
	d, err := p.workspace(c, id)
	if err != nil {
		return err
	}
	if stale != nil {
		d.Conflict = stale
		d.withForm(f, nil)
		return p.render(c, http.StatusConflict, "review.html", d)
	}
	errs, err := rvPageErrors(&d.base, problem)
	if err != nil {
		return err
	}
	_, at := f.input()
	d.withForm(f, rowErrors(errs, at, f.Lessons, &d.base))
	if saved && d.TopError == "" {
		d.TopError = d.T("rv.err.notsubmitted")
	}
	return p.render(c, http.StatusUnprocessableEntity, "review.html", d)
}

// rvPageErrors are the problems to show: message keys by field (the page's
// own checks), or the service's problem with the input; any other error
// is returned for the error page.
func rvPageErrors(b *base, problem any) (map[string]string, error) {
	switch x := problem.(type) {
	case map[string]string:
		out := make(map[string]string, len(x))
		for k, v := range x {
			out[k] = b.T(v)
		}
		return out, nil
	case error:
		if errs, ok := rvErrors(b, x); ok {
			return errs, nil
		}
		return nil, x
	}
	return map[string]string{}, nil
}
