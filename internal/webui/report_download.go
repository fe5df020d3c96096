package webui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
)

// reportDownload sends an operator's original submission, byte for byte
// (own-tier material; the service audits the read).
func (p *pages) reportDownload(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return casefile.ErrNotFound
	}
	rid, err := strconv.ParseInt(c.Param("report"), 10, 64)
	if err != nil {
		return casefile.ErrNotFound
	}
	meta, body, err := p.Cases.Original(c.Request().Context(), user(c).Subject, id, rid)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Content-SHA256", meta.SHA256)
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="case-%d-report-%d.json"`, id, rid))
	return c.Blob(http.StatusOK, "application/json", body)
}
