package httpapi

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/caseformat"
)

// classify judges one v1 case: under the rule set in force on its
// occurrence date, or under ?rules=ID.
func (h *handlers) classify(c echo.Context) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	cs, err := caseformat.DecodeCase(body)
	if err != nil {
		return err
	}
	res, err := h.Catalog.Classify(cs, c.QueryParam("rules"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// listRules lists every rule set with its categories and thresholds.
func (h *handlers) listRules(c echo.Context) error {
	return c.JSON(http.StatusOK, h.Catalog.RuleSets())
}
