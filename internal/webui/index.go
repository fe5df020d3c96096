package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/rules"
)

// indexPage is the data of index.html.
type indexPage struct {
	base
	RuleSets []*rules.RuleSet
}

// Status names a rule set's status.
func (p *indexPage) Status(s rules.Status) string { return codeLabel(p.Lang, "status.", string(s)) }

// index is the public landing page: the rule sets, which are law. It shows
// nothing of the case base, not even its size: counts are for those who may
// see what they count. A signed-in reader goes to the home page.
func (p *pages) index(c echo.Context) error {
	if user(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/home")
	}
	return p.render(c, http.StatusOK, "index.html", &indexPage{base: p.newBase(c, "index.title", "index"), RuleSets: p.Catalog.RuleSets()})
}
