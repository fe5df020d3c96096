package webui

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/intake"
)

// reportAttachment downloads a file attached to one of the organisation's
// drafts or reports, as stored. Others get the 404 of a file that does
// not exist.
func (p *pages) reportAttachment(c echo.Context) error {
	if err := mayReport(c); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return intake.ErrNotFound
	}
	meta, body, err := p.Portal.Attachment(c.Request().Context(), user(c).Subject, id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": meta.Filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, meta.ContentType, body)
}
