package webui

import "github.com/labstack/echo/v4"

// reportConfirm is the form's 「提出」 button: it saves the draft, then
// shows the confirmation step (a GET, so that reloading it resubmits
// nothing). Nothing is filed until the reporter confirms there.
func (p *pages) reportConfirm(c echo.Context) error {
	return p.saveThen(c, "/confirm")
}
