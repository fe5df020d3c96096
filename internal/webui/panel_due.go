package webui

import (
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/review"
)

// panelDue moves the date a member's annotation is due.
func (p *pages) panelDue(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	uid, err := memberParam(c)
	if err != nil {
		return err
	}
	form := memberForm{DueOn: strings.TrimSpace(c.FormValue("due_on")), Reason: formText(c, "reason")}
	_, err = p.Review.SetDue(c.Request().Context(), user(c).Subject, id, uid, review.DueInput{DueOn: form.DueOn, Reason: form.Reason})
	return p.panelResponse(c, id, err, "paneldue", "due", uid, func(d *panelPage) { d.MemberForm = form })
}
