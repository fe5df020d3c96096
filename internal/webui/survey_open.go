package webui

import (
	"github.com/labstack/echo/v4"

	"kensho/internal/survey"
)

// surveyOpen opens a draft survey for answers (the secretariat).
func (p *pages) surveyOpen(c echo.Context) error {
	return p.surveyStep(c, func(p *pages, c echo.Context, id int64, version int) (*survey.Survey, error) {
		return p.Surveys.Open(c.Request().Context(), user(c).Subject, id, version)
	}, "survey-opened")
}
