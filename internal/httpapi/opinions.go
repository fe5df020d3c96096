package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
	"kensho/internal/triage"
)

// opinionRequest is the optional body of POST …/opinions: the past cases
// (or quarterly rows) to compare with; without it, the similarity
// engine's best matches.
type opinionRequest struct {
	Candidates []struct {
		CaseID         int64 `json:"case_id"`
		QuarterlyRowID int64 `json:"quarterly_row_id"`
	} `json:"candidates"`
}

// requestOpinion records a pending opinion and enqueues its call: 202
// with the opinion to poll (Location), 201 when it was settled at once
// (withheld: nothing of the case may go to the provider), 409 when the
// LLM is off.
func (h *handlers) requestOpinion(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	ctx, sub := c.Request().Context(), subject(c)
	var op *triage.Opinion
	if len(bytes.TrimSpace(body)) == 0 {
		op, err = h.Opinions.Request(ctx, sub, id)
	} else {
		var req opinionRequest
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return &casefile.InputError{Field: "body", Message: "not the expected JSON object: " + err.Error()}
		}
		ms := make([]triage.Match, 0, len(req.Candidates))
		for _, x := range req.Candidates {
			ms = append(ms, triage.Match{CaseID: x.CaseID, QuarterlyRowID: x.QuarterlyRowID})
		}
		op, err = h.Opinions.Ask(ctx, sub, id, ms)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/cases/%d/opinions/%d", id, op.ID))
	if op.Status == triage.OpinionPending {
		return c.JSON(http.StatusAccepted, op)
	}
	return c.JSON(http.StatusCreated, op)
}

func (h *handlers) listOpinions(c echo.Context) error {
	return onCase(c, http.StatusOK, h.Opinions.List)
}

func (h *handlers) getOpinion(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	oid, err := strconv.ParseInt(c.Param("opinion"), 10, 64)
	if err != nil || oid <= 0 {
		return triage.ErrOpinionNotFound
	}
	op, err := h.Opinions.Get(c.Request().Context(), subject(c), id, oid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, op)
}
