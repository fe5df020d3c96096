package webui

import (
	"github.com/labstack/echo/v4"
)

// panelRemove takes an expert off the panel, with a reason; the
// assignment and any annotation are kept, no longer counted.
func (p *pages) panelRemove(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	uid, err := memberParam(c)
	if err != nil {
		return err
	}
	form := memberForm{Reason: formText(c, "reason")}
	_, err = p.Review.RemoveMember(c.Request().Context(), user(c).Subject, id, uid, form.Reason)
	return p.panelResponse(c, id, err, "panelremoved", "remove", uid, func(d *panelPage) { d.MemberForm = form })
}
