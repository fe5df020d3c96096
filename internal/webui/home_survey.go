package webui

import (
	"github.com/labstack/echo/v4"
)

// surveyHome is the follow-up survey's line on the home page: the
// secretariat's link to its surveys, a reporter's count of open surveys
// addressed to its organisation and not answered yet.
type surveyHome struct {
	SurveyDesk bool
	// SurveysOpen counts the open surveys addressed to a reporter, and
	// SurveysToAnswer those its organisation has not answered yet.
	SurveysOpen, SurveysToAnswer int
}

// homeSurveys fills the survey's line for those who have a use for it.
func (p *pages) homeSurveys(c echo.Context, d *homePage) error {
	sub := user(c).Subject
	switch {
	case p.Surveys == nil:
	case p.Surveys.MayManage(sub):
		d.SurveyDesk = true
	case p.Surveys.MayAnswer(sub):
		items, err := p.Surveys.List(c.Request().Context(), sub)
		if err != nil {
			return err
		}
		d.SurveyDesk, d.SurveysOpen = true, len(items)
		for _, it := range items {
			if it.Answered != nil && *it.Answered == 0 {
				d.SurveysToAnswer++
			}
		}
	}
	return nil
}
