package webui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
)

// caseShare shares the case's restricted part with a designated
// institution. With htmx it answers with the shares block only; without,
// it redirects back to the case page (or shows the form's errors).
func (p *pages) caseShare(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	req := casefile.ShareRequest{Organisation: c.FormValue("organisation"), Reason: c.FormValue("reason")}
	_, err = p.Cases.Share(c.Request().Context(), user(c).Subject, id, req)
	var input *casefile.InputError
	if errors.As(err, &input) {
		d, lerr := p.loadCase(c, id)
		if lerr != nil {
			return lerr
		}
		d.ShareOrg, d.ShareReason = req.Organisation, req.Reason
		d.ShareErrors = map[string]string{input.Field: d.T(messageOf(inputMessages, input.Code))}
		return p.sharesResponse(c, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return backToCase(c, id, "shared", "shares")
	}
	d, err := p.loadCase(c, id)
	if err != nil {
		return err
	}
	d.ShareFlash = d.T("flash.shared")
	return p.sharesResponse(c, http.StatusOK, d)
}

// sharesResponse is the shares block for htmx, the whole page otherwise.
func (p *pages) sharesResponse(c echo.Context, status int, d *casePage) error {
	if isHTMX(c) {
		return p.renderFragment(c, status, "case.html", "shares", d)
	}
	return p.render(c, status, "case.html", d)
}
