package webui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/review"
)

// guidancePublishConfirm shows what publishing a guidance record makes
// public — the record as everyone will read it, without its follow-up —
// and asks to confirm. Nothing is published until the button is pressed.
func (p *pages) guidancePublishConfirm(c echo.Context) error {
	id, err := guidanceID(c)
	if err != nil {
		return err
	}
	d, err := p.guidanceRecord(c, id)
	if err != nil {
		return err
	}
	if !d.CanEdit {
		return errForbidden
	}
	d.Title = d.T("gd.publish.title")
	return p.render(c, http.StatusOK, "guidance-publish.html", d)
}

// guidancePublish publishes a guidance record at the version confirmed.
func (p *pages) guidancePublish(c echo.Context) error {
	id, err := guidanceID(c)
	if err != nil {
		return err
	}
	version, verr := strconv.Atoi(c.FormValue("version"))
	if verr == nil {
		_, err = p.Review.PublishGuidance(c.Request().Context(), user(c).Subject, id, version)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/guidance/%d?done=guidance-published", id))
		}
	}
	var stale *review.ConflictError
	if verr == nil && !errors.As(err, &stale) {
		return err
	}
	// Changed since it was confirmed: confirm again what is published now.
	d, lerr := p.guidanceRecord(c, id)
	if lerr != nil {
		return lerr
	}
	d.Title = d.T("gd.publish.title")
	d.Conflict = stale
	d.TopError = d.T("gd.publish.stale")
	return p.render(c, http.StatusConflict, "guidance-publish.html", d)
}
