package webui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/survey"
)

// surveyAnswer sends a reporter's answers: one field pair per lesson,
// status-<lesson> and effective-<lesson>. The effect is asked only of what
// was implemented, so the form drops it for the other answers (without
// script the question stays on screen for every lesson); the service
// checks everything else, and each problem comes back next to its lesson
// with everything chosen kept.
func (p *pages) surveyAnswer(c echo.Context) error {
	id, err := surveyID(c)
	if err != nil {
		return err
	}
	ctx, sub := c.Request().Context(), user(c).Subject
	sh, err := p.Surveys.Sheet(ctx, sub, id)
	if err != nil {
		return err
	}
	form := map[string]answerField{}
	var in survey.AnswerInput
	for _, l := range sh.Lessons {
		f := answerField{Status: strings.TrimSpace(c.FormValue("status-" + l.ID)), Effective: c.FormValue("effective-" + l.ID)}
		a := survey.AnswerItem{LessonID: l.ID, Status: f.Status}
		if survey.Implemented(f.Status) {
			switch f.Effective {
			case "yes":
				a.Effective = ptrBool(true)
			case "no":
				a.Effective = ptrBool(false)
			}
		} else {
			f.Effective = ""
		}
		form[l.ID] = f
		in.Answers = append(in.Answers, a)
	}
	if _, err = p.Surveys.Answer(ctx, sub, id, in); err == nil {
		return c.Redirect(http.StatusSeeOther, surveyPath(id, "/answer?done=survey-answered"))
	}
	d := &surveyAnswerPage{svBase: p.newSvBase(c, "sv.a.title"), Sheet: sh, Form: form, Errors: map[string]answerErrors{}}
	errs, ok := svErrors(&d.base, err, func(path string) string { return path })
	if !ok {
		return err
	}
	for path, msg := range errs {
		i, field, ok := answerPath(path)
		if !ok || i >= len(sh.Lessons) {
			d.Top = msg
			continue
		}
		e := d.Errors[sh.Lessons[i].ID]
		switch field {
		case "status":
			e.Status = msg
		case "effective":
			e.Effective = msg
		default:
			e.Lesson = msg
		}
		d.Errors[sh.Lessons[i].ID] = e
	}
	if err := p.withPeople(c, &d.names); err != nil {
		return err
	}
	status := http.StatusUnprocessableEntity
	if _, closed := errs["form"]; closed {
		status = http.StatusConflict
	}
	return p.render(c, status, "survey-answer.html", d)
}

// answerPath splits answers[2].effective into 2 and effective.
func answerPath(path string) (int, string, bool) {
	rest, ok := strings.CutPrefix(path, "answers[")
	if !ok {
		return 0, "", false
	}
	n, field, ok := strings.Cut(rest, "].")
	if !ok {
		return 0, "", false
	}
	i, err := strconv.Atoi(n)
	return i, field, err == nil
}

func ptrBool(v bool) *bool { return &v }
