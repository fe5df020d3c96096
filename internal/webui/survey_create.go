package webui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/survey"
)

func parseSurveyForm(c echo.Context) (surveyForm, error) {
	f := surveyForm{FiscalYear: strings.TrimSpace(c.FormValue("fiscal_year")), Title: c.FormValue("title"),
		DueOn: strings.TrimSpace(c.FormValue("due_on"))}
	form, err := c.FormParams()
	if err != nil {
		return f, err
	}
	f.Lessons = form["lessons"]
	for _, v := range form["recipients"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			f.Recipients = append(f.Recipients, id)
		}
	}
	return f, nil
}

// surveyCreate creates a survey from the form (the secretariat). 「宛先を
// 更新」 (refresh) only shows the form again with the default recipients
// of the fiscal year typed, keeping everything else. A problem is shown
// next to its field with everything typed kept.
func (p *pages) surveyCreate(c echo.Context) error {
	f, err := parseSurveyForm(c)
	if err != nil {
		return err
	}
	fy, fyErr := strconv.Atoi(f.FiscalYear)
	if c.FormValue("refresh") != "" {
		d, err := p.surveysPage(c, fy)
		if err != nil {
			return err
		}
		f.Recipients = nil
		for _, o := range d.Choices.Recipients {
			f.Recipients = append(f.Recipients, o.ID)
		}
		d.Form = f
		if fyErr != nil || fy != d.Choices.FiscalYear {
			d.Errors["fiscal_year"] = d.T("sv.err.fy")
		}
		return p.render(c, http.StatusOK, "surveys.html", d)
	}
	// The form always shows the recipients: none ticked is a choice left
	// to make, not a request for the default (the API's shortcut).
	in := survey.CreateInput{FiscalYear: fy, Title: f.Title, DueOn: f.DueOn, Lessons: f.Lessons, Recipients: f.Recipients, Chosen: true}
	sv, err := p.Surveys.Create(c.Request().Context(), user(c).Subject, in)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, surveyPath(sv.ID, "?done=survey-created"))
	}
	d, lerr := p.surveysPage(c, fy)
	if lerr != nil {
		return lerr
	}
	errs, ok := svErrors(&d.base, err, surveyFormField)
	if !ok {
		return err
	}
	d.Form, d.Errors = f, errs
	return p.render(c, http.StatusUnprocessableEntity, "surveys.html", d)
}

// surveyFormField is the control of the form a service path belongs to:
// lessons[2] is the lessons' fieldset, recipients[0] the recipients'.
func surveyFormField(path string) string {
	name, _, _ := strings.Cut(path, "[")
	return name
}
