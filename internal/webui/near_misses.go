package webui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
)

// nearMissPageSize is the number of summaries on a page.
const nearMissPageSize = 20

// nearMissesPage is the data of near-misses.html.
type nearMissesPage struct {
	base
	Items    []casefile.PublicNearMiss
	OlderURL string
	First    bool
}

// nearMisses lists the approved anonymised near-miss summaries: public,
// no login. The service scans each text again on the way out.
func (p *pages) nearMisses(c echo.Context) error {
	var before int64
	if v := c.QueryParam("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return &casefile.InputError{Field: "before", Message: "must be a case id"}
		}
		before = n
	}
	items, err := p.Cases.PublicNearMisses(c.Request().Context(), before, nearMissPageSize)
	if err != nil {
		return err
	}
	d := &nearMissesPage{base: p.newBase(c, "nm.title", "nearmisses"), Items: items, First: before == 0}
	if len(items) == nearMissPageSize {
		d.OlderURL = "/near-misses?before=" + strconv.FormatInt(items[len(items)-1].ID, 10)
	}
	if len(items) > 0 {
		d.Marking = items[0].TLP
	}
	return p.render(c, http.StatusOK, "near-misses.html", d)
}
