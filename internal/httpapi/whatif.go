package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// The what-if study (package report): the same table as JSON and as XLSX.
// Who may run it, the query's problems and which changed cases the caller
// sees are the service's decisions.

func (h *handlers) whatIf(c echo.Context) error {
	t, err := h.WhatIf.Run(c.Request().Context(), subject(c), c.QueryParam, "json")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (h *handlers) whatIfXLSX(c echo.Context) error {
	t, err := h.WhatIf.Run(c.Request().Context(), subject(c), c.QueryParam, "xlsx")
	if err != nil {
		return err
	}
	data, err := t.XLSX()
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+t.FileName()+`.xlsx"`)
	return c.Blob(http.StatusOK, XLSXType, data)
}
