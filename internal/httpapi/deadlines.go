package httpapi

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
	"kensho/internal/deadline"
)

// listDeadlines is the queue: every overdue report and those due within
// ?within= days, most urgent first, as the caller may see it.
func (h *handlers) listDeadlines(c echo.Context) error {
	f := deadline.Filter{OverdueOnly: c.QueryParam("overdue") == "true"}
	if v := c.QueryParam("within"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 366 {
			return &casefile.InputError{Field: "within", Message: "must be a number of days from 1 to 366"}
		}
		f.WithinDays = n
	}
	if v := c.QueryParam("overdue"); v != "" && v != "true" && v != "false" {
		return &casefile.InputError{Field: "overdue", Message: "must be true or false"}
	}
	items, err := h.Deadlines.Visible(c.Request().Context(), subject(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// listNotifications are the caller's organisation's reminders, newest
// first (?unread=true: only those not yet read).
func (h *handlers) listNotifications(c echo.Context) error {
	unread := c.QueryParam("unread") == "true"
	if v := c.QueryParam("unread"); v != "" && v != "true" && v != "false" {
		return &casefile.InputError{Field: "unread", Message: "must be true or false"}
	}
	items, err := h.Deadlines.Notifications(c.Request().Context(), subject(c), unread, 0)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// readNotification marks one of the caller's notifications read; another
// organisation's is 404, like one that does not exist.
func (h *handlers) readNotification(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return deadline.ErrNotFound
	}
	n, err := h.Deadlines.MarkRead(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}
