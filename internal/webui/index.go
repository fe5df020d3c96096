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

// index is the landing page: the rule sets and the size of the case base.
func (p *pages) index(c echo.Context) error {
	_, _, n, err := p.Store.Span(c.Request().Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = p.tmpl.ExecuteTemplate(&buf, "index.html", map[string]any{
		"RuleSets": p.Catalog.RuleSets(), "StatusNames": statusNames, "Cases": n,
	})
	if err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}
