package webui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/report"
)

// whatIfXLSX downloads the page's study as the workbook 比較表 (table and
// chart). A query with problems shows the page with them.
func (p *pages) whatIfXLSX(c echo.Context) error {
	t, err := p.WhatIf.Run(c.Request().Context(), user(c).Subject, c.QueryParam, "xlsx")
	var input report.InputErrors
	if errors.As(err, &input) {
		return p.whatIfPage(c, err)
	}
	if err != nil {
		return err
	}
	data, err := t.XLSX()
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+t.FileName()+`.xlsx"`)
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
}
