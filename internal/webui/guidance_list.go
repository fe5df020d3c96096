package webui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/review"
)

// guidancePage is the data of guidance-list.html and guidance-published.html.
type guidancePage struct {
	rvBase
	Items []*review.Guidance
	// CaseID keeps one case's guidance (0: all).
	CaseID int64
	// CanGuide: the caller records and edits guidance (the secretariat).
	CanGuide bool
	Error    string
}

// guidanceList is the committee's administrative guidance records (行政指導),
// the latest issued first, with their follow-up; ?case= keeps one case's.
// Those outside the committee are sent to the published guidance.
func (p *pages) guidanceList(c echo.Context) error {
	if !isCommitteeReader(c) {
		return c.Redirect(http.StatusSeeOther, "/guidance/published")
	}
	d := &guidancePage{rvBase: p.newRvBase(c, "gd.title", "guidance")}
	sub := user(c).Subject
	d.CanGuide = p.Access.Can(sub, access.System, access.Committee, access.Guide)
	status := http.StatusOK
	q := review.GuidanceQuery{Limit: 200}
	if v := c.QueryParam("case"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			d.Error, status = d.T("gd.err.case"), http.StatusBadRequest
		} else {
			q.CaseID, d.CaseID = n, n
		}
	}
	items, err := p.Review.GuidanceList(c.Request().Context(), sub, q)
	if err != nil {
		return err
	}
	d.Items = items
	for _, g := range items {
		if g.FollowUp != nil {
			d.Marking = access.Committee.TLP()
		}
	}
	return p.render(c, status, "guidance-list.html", d)
}
