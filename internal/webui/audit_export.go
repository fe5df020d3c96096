package webui

import (
	"encoding/csv"
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
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(audit.CSVHeader); err != nil {
		return err
	}
	q.Limit = 1000
	for {
		entries, err := audit.List(c.Request().Context(), p.DB, q)
		if err != nil {
			return err
		}
		for i := range entries {
			if err := cw.Write(entries[i].CSVRow()); err != nil {
				return err
			}
		}
		if len(entries) < q.Limit {
			break
		}
		q.Before = entries[len(entries)-1].ID
	}
	cw.Flush()
	return cw.Error()
}
