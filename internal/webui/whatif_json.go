package webui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/report"
)

// whatIfJSON downloads the page's study as JSON (the API's answer, through
// the session). A query with problems shows the page with them.
func (p *pages) whatIfJSON(c echo.Context) error {
	t, err := p.WhatIf.Run(c.Request().Context(), user(c).Subject, c.QueryParam, "json")
	var input report.InputErrors
	if errors.As(err, &input) {
		return p.whatIfPage(c, err)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+t.FileName()+`.json"`)
	return c.JSON(http.StatusOK, t)
}
