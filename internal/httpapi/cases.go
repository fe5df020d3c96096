package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
)

// caseID reads the {id} of the path; a malformed id is a case that does
// not exist.
func caseID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, casefile.ErrNotFound
	}
	return id, nil
}

func listQuery(c echo.Context) (casefile.Query, error) {
	q := casefile.Query{Q: c.QueryParam("q"), Kind: c.QueryParam("kind"), Cursor: c.QueryParam("cursor")}
	for name, dst := range map[string]*int{"limit": &q.Limit, "fiscal_year": &q.FiscalYear} {
		if v := c.QueryParam(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return q, &casefile.InputError{Field: name, Message: "must be a whole number"}
			}
			*dst = n
		}
	}
	return q, nil
}

func (h *handlers) listCases(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	page, err := h.Cases.List(c.Request().Context(), subject(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// onCase runs fn as the caller on the case of the path and writes its
// result with status: the shape of every case handler.
func onCase[T any](c echo.Context, status int, fn func(ctx context.Context, sub access.Subject, id int64) (T, error)) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	v, err := fn(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(status, v)
}

// withBody decodes the JSON body into a B before calling fn.
func withBody[B, T any](c echo.Context, fn func(ctx context.Context, sub access.Subject, id int64, body B) (T, error)) func(context.Context, access.Subject, int64) (T, error) {
	return func(ctx context.Context, sub access.Subject, id int64) (T, error) {
		var body B
		if err := decodeJSON(c, &body); err != nil {
			var zero T
			return zero, err
		}
		return fn(ctx, sub, id, body)
	}
}

func (h *handlers) getCase(c echo.Context) error {
	return onCase(c, http.StatusOK, h.Cases.Get)
}

// original sends a stored submission byte for byte, with its SHA-256 so
// that the reporter can check it is what they sent.
func (h *handlers) original(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	rid, err := strconv.ParseInt(c.Param("report"), 10, 64)
	if err != nil {
		return casefile.ErrNotFound
	}
	meta, body, err := h.Cases.Original(c.Request().Context(), subject(c), id, rid)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Content-SHA256", meta.SHA256)
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="case-%d-report-%d.json"`, id, rid))
	return c.Blob(http.StatusOK, "application/json", body)
}

// exportCases streams every visible case as one JSON document per line.
func (h *handlers) exportCases(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "application/x-ndjson; charset=utf-8")
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="kensho-cases.ndjson"`)
	enc := json.NewEncoder(w)
	_, err = h.Cases.Export(c.Request().Context(), subject(c), q, func(v *casefile.View) error {
		if !w.Committed {
			w.WriteHeader(http.StatusOK)
		}
		return enc.Encode(v)
	})
	if err != nil {
		return err
	}
	if !w.Committed {
		w.WriteHeader(http.StatusOK)
	}
	return nil
}

func (h *handlers) share(c echo.Context) error {
	return onCase(c, http.StatusCreated, withBody(c, h.Cases.Share))
}

func (h *handlers) unshare(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	if err := h.Cases.Unshare(c.Request().Context(), subject(c), id, c.Param("org")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) raiseTier(c echo.Context) error {
	return onCase(c, http.StatusOK, withBody(c, h.Cases.RaiseTier))
}

type lowerRequest struct {
	Reason string `json:"reason"`
}

func (h *handlers) lowerTier(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	var req lowerRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.Cases.LowerTier(c.Request().Context(), subject(c), id, c.Param("section"), req.Reason); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) publish(c echo.Context) error {
	return onCase(c, http.StatusOK, h.Cases.Publish)
}

func (h *handlers) proposeSummary(c echo.Context) error {
	return onCase(c, http.StatusCreated, h.Cases.Propose)
}

type summaryEdit struct {
	Text    string `json:"text"`
	Version int    `json:"version"`
}

func (h *handlers) editSummary(c echo.Context) error {
	return onCase(c, http.StatusOK, withBody(c, func(ctx context.Context, sub access.Subject, id int64, b summaryEdit) (*casefile.AnonymisingDraft, error) {
		return h.Cases.EditSummary(ctx, sub, id, b.Text, b.Version)
	}))
}

func (h *handlers) approveSummary(c echo.Context) error {
	return onCase(c, http.StatusOK, withBody(c, func(ctx context.Context, sub access.Subject, id int64, b summaryEdit) (*casefile.AnonymisingDraft, error) {
		return h.Cases.Approve(ctx, sub, id, b.Version)
	}))
}

func (h *handlers) publicNearMisses(c echo.Context) error {
	var before int64
	if v := c.QueryParam("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return &casefile.InputError{Field: "before", Message: "must be a case id"}
		}
		before = n
	}
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	items, err := h.Cases.PublicNearMisses(c.Request().Context(), before, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// decodeJSON reads a JSON body strictly: unknown fields are an error that
// names them.
func decodeJSON(c echo.Context, dst any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return &casefile.InputError{Field: "body", Message: "not the expected JSON object: " + err.Error()}
	}
	return nil
}
