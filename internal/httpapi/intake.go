package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casestore"
	"kensho/internal/intake"
)

// submitBody is a report as operators' systems send it: the kind, the case
// it continues (optional) and the kensho-case/v1 case, kept byte for byte.
type submitBody struct {
	Kind   intake.ReportKind `json:"kind"`
	CaseID int64             `json:"case_id,omitempty"`
	Case   json.RawMessage   `json:"case"`
}

// idempotent runs fn once per Idempotency-Key header of the caller: a
// retried request gets the first answer (with Idempotent-Replayed: true).
// Without the header fn runs every time, and the intake still files the
// same report only once.
func (h *handlers) idempotent(c echo.Context, raw []byte, fn func() (int, any, error)) error {
	key := c.Request().Header.Get("Idempotency-Key")
	run := func() (intake.Answer, error) {
		status, v, err := fn()
		if err != nil {
			return intake.Answer{}, err
		}
		body, err := json.Marshal(v)
		return intake.Answer{Status: status, Body: body}, err
	}
	if key == "" {
		a, err := run()
		if err != nil {
			return err
		}
		return c.JSONBlob(a.Status, a.Body)
	}
	if len(key) > 200 {
		return &intake.InputError{Field: "Idempotency-Key", Message: "at most 200 characters"}
	}
	sum := sha256.Sum256(append([]byte(c.Request().Method+" "+c.Path()+" "+c.Param("id")+"\n"), raw...))
	a, replayed, err := h.Portal.Once(c.Request().Context(), subject(c).Key, key, hex.EncodeToString(sum[:]), run)
	if err != nil {
		return err
	}
	if replayed {
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	return c.JSONBlob(a.Status, a.Body)
}

func readBody(c echo.Context) ([]byte, error) {
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return nil, &intake.InputError{Field: "body", Message: "could not read the request body"}
	}
	return raw, nil
}

func strictJSON(raw []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return &intake.InputError{Field: "body", Message: "not the expected JSON object: " + err.Error()}
	}
	return nil
}

func (h *handlers) submitReport(c echo.Context) error {
	raw, err := readBody(c)
	if err != nil {
		return err
	}
	var b submitBody
	if err := strictJSON(raw, &b); err != nil {
		return err
	}
	if len(b.Case) == 0 {
		return &intake.InputError{Field: "case", Message: "required: the kensho-case/v1 case"}
	}
	return h.idempotent(c, raw, func() (int, any, error) {
		s, err := h.Portal.Submit(c.Request().Context(), subject(c), intake.SubmitRequest{Kind: b.Kind, CaseID: b.CaseID, Body: b.Case, Source: "api"})
		return submitted(s), s, err
	})
}

// submitted is 201 for a new report, 200 for one already filed.
func submitted(s *intake.Submission) int {
	if s != nil && s.Duplicate {
		return http.StatusOK
	}
	return http.StatusCreated
}

func (h *handlers) catalogue(c echo.Context) error {
	return c.JSON(http.StatusOK, h.Portal.Catalogue)
}

func draftID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, intake.ErrNotFound
	}
	return id, nil
}

func (h *handlers) listDrafts(c echo.Context) error {
	ds, err := h.Portal.Drafts(c.Request().Context(), subject(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"drafts": ds})
}

func (h *handlers) createDraft(c echo.Context) error {
	var in intake.DraftInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	in.ID, in.Version = 0, 0
	d, err := h.Portal.SaveDraft(c.Request().Context(), subject(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

func (h *handlers) getDraft(c echo.Context) error {
	id, err := draftID(c)
	if err != nil {
		return err
	}
	d, err := h.Portal.Draft(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (h *handlers) saveDraft(c echo.Context) error {
	id, err := draftID(c)
	if err != nil {
		return err
	}
	var in intake.DraftInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Version <= 0 {
		return &intake.InputError{Field: "version", Message: "required: the version you loaded"}
	}
	in.ID = id
	d, err := h.Portal.SaveDraft(c.Request().Context(), subject(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (h *handlers) submitDraft(c echo.Context) error {
	id, err := draftID(c)
	if err != nil {
		return err
	}
	return h.idempotent(c, nil, func() (int, any, error) {
		s, err := h.Portal.Submit(c.Request().Context(), subject(c), intake.SubmitRequest{DraftID: id, Source: "api"})
		return submitted(s), s, err
	})
}

func (h *handlers) attach(c echo.Context) error {
	id, err := draftID(c)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return &intake.InputError{Field: "file", Message: "required: a multipart/form-data part named file"}
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	limit := h.Portal.MaxAttachment
	if limit <= 0 {
		limit = intake.DefaultMaxAttachment
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return err
	}
	a, err := h.Portal.Attach(c.Request().Context(), subject(c), id, fh.Filename, data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

func (h *handlers) attachment(c echo.Context) error {
	id, err := draftID(c)
	if err != nil {
		return err
	}
	meta, body, err := h.Portal.Attachment(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Content-SHA256", meta.SHA256)
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename*=UTF-8''%s`, url.PathEscape(meta.Filename)))
	return c.Blob(http.StatusOK, meta.ContentType, body)
}

// workingCopy is the case as the secretariat validated it.
type workingCopy struct {
	ID          int64           `json:"id"`
	Version     int             `json:"version"`
	ValidatedBy string          `json:"validated_by,omitempty"`
	ValidatedAt any             `json:"validated_at"`
	Case        json.RawMessage `json:"case"`
}

func copyOf(rec *casestore.Record) (workingCopy, error) {
	body, err := json.Marshal(rec.Case)
	w := workingCopy{ID: rec.ID, Version: rec.Version, ValidatedBy: rec.ValidatedBy, Case: body}
	if rec.ValidatedAt != nil {
		w.ValidatedAt = rec.ValidatedAt
	}
	return w, err
}

func (h *handlers) getWorkingCopy(c echo.Context) error {
	return onCase(c, http.StatusOK, func(ctx context.Context, sub access.Subject, id int64) (workingCopy, error) {
		rec, err := h.Portal.WorkingCopy(ctx, sub, id)
		if err != nil {
			return workingCopy{}, err
		}
		return copyOf(rec)
	})
}

func (h *handlers) editCase(c echo.Context) error {
	return onCase(c, http.StatusOK, withBody(c, func(ctx context.Context, sub access.Subject, id int64, b intake.EditRequest) (workingCopy, error) {
		if b.Version <= 0 {
			return workingCopy{}, &intake.InputError{Field: "version", Message: "required: the version you loaded"}
		}
		rec, err := h.Portal.Edit(ctx, sub, id, b)
		if err != nil {
			return workingCopy{}, err
		}
		return copyOf(rec)
	}))
}

func (h *handlers) listFlags(c echo.Context) error {
	return onCase(c, http.StatusOK, func(ctx context.Context, sub access.Subject, id int64) (map[string]any, error) {
		fs, err := h.Portal.Flags(ctx, sub, id)
		return map[string]any{"flags": fs}, err
	})
}

type resolveBody struct {
	ReportID int64  `json:"report_id"`
	Path     string `json:"path"`
	Accept   bool   `json:"accept"`
	Version  int    `json:"version"`
}

func (h *handlers) resolveFlag(c echo.Context) error {
	return onCase(c, http.StatusOK, withBody(c, func(ctx context.Context, sub access.Subject, id int64, b resolveBody) (map[string]any, error) {
		if err := h.Portal.Resolve(ctx, sub, id, b.ReportID, b.Path, b.Accept, b.Version); err != nil {
			return nil, err
		}
		fs, err := h.Portal.Flags(ctx, sub, id)
		return map[string]any{"flags": fs}, err
	}))
}

func (h *handlers) linkCase(c echo.Context) error {
	return onCase(c, http.StatusOK, withBody(c, func(ctx context.Context, sub access.Subject, id int64, b intake.LinkRequest) (workingCopy, error) {
		rec, err := h.Portal.Link(ctx, sub, id, b)
		if err != nil {
			return workingCopy{}, err
		}
		return copyOf(rec)
	}))
}

func (h *handlers) splitCase(c echo.Context) error {
	return onCase(c, http.StatusOK, withBody(c, func(ctx context.Context, sub access.Subject, id int64, b intake.SplitRequest) (workingCopy, error) {
		rec, err := h.Portal.Split(ctx, sub, id, b)
		if err != nil {
			return workingCopy{}, err
		}
		return copyOf(rec)
	}))
}
