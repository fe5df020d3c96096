package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// quarterlyTemplate sends the XLSX template to fill in.
func (p *pages) quarterlyTemplate(c echo.Context) error {
	if !p.Quarterly.MayUpload(quarterlyCaller(c)) {
		return errForbidden
	}
	data, err := p.Quarterly.Catalog.Template()
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="kensho-quarterly-template.xlsx"`)
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
}
