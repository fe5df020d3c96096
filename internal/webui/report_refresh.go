package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// refreshParts are the parts of a report form the server renders again
// when a choice changes: the timeline editor (rows added or removed, a
// service's own fields), the near-miss facts of the situation chosen, and
// the aspects of the proportional archetype chosen.
var refreshParts = map[string]string{"impacts": "rf-impacts", "nearmiss": "rf-nearmiss", "proportional": "rf-proportional"}

// reportRefresh renders one part of the form again from the posted form,
// after the editor's edit (?part=impacts with op=add-period:0…). htmx swaps
// the part in and asks the judgement again; without htmx the whole form
// comes back. Nothing is saved.
func (p *pages) reportRefresh(c echo.Context) error {
	if err := mayFill(c); err != nil {
		return err
	}
	tmpl, ok := refreshParts[c.QueryParam("part")]
	if !ok {
		return echo.ErrNotFound
	}
	values, err := c.FormParams()
	if err != nil {
		return err
	}
	f := parseReportForm(values)
	f.apply(values.Get("op"))
	d := p.reportPage(c, f)
	if !isHTMX(c) {
		return p.renderForm(c, http.StatusOK, d)
	}
	f.ensureRows()
	c.Response().Header().Set("HX-Trigger", "rf-judge")
	return p.renderFragment(c, http.StatusOK, "report-form.html", tmpl, d)
}
