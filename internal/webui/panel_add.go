package webui

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/review"
)

// panelAdd puts one more expert on the panel, with a reason (and a due
// date of its own, if given).
func (p *pages) panelAdd(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	form := memberForm{UserID: c.FormValue("user_id"), Reason: formText(c, "reason"), DueOn: strings.TrimSpace(c.FormValue("due_on"))}
	uid, _ := strconv.ParseInt(strings.TrimSpace(form.UserID), 10, 64) // not a number: no expert, said at user_id
	_, err = p.Review.AddMember(c.Request().Context(), user(c).Subject, id, review.MemberInput{UserID: uid, Reason: form.Reason, DueOn: form.DueOn})
	return p.panelResponse(c, id, err, "paneladded", "add", 0, func(d *panelPage) { d.Add = form })
}
