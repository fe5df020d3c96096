package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/survey"
)

// surveyAnswerPage is the data of survey-answer.html: a reporter's answer
// form of one survey.
type surveyAnswerPage struct {
	svBase
	Sheet *survey.Sheet
	// Form is what the form holds per lesson id: the answer on file, or
	// what was typed on a refused submission.
	Form map[string]answerField
	// Errors are the problems by lesson id (status, effective) and "form".
	Errors map[string]answerErrors
	Top    string
}

// answerField is one lesson's answer as the form holds it: a status and
// the effect, "yes", "no" or "" (not chosen).
type answerField struct {
	Status, Effective string
}

// answerErrors are one lesson's problems.
type answerErrors struct {
	Lesson, Status, Effective string
}

// Field is the form's answer about lesson id.
func (d *surveyAnswerPage) Field(id string) answerField { return d.Form[id] }

// Err are the problems of lesson id.
func (d *surveyAnswerPage) Err(id string) answerErrors { return d.Errors[id] }

// HasErrors reports whether the form came back refused.
func (d *surveyAnswerPage) HasErrors() bool { return len(d.Errors) > 0 || d.Top != "" }

// surveyAnswerForm is a reporter's answer form: every lesson of the survey
// with its text, the five answers as radio buttons and, for what was
// implemented, whether it was effective — prefilled with what the
// organisation answered. A survey not addressed to its organisation is not
// found; a closed one shows the answers without the form.
func (p *pages) surveyAnswerForm(c echo.Context) error {
	id, err := surveyID(c)
	if err != nil {
		return err
	}
	sh, err := p.Surveys.Sheet(c.Request().Context(), user(c).Subject, id)
	if err != nil {
		return err
	}
	d := &surveyAnswerPage{svBase: p.newSvBase(c, "sv.a.title"), Sheet: sh, Form: map[string]answerField{}, Errors: map[string]answerErrors{}}
	for _, l := range sh.Lessons {
		f := answerField{Status: l.Status}
		if l.Effective != nil {
			f.Effective = map[bool]string{true: "yes", false: "no"}[*l.Effective]
		}
		d.Form[l.ID] = f
	}
	if err := p.withPeople(c, &d.names); err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "survey-answer.html", d)
}
