package webui

import (
	"github.com/labstack/echo/v4"

	"kensho/internal/survey"
)

// surveyClose closes an open survey (the secretariat): no more answers;
// the results go into the annual report of its fiscal year.
func (p *pages) surveyClose(c echo.Context) error {
	return p.surveyStep(c, func(p *pages, c echo.Context, id int64, version int) (*survey.Survey, error) {
		return p.Surveys.Close(c.Request().Context(), user(c).Subject, id, version)
	}, "survey-closed")
}
