package webui

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/rules"
)

var statusNames = map[rules.Status]string{
	rules.StatusInForce:    "施行中",
	rules.StatusSuperseded: "旧基準",
	rules.StatusProposal:   "案",
	rules.StatusForeign:    "海外",
}

// index is the public landing page: the rule sets, which are law. It shows
// nothing of the case base, not even its size: counts are for those who may
// see what they count.
func (p *pages) index(c echo.Context) error {
	var buf bytes.Buffer
	err := p.tmpl.ExecuteTemplate(&buf, "index.html", map[string]any{
		"RuleSets": p.Catalog.RuleSets(), "StatusNames": statusNames,
	})
	if err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}
