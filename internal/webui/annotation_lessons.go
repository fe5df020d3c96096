package webui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/review"
)

// annotationLessons renders the annotation's lessons again from the posted
// form after the expert adds a row (op=add-link, add-proposal), removes
// one (op=remove:N) or picks a lesson (its text is shown). htmx swaps the
// rows in; without htmx the whole workspace comes back with the form as
// typed. Nothing is saved.
func (p *pages) annotationLessons(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	f, _, err := parseAnnotationForm(c)
	if err != nil {
		return err
	}
	f.Lessons = applyLessonOp(f.Lessons, c.FormValue("op"))
	if !isHTMX(c) {
		d, err := p.workspace(c, id)
		if err != nil {
			return err
		}
		d.withForm(f, map[string]string{})
		return p.render(c, http.StatusOK, "review.html", d)
	}
	rb := p.newRvBase(c, "rv.ws.title", "review")
	cat, err := p.catalogueBrief(c)
	if err != nil {
		return err
	}
	e := p.newLessonEditor(&rb, "ann", fmt.Sprintf("/cases/%d/review/lessons", id), f.Lessons, cat, nil)
	return p.renderFragment(c, http.StatusOK, "review.html", "rv-lesson-editor", e)
}

// catalogueBrief is every theme with its lessons to pick from, for those
// who read the catalogue (the committee and the editors).
func (p *pages) catalogueBrief(c echo.Context) ([]review.ThemeBrief, error) {
	v, err := p.Review.Catalogue(c.Request().Context(), user(c).Subject, "")
	if err != nil {
		return nil, err
	}
	out := make([]review.ThemeBrief, 0, len(v.Themes))
	for _, t := range v.Themes {
		tb := review.ThemeBrief{ID: t.ID, JA: t.JA, EN: t.EN, Lessons: make([]review.Lesson, 0, len(t.Lessons))}
		for _, l := range t.Lessons {
			tb.Lessons = append(tb.Lessons, l.Lesson)
		}
		out = append(out, tb)
	}
	return out, nil
}
