package webui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
)

// tierLower returns a raised part to its default tier: an audited decision
// with its reason.
func (p *pages) tierLower(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	err = p.Cases.LowerTier(c.Request().Context(), user(c).Subject, id, c.Param("section"), c.FormValue("reason"))
	var input *casefile.InputError
	if errors.As(err, &input) {
		d, lerr := p.loadCase(c, id)
		if lerr != nil {
			return lerr
		}
		d.LowerSection, d.RaiseError = c.Param("section"), d.T(messageOf(inputMessages, input.Code))
		return p.render(c, http.StatusUnprocessableEntity, "case.html", d)
	}
	if err != nil {
		return err
	}
	return backToCase(c, id, "lowered", "tiers")
}
