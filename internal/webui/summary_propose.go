package webui

import (
	"github.com/labstack/echo/v4"
)

// summaryPropose drafts a near-miss's anonymised summary automatically
// (or drafts it again, replacing the text being edited).
func (p *pages) summaryPropose(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	if _, err := p.Cases.Propose(c.Request().Context(), user(c).Subject, id); err != nil {
		return err
	}
	return backToCase(c, id, "proposed", "anonymising")
}
