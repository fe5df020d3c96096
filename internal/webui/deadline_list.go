package webui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/deadline"
)

// deadlinesPage is the data of deadlines.html.
type deadlinesPage struct {
	base
	Within  int
	Overdue []deadline.Item
	Due     []deadline.Item
	// All: the caller sees every organisation's (secretariat, committee).
	All   bool
	Error string
	rules *deadline.Rules
}

// deadlineRows are some rows of the queue with the page, for the
// "deadlinetable" template.
type deadlineRows struct {
	P     *deadlinesPage
	Items []deadline.Item
}

// Table hands items to the "deadlinetable" template.
func (d *deadlinesPage) Table(items []deadline.Item) deadlineRows {
	return deadlineRows{P: d, Items: items}
}

// KindName names the report owed in the reader's language.
func (d *deadlinesPage) KindName(kind string) string {
	if k := d.rules.Kind(kind); k != nil {
		return k.Name(d.Lang)
	}
	return kind
}

// Elapsed is a number of minutes as hours and minutes ("—" if unknown).
func (d *deadlinesPage) Elapsed(m *int64) string {
	if m == nil {
		return "—"
	}
	return d.Tf("f.minutes", *m/60, *m%60)
}

// DaysText says how many days are left, or how many overdue.
func (d *deadlinesPage) DaysText(it deadline.Item) string {
	switch {
	case it.DaysLeft < 0:
		return d.Tf("dl.days.overdue", -it.DaysLeft)
	case it.DaysLeft == 0:
		return d.T("dl.days.today")
	default:
		return d.Tf("dl.days.left", it.DaysLeft)
	}
}

// deadlineList is the secretariat's queue: every overdue report, then
// those due within ?within= days, most urgent first. A reporter sees its
// own organisation's; others are refused.
func (p *pages) deadlineList(c echo.Context) error {
	d := &deadlinesPage{base: p.newBase(c, "dl.title", "deadlines"), rules: p.Deadlines.Rules}
	d.Within = p.Deadlines.Rules.Queue.WithinDays
	status := http.StatusOK
	if v := c.QueryParam("within"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 366 {
			d.Error, status = d.T("dl.within.bad"), http.StatusBadRequest
		} else {
			d.Within = n
		}
	}
	sub := user(c).Subject
	items, err := p.Deadlines.Visible(c.Request().Context(), sub, deadline.Filter{WithinDays: d.Within})
	if err != nil {
		return err
	}
	d.All = p.Access.CanSystem(sub, access.Deadlines, access.Read)
	for _, it := range items {
		if it.Overdue {
			d.Overdue = append(d.Overdue, it)
		} else {
			d.Due = append(d.Due, it)
		}
	}
	return p.render(c, status, "deadlines.html", d)
}

// homeDeadlines puts the overdue count and the unread reminders on the
// home page of those who have them.
func (p *pages) homeDeadlines(c echo.Context, d *homePage) error {
	if p.Deadlines == nil {
		return nil
	}
	ctx, sub := c.Request().Context(), user(c).Subject
	if p.Deadlines.MayRead(sub) {
		items, err := p.Deadlines.Visible(ctx, sub, deadline.Filter{OverdueOnly: true})
		if err != nil {
			return err
		}
		d.Deadlines, d.Overdue = true, int64(len(items))
	}
	if p.Deadlines.MayReadNotifications(sub) {
		n, err := p.Deadlines.Unread(ctx, sub)
		if err != nil {
			return err
		}
		d.Notifications, d.Unread = true, n
	}
	return nil
}
