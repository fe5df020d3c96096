package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/review"
)

// guidancePublished is the administrative guidance the secretariat has
// published, for everyone (no sign-in): the record without its follow-up,
// the case named only when the case itself is public.
func (p *pages) guidancePublished(c echo.Context) error {
	d := &guidancePage{rvBase: p.newRvBase(c, "gd.pub.title", "guidance")}
	items, err := p.Review.GuidanceList(c.Request().Context(), access.Anonymous, review.GuidanceQuery{PublishedOnly: true, Limit: 200})
	if err != nil {
		return err
	}
	d.Items = items
	if len(items) > 0 {
		d.Marking = access.Public.TLP()
	}
	return p.render(c, http.StatusOK, "guidance-published.html", d)
}
