package webui

import (
	"github.com/labstack/echo/v4"
)

// casePublish makes a serious accident's overview public.
func (p *pages) casePublish(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	if _, err := p.Cases.Publish(c.Request().Context(), user(c).Subject, id); err != nil {
		return err
	}
	return backToCase(c, id, "published", "overview")
}
