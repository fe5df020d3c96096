package webui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
	"kensho/internal/review"
)

// lessonsPage is the data of lessons.html: the lessons catalogue by theme
// with how often each lesson was drawn.
type lessonsPage struct {
	rvBase
	V *review.CatalogueView
	// Themes are every theme, for the filter; Theme the one kept.
	Themes []*review.Theme
	Theme  string
	Error  string
}

// lessonList is the lessons catalogue (「教訓」): each theme's lessons
// with their id, text in both languages, the fiscal year first drawn, the
// cases linked, recurrences and the cases per fiscal year — aggregates,
// as the annual report publishes them. The committee and the editors
// read it; ?theme= keeps one theme.
func (p *pages) lessonList(c echo.Context) error {
	d := &lessonsPage{rvBase: p.newRvBase(c, "ls.title", "lessons"), Themes: p.Review.Config.Lessons.Themes,
		Theme: c.QueryParam("theme")}
	v, err := p.Review.Catalogue(c.Request().Context(), user(c).Subject, d.Theme)
	var input *casefile.InputError
	status := http.StatusOK
	if errors.As(err, &input) {
		d.Error, d.Theme, status = d.T("ls.err.theme"), "", http.StatusBadRequest
		v, err = p.Review.Catalogue(c.Request().Context(), user(c).Subject, "")
	}
	if err != nil {
		return err
	}
	d.V = v
	return p.render(c, status, "lessons.html", d)
}

// Years says a lesson's cases per fiscal year: FY2019 1, FY2020 2.
func (d *lessonsPage) Years(ys []review.YearCount) string { return yearsText(&d.rvBase, ys) }

func yearsText(rb *rvBase, ys []review.YearCount) string {
	if len(ys) == 0 {
		return "—"
	}
	out := ""
	for i, y := range ys {
		if i > 0 {
			out += rb.T("rv.sep")
		}
		out += rb.Tf("ls.year", rb.FY(y.FiscalYear), y.Cases)
	}
	return out
}
