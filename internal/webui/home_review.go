package webui

import (
	"errors"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/review"
)

// homeQueue is the block of an expert's home page: the open assignments,
// the most urgent first.
type homeQueue struct {
	*rvBase
	Q     *review.Queue
	Items []review.QueueItem
	// More is how many open assignments the block leaves out.
	More int
}

// homeQueueSize is how many assignments the block shows.
const homeQueueSize = 5

// homeReview puts an expert's open assignments on the home page.
func (p *pages) homeReview(c echo.Context, d *homePage) error {
	u := user(c)
	if p.Review == nil || !u.Has(access.Expert) {
		return nil
	}
	q, err := p.Review.Queue(c.Request().Context(), u.Subject, u.UserID, false)
	if errors.Is(err, casefile.ErrForbidden) {
		return nil
	}
	if err != nil {
		return err
	}
	h := &homeQueue{rvBase: p.rvBaseOf(d.base), Q: q, Items: q.Items}
	if len(h.Items) > homeQueueSize {
		h.Items, h.More = h.Items[:homeQueueSize], len(q.Items)-homeQueueSize
	}
	d.Queue = h
	return nil
}
