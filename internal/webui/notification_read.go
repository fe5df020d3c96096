package webui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/deadline"
)

// notificationRead marks one of the caller's notifications read and goes
// back to the list. Another organisation's is the same 404 as a missing one.
func (p *pages) notificationRead(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return deadline.ErrNotFound
	}
	if _, err := p.Deadlines.MarkRead(c.Request().Context(), user(c).Subject, id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/notifications?done=read")
}
