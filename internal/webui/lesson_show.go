package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/review"
)

// lessonPage is the data of lesson.html: one lesson with the cases it was
// drawn from, as far as the caller may see them.
type lessonPage struct {
	rvBase
	L *review.LessonDetail
	// Hidden counts the linked cases the caller may not see (an editor
	// sees none of the committee's links): counted, never named.
	Hidden int
}

// Years says the lesson's cases per fiscal year.
func (d *lessonPage) Years(ys []review.YearCount) string { return yearsText(&d.rvBase, ys) }

// lessonShow is one lesson of the catalogue: its texts, counts and the
// linked cases whose committee part the caller may read.
func (p *pages) lessonShow(c echo.Context) error {
	l, err := p.Review.LessonByID(c.Request().Context(), user(c).Subject, c.Param("lesson"))
	if err != nil {
		return err
	}
	d := &lessonPage{rvBase: p.newRvBase(c, "ls.title", "lessons"), L: l, Hidden: l.Cases - len(l.Linked)}
	d.Title = l.ID
	if len(l.Linked) > 0 {
		d.Marking = access.Committee.TLP() // which cases drew it is the committee's
	}
	return p.render(c, http.StatusOK, "lesson.html", d)
}
