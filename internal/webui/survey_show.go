package webui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/survey"
)

// surveyPage is the data of survey.html: one survey as the secretariat
// sees it.
type surveyPage struct {
	svBase
	S     *survey.Survey
	Error string
}

// surveyShow is one survey for the secretariat: its state with the open
// and close buttons, the results per lesson (counts, the two shares, the
// class) and each recipient's progress. A reporter of an organisation it
// is addressed to goes to its answer form instead; to anyone else a survey
// it has no part in is not found.
func (p *pages) surveyShow(c echo.Context) error {
	id, err := surveyID(c)
	if err != nil {
		return err
	}
	sub := user(c).Subject
	if !p.Surveys.MayManage(sub) && p.Surveys.MayAnswer(sub) {
		return c.Redirect(http.StatusSeeOther, surveyPath(id, "/answer"))
	}
	sv, err := p.Surveys.Get(c.Request().Context(), sub, id)
	if err != nil {
		return err
	}
	d := &surveyPage{svBase: p.newSvBase(c, "sv.title"), S: sv}
	if err := p.withPeople(c, &d.names); err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "survey.html", d)
}

// surveyStep opens or closes a survey from the version the page was
// loaded with; a survey changed meanwhile (or in a state that does not
// allow the step) comes back with the reason at the top.
func (p *pages) surveyStep(c echo.Context, step func(*pages, echo.Context, int64, int) (*survey.Survey, error), done string) error {
	id, err := surveyID(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	if _, err := step(p, c, id, version); err != nil {
		d := &surveyPage{svBase: p.newSvBase(c, "sv.title")}
		errs, ok := svErrors(&d.base, err, surveyFormField)
		if !ok {
			return err
		}
		if d.S, err = p.Surveys.Get(c.Request().Context(), user(c).Subject, id); err != nil {
			return err
		}
		if err := p.withPeople(c, &d.names); err != nil {
			return err
		}
		d.Error = errs["form"]
		return p.render(c, http.StatusConflict, "survey.html", d)
	}
	return c.Redirect(http.StatusSeeOther, surveyPath(id, "?done="+done))
}
