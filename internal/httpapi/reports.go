package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/report"
)

// The annual report (package report): published editions for everyone,
// the editions in the making for the editors and the secretariat. Thin
// handlers over report.Editions, which decides who may do what.

// editionID reads {id}; a malformed one is not there.
func editionID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, report.ErrNotFound
	}
	return id, nil
}

// fiscalYearParam reads {fy} and ?edition=; malformed is not there.
func fiscalYearParam(c echo.Context) (fy, edition int, err error) {
	fy, err = strconv.Atoi(c.Param("fy"))
	if err != nil || fy < 2000 || fy > 2200 {
		return 0, 0, report.ErrNotFound
	}
	if v := c.QueryParam("edition"); v != "" {
		if edition, err = strconv.Atoi(v); err != nil || edition < 1 {
			return 0, 0, report.ErrNotFound
		}
	}
	return fy, edition, nil
}

func (h *handlers) publicReports(c echo.Context) error {
	list, err := h.Reports.List(c.Request().Context(), access.Anonymous)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}

// publicReport is the newest published edition of a year (or ?edition=N)
// as its JSON output, byte for byte.
func (h *handlers) publicReport(c echo.Context) error {
	return h.publicOutput(c, report.OutputJSON)
}

func (h *handlers) publicReportXLSX(c echo.Context) error {
	return h.publicOutput(c, report.OutputXLSX)
}
func (h *handlers) publicReportPDF(c echo.Context) error { return h.publicOutput(c, report.OutputPDF) }

func (h *handlers) publicOutput(c echo.Context, kind string) error {
	fy, n, err := fiscalYearParam(c)
	if err != nil {
		return err
	}
	ed, err := h.Reports.Published(c.Request().Context(), fy, n)
	if err != nil {
		return err
	}
	return h.sendOutput(c, access.Anonymous, ed.ID, kind)
}

func (h *handlers) sendOutput(c echo.Context, sub access.Subject, id int64, kind string) error {
	out, err := h.Reports.Output(c.Request().Context(), sub, id, kind)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Content-SHA256", out.SHA256)
	disposition := "attachment"
	if kind == report.OutputJSON || kind == report.OutputPDF {
		disposition = "inline"
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`%s; filename="%s"`, disposition, out.Name))
	return c.Blob(http.StatusOK, out.Type, out.Body)
}

func (h *handlers) listEditions(c echo.Context) error {
	list, err := h.Reports.List(c.Request().Context(), subject(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}

func (h *handlers) createEdition(c echo.Context) error {
	var in report.CreateInput
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	ed, err := h.Reports.Create(c.Request().Context(), subject(c), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/reports/editions/%d", ed.ID))
	return c.JSON(http.StatusAccepted, ed)
}

func (h *handlers) getEdition(c echo.Context) error {
	id, err := editionID(c)
	if err != nil {
		return err
	}
	ed, err := h.Reports.Get(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ed)
}

func (h *handlers) updateEdition(c echo.Context) error {
	id, err := editionID(c)
	if err != nil {
		return err
	}
	var in report.UpdateInput
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	ed, err := h.Reports.Update(c.Request().Context(), subject(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, ed)
}

// editionStep is one workflow step that takes the version loaded.
func (h *handlers) editionStep(status int, step func(*handlers, echo.Context, int64, versionReason) (*report.Edition, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := editionID(c)
		if err != nil {
			return err
		}
		var in versionReason
		if err := decodeReview(c, &in); err != nil {
			return err
		}
		ed, err := step(h, c, id, in)
		if err != nil {
			return err
		}
		return c.JSON(status, ed)
	}
}

type versionReason struct {
	Version int    `json:"version"`
	Reason  string `json:"reason,omitempty"`
}

func rebuildEdition(h *handlers, c echo.Context, id int64, in versionReason) (*report.Edition, error) {
	return h.Reports.Rebuild(c.Request().Context(), subject(c), id, in.Version)
}

func submitEdition(h *handlers, c echo.Context, id int64, in versionReason) (*report.Edition, error) {
	return h.Reports.Submit(c.Request().Context(), subject(c), id, in.Version)
}

func returnEdition(h *handlers, c echo.Context, id int64, in versionReason) (*report.Edition, error) {
	return h.Reports.Return(c.Request().Context(), subject(c), id, in.Version, in.Reason)
}

func approveEdition(h *handlers, c echo.Context, id int64, in versionReason) (*report.Edition, error) {
	return h.Reports.Approve(c.Request().Context(), subject(c), id, in.Version)
}

func publishEdition(h *handlers, c echo.Context, id int64, in versionReason) (*report.Edition, error) {
	return h.Reports.Publish(c.Request().Context(), subject(c), id, in.Version)
}

func (h *handlers) editionComments(c echo.Context) error {
	id, err := editionID(c)
	if err != nil {
		return err
	}
	ed, err := h.Reports.Get(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	if ed.Comments == nil {
		return report.ErrNotFound // the public sees no comments
	}
	return c.JSON(http.StatusOK, map[string]any{"items": ed.Comments})
}

func (h *handlers) addEditionComment(c echo.Context) error {
	id, err := editionID(c)
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	r, err := h.Reports.AddComment(c.Request().Context(), subject(c), id, in.Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// editionOutput is an edition's stored output (json, xlsx, pdf): a draft's
// for the editors, a published one's for anyone.
func (h *handlers) editionOutput(c echo.Context) error {
	id, err := editionID(c)
	if err != nil {
		return err
	}
	return h.sendOutput(c, subject(c), id, c.Param("kind"))
}
