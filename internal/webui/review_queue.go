package webui

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/review"
)

// queuePage is the data of review-queue.html: an expert's assigned cases
// by due date; for the secretariat every expert's, with the committee's
// load and a filter by expert.
type queuePage struct {
	rvBase
	// Secretariat: the page shows every expert's queue (or one, Expert).
	Secretariat bool
	Experts     []review.ExpertLoad
	Expert      int64
	// All adds the assignments no longer open (submitted, closed).
	All     bool
	Items   []queueRow
	Open    int
	Overdue int
	Error   string
}

// queueRow is one assignment with its expert.
type queueRow struct {
	review.QueueItem
	Expert review.ExpertRef
}

// Query is the page's filter as a query string (for the "all" switch).
func (d *queuePage) Query(all bool) string {
	q := "/review"
	sep := "?"
	if d.Expert != 0 {
		q += sep + "expert=" + strconv.FormatInt(d.Expert, 10)
		sep = "&"
	}
	if all {
		q += sep + "all=1"
	}
	return q
}

// reviewQueue is an expert's queue (「担当事案」): the cases assigned, the
// most urgent first, with their due dates, the annotation's status and
// the comments. The secretariat sees every expert's (?expert= keeps one);
// anyone else is refused.
func (p *pages) reviewQueue(c echo.Context) error {
	ctx, u := c.Request().Context(), user(c)
	d := &queuePage{rvBase: p.newRvBase(c, "rv.queue.title", "review"), All: c.QueryParam("all") == "1"}
	status := http.StatusOK
	d.Secretariat = p.Access.Can(u.Subject, access.System, access.Committee, access.Assign)
	var queues []*review.Queue
	if d.Secretariat {
		d.Title = d.T("rv.queue.title.all")
		var err error
		if d.Experts, err = p.Review.Experts(ctx, u.Subject); err != nil {
			return err
		}
		if v := c.QueryParam("expert"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || !slices.ContainsFunc(d.Experts, func(e review.ExpertLoad) bool { return e.UserID == n }) {
				d.Error, status = d.T("rv.queue.noexpert"), http.StatusBadRequest
			} else {
				d.Expert = n
			}
		}
		for _, e := range d.Experts {
			if d.Expert != 0 && e.UserID != d.Expert {
				continue
			}
			q, err := p.Review.Queue(ctx, u.Subject, e.UserID, d.All)
			if err != nil {
				return err
			}
			queues = append(queues, q)
		}
	} else {
		q, err := p.Review.Queue(ctx, u.Subject, u.UserID, d.All)
		if err != nil {
			return err
		}
		queues = append(queues, q)
	}
	for _, q := range queues {
		d.Open, d.Overdue = d.Open+q.Open, d.Overdue+q.Overdue
		for _, it := range q.Items {
			d.Items = append(d.Items, queueRow{QueueItem: it, Expert: q.Expert})
		}
	}
	// Open first, then by due date: the most urgent at the top.
	slices.SortStableFunc(d.Items, func(a, b queueRow) int {
		if a.Open != b.Open {
			if a.Open {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.DueOn, b.DueOn)
	})
	if len(d.Items) > 0 {
		d.Marking = access.Committee.TLP() // who verifies which case is the committee's
	}
	return p.render(c, status, "review-queue.html", d)
}
