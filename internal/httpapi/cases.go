package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

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

func (h *handlers) getCase(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	v, err := h.Cases.Get(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
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
	id, err := caseID(c)
	if err != nil {
		return err
	}
	var req casefile.ShareRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	s, err := h.Cases.Share(c.Request().Context(), subject(c), id, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s)
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

func (h *handlers) publish(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	v, err := h.Cases.Publish(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (h *handlers) proposeSummary(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	d, err := h.Cases.Propose(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

type summaryEdit struct {
	Text    string `json:"text"`
	Version int    `json:"version"`
}

func (h *handlers) editSummary(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	var req summaryEdit
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d, err := h.Cases.EditSummary(c.Request().Context(), subject(c), id, req.Text, req.Version)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (h *handlers) approveSummary(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	var req summaryEdit
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d, err := h.Cases.Approve(c.Request().Context(), subject(c), id, req.Version)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
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
