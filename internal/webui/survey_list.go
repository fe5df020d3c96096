package webui

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/survey"
)

// surveysPage is the data of surveys.html: the secretariat's surveys and
// the form that creates one.
type surveysPage struct {
	svBase
	Items []survey.Item
	// Choices are the catalogue's lessons by theme and the default
	// recipients of the form's fiscal year.
	Choices *survey.Choices
	Form    surveyForm
	Errors  map[string]string
}

// surveyForm is a new survey as the form holds it (what was typed is kept
// on a refused submission).
type surveyForm struct {
	FiscalYear string
	Title      string
	DueOn      string
	Lessons    []string
	Recipients []int64
}

// Err is the problem of a field of the form.
func (d *surveysPage) Err(field string) string { return d.Errors[field] }

// LessonChosen reports whether the form has lesson id ticked.
func (d *surveysPage) LessonChosen(id string) bool { return slices.Contains(d.Form.Lessons, id) }

// RecipientChosen reports whether the form has organisation id ticked.
func (d *surveysPage) RecipientChosen(id int64) bool { return slices.Contains(d.Form.Recipients, id) }

// mineSurveysPage is the data of surveys-mine.html: the open surveys
// addressed to a reporter's organisation.
type mineSurveysPage struct {
	svBase
	Items []survey.Item
}

// surveyList is 「フォローアップ調査」: for the secretariat every survey and
// the form for a new one (recipients prefilled with the year's default);
// for a reporter the open surveys addressed to its organisation. Anyone
// else may not.
func (p *pages) surveyList(c echo.Context) error {
	sub := user(c).Subject
	if !p.Surveys.MayManage(sub) {
		if !p.Surveys.MayAnswer(sub) {
			return errForbidden
		}
		items, err := p.Surveys.List(c.Request().Context(), sub)
		if err != nil {
			return err
		}
		d := &mineSurveysPage{svBase: p.newSvBase(c, "sv.title"), Items: items}
		return p.render(c, http.StatusOK, "surveys-mine.html", d)
	}
	d, err := p.surveysPage(c, 0)
	if err != nil {
		return err
	}
	d.Form = surveyForm{FiscalYear: strconv.Itoa(d.Choices.FiscalYear)}
	for _, o := range d.Choices.Recipients {
		d.Form.Recipients = append(d.Form.Recipients, o.ID)
	}
	return p.render(c, http.StatusOK, "surveys.html", d)
}

// surveysPage is the secretariat's list with the choices of fiscal year
// fy (0: the current one).
func (p *pages) surveysPage(c echo.Context, fy int) (*surveysPage, error) {
	ctx, sub := c.Request().Context(), user(c).Subject
	items, err := p.Surveys.List(ctx, sub)
	if err != nil {
		return nil, err
	}
	ch, err := p.Surveys.Choices(ctx, sub, fy)
	if err != nil {
		return nil, err
	}
	return &surveysPage{svBase: p.newSvBase(c, "sv.title"), Items: items, Choices: ch, Errors: map[string]string{}}, nil
}
