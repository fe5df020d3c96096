package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/audit"
	"kensho/internal/casefile"
)

// auditExport writes the filtered trail as CSV, newest first, all of it.
// It starts with a UTF-8 byte-order mark: auditors open it in Excel,
// which otherwise reads Japanese as Shift_JIS.
func (p *pages) auditExport(c echo.Context) error {
	if err := p.mayAudit(c); err != nil {
		return err
	}
	q, ok := auditFilter(c)
	if !ok {
		return &casefile.InputError{Field: "case", Message: "must be a case id"}
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="kensho-audit.csv"`)
	w.WriteHeader(http.StatusOK)
	return audit.WriteCSV(c.Request().Context(), p.DB, q, w, true)
}
