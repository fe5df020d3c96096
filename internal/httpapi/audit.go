package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
)

// auditQuery reads the filters of the audit trail.
func auditQuery(c echo.Context) (audit.Query, error) {
	q := audit.Query{Actor: c.QueryParam("actor"), Action: c.QueryParam("action")}
	for name, dst := range map[string]*int64{"case": &q.CaseID, "before": &q.Before} {
		if v := c.QueryParam(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return q, &casefile.InputError{Field: name, Message: "must be a whole number"}
			}
			*dst = n
		}
	}
	for name, dst := range map[string]*time.Time{"from": &q.From, "to": &q.To} {
		if v := c.QueryParam(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return q, &casefile.InputError{Field: name, Message: "must be an RFC 3339 time, e.g. 2026-04-01T00:00:00+09:00"}
			}
			*dst = t
		}
	}
	q.Limit, _ = strconv.Atoi(c.QueryParam("limit"))
	return q, nil
}

func (h *handlers) mayAudit(c echo.Context) error {
	if !h.Access.CanSystem(subject(c), access.AuditTrail, access.Read) {
		return errForbidden
	}
	return nil
}

func (h *handlers) listAudit(c echo.Context) error {
	if err := h.mayAudit(c); err != nil {
		return err
	}
	q, err := auditQuery(c)
	if err != nil {
		return err
	}
	entries, err := audit.List(c.Request().Context(), h.DB, q)
	if err != nil {
		return err
	}
	out := map[string]any{"items": entries}
	if len(entries) == q.Limit || (q.Limit <= 0 && len(entries) == 100) {
		out["next_before"] = entries[len(entries)-1].ID
	}
	return c.JSON(http.StatusOK, out)
}

// exportAudit writes the selected entries as CSV, all of them, oldest last.
func (h *handlers) exportAudit(c echo.Context) error {
	if err := h.mayAudit(c); err != nil {
		return err
	}
	q, err := auditQuery(c)
	if err != nil {
		return err
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="kensho-audit.csv"`)
	w.WriteHeader(http.StatusOK)
	return audit.WriteCSV(c.Request().Context(), h.DB, q, w, false)
}

func (h *handlers) verifyAudit(c echo.Context) error {
	if err := h.mayAudit(c); err != nil {
		return err
	}
	res, err := audit.Verify(c.Request().Context(), h.DB)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
