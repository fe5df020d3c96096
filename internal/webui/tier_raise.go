package webui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
)

// tierRaise raises one part of the case above its default tier, for this
// case only, with the reason the secretariat gives.
func (p *pages) tierRaise(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	req := casefile.RaiseRequest{Section: c.FormValue("section"), Tier: access.Tier(c.FormValue("tier")), Reason: c.FormValue("reason")}
	_, err = p.Cases.RaiseTier(c.Request().Context(), user(c).Subject, id, req)
	var input *casefile.InputError
	if errors.As(err, &input) {
		d, lerr := p.loadCase(c, id)
		if lerr != nil {
			return lerr
		}
		d.RaiseForm, d.RaiseError = req, d.T(messageOf(inputMessages, input.Code))
		return p.render(c, http.StatusUnprocessableEntity, "case.html", d)
	}
	if err != nil {
		return err
	}
	return backToCase(c, id, "raised", "tiers")
}
