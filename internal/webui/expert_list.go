package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/review"
)

// expertsPage is the data of experts.html: the committee's members with
// their fields, declared conflicts and open work.
type expertsPage struct {
	triageKit
	Experts []review.ExpertLoad
	queues  map[int64]*review.Queue
}

// Queue is an expert's open assignments.
func (d *expertsPage) Queue(userID int64) *review.Queue { return d.queues[userID] }

// Annotation names the state of an annotation.
func (d *expertsPage) Annotation(s string) string { return codeLabel(d.Lang, "panel.ann.", s) }

// expertList is the committee's load, for those who assign (the
// secretariat; the service refuses the others): each expert's fields,
// conflicts, open and overdue assignments, and the cases in their queue.
func (p *pages) expertList(c echo.Context) error {
	ctx, sub := c.Request().Context(), user(c).Subject
	list, err := p.Review.Experts(ctx, sub)
	if err != nil {
		return err
	}
	d := &expertsPage{triageKit: p.newKit(p.newBase(c, "experts.title", "triage")), Experts: list, queues: map[int64]*review.Queue{}}
	d.Marking = access.Committee.TLP()
	for _, e := range list {
		q, err := p.Review.Queue(ctx, sub, e.UserID, false)
		if err != nil {
			return err
		}
		d.queues[e.UserID] = q
	}
	return p.render(c, http.StatusOK, "experts.html", d)
}
