package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/deadline"
)

// notificationsPage is the data of notifications.html.
type notificationsPage struct {
	base
	Items []deadline.Notification
}

// Text is a notification in the reader's language.
func (d *notificationsPage) Text(n deadline.Notification) string { return n.Text(d.Lang) }

// notificationList is a reporter's reminders, newest first, unread marked.
func (p *pages) notificationList(c echo.Context) error {
	d := &notificationsPage{base: p.newBase(c, "notif.title", "notifications")}
	items, err := p.Deadlines.Notifications(c.Request().Context(), user(c).Subject, false, 200)
	if err != nil {
		return err
	}
	d.Items = items
	return p.render(c, http.StatusOK, "notifications.html", d)
}
