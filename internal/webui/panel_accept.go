package webui

import (
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/review"
)

// panelAccept puts the proposed panel in place (「この構成で決定」): the
// service's proposal as it stands, with the due date given (or the
// default of configs/expertise.yaml). Accepting twice is one.
func (p *pages) panelAccept(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	in := review.AcceptInput{DueOn: strings.TrimSpace(c.FormValue("due_on")), Reason: formText(c, "reason")}
	_, err = p.Review.Accept(c.Request().Context(), user(c).Subject, id, in)
	return p.panelResponse(c, id, err, "panelaccepted", "accept", 0, func(d *panelPage) { d.AcceptDue = in.DueOn })
}
