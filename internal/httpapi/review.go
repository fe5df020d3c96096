package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/review"
)

// The committee's review (package review): thin handlers over
// review.Service; every decision about who may do what is the service's.

// decodeReview decodes a JSON body strictly; a value of the wrong type or
// an unknown field is named by its path.
func decodeReview(c echo.Context, dst any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te) && te.Field != "":
		return &casefile.InputError{Field: te.Field, Message: "must be " + jsonType(te.Type.Kind().String())}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &casefile.InputError{Field: field, Message: "unknown field"}
	}
	return &casefile.InputError{Field: "body", Message: "not the expected JSON object: " + err.Error()}
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "a whole number"
	case kind == "bool":
		return "true or false"
	case kind == "slice":
		return "a list"
	case kind == "struct", kind == "map", kind == "ptr":
		return "an object"
	}
	return "a string"
}

// reviewBody decodes the body into a B before calling fn (the review's
// withBody, with paths in its errors).
func reviewBody[B, T any](c echo.Context, fn func(ctx context.Context, sub access.Subject, id int64, body B) (T, error)) func(context.Context, access.Subject, int64) (T, error) {
	return func(ctx context.Context, sub access.Subject, id int64) (T, error) {
		var body B
		if err := decodeReview(c, &body); err != nil {
			var zero T
			return zero, err
		}
		return fn(ctx, sub, id, body)
	}
}

// created answers 201 for what was added, 200 for a duplicate.
func created(c echo.Context, dup bool, v any) error {
	if dup {
		return c.JSON(http.StatusOK, v)
	}
	return c.JSON(http.StatusCreated, v)
}

func intParam(c echo.Context, name string, dst *int) error {
	if v := c.QueryParam(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return &casefile.InputError{Field: name, Message: "must be a whole number"}
		}
		*dst = n
	}
	return nil
}

func (h *handlers) triageDesk(c echo.Context) error {
	q := review.DeskQuery{Status: c.QueryParam("status"), Kind: c.QueryParam("kind"), Depth: c.QueryParam("depth"),
		Sort: c.QueryParam("sort"), Cursor: c.QueryParam("cursor")}
	if err := intParam(c, "limit", &q.Limit); err != nil {
		return err
	}
	page, err := h.Review.Desk(c.Request().Context(), subject(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (h *handlers) caseReview(c echo.Context) error { return onCase(c, http.StatusOK, h.Review.Review) }

func (h *handlers) getTriage(c echo.Context) error { return onCase(c, http.StatusOK, h.Review.Triage) }

func (h *handlers) decide(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	var in review.DecisionInput
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	d, err := h.Review.Decide(c.Request().Context(), subject(c), id, in)
	if err != nil {
		return err
	}
	return created(c, d.Duplicate, d)
}

func (h *handlers) getPanel(c echo.Context) error { return onCase(c, http.StatusOK, h.Review.Panel) }

func (h *handlers) acceptPanel(c echo.Context) error {
	return onCase(c, http.StatusOK, reviewBody(c, h.Review.Accept))
}

func (h *handlers) addMember(c echo.Context) error {
	return onCase(c, http.StatusOK, reviewBody(c, h.Review.AddMember))
}

// memberID reads the {user} of the path; a malformed one is not a member.
func memberID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("user"), 10, 64)
	if err != nil || id <= 0 {
		return 0, review.ErrNotFound
	}
	return id, nil
}

func (h *handlers) setDue(c echo.Context) error {
	uid, err := memberID(c)
	if err != nil {
		return err
	}
	return onCase(c, http.StatusOK, reviewBody(c, func(ctx context.Context, sub access.Subject, id int64, in review.DueInput) (*review.PanelView, error) {
		return h.Review.SetDue(ctx, sub, id, uid, in)
	}))
}

type reasonBody struct {
	Reason string `json:"reason"`
}

func (h *handlers) removeMember(c echo.Context) error {
	uid, err := memberID(c)
	if err != nil {
		return err
	}
	return onCase(c, http.StatusOK, reviewBody(c, func(ctx context.Context, sub access.Subject, id int64, in reasonBody) (*review.PanelView, error) {
		return h.Review.RemoveMember(ctx, sub, id, uid, in.Reason)
	}))
}

func (h *handlers) listExperts(c echo.Context) error {
	list, err := h.Review.Experts(c.Request().Context(), subject(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}

func allParam(c echo.Context) (bool, error) {
	switch v := c.QueryParam("all"); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, &casefile.InputError{Field: "all", Message: "must be true or false"}
}

func (h *handlers) myQueue(c echo.Context) error {
	all, err := allParam(c)
	if err != nil {
		return err
	}
	q, err := h.Review.Queue(c.Request().Context(), subject(c), subject(c).UserID(), all)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, q)
}

func (h *handlers) expertQueue(c echo.Context) error {
	uid, err := memberID(c)
	if err != nil {
		return err
	}
	all, err := allParam(c)
	if err != nil {
		return err
	}
	q, err := h.Review.Queue(c.Request().Context(), subject(c), uid, all)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, q)
}

func (h *handlers) workspace(c echo.Context) error {
	return onCase(c, http.StatusOK, h.Review.Workspace)
}

func (h *handlers) saveAnnotation(c echo.Context) error {
	return onCase(c, http.StatusOK, reviewBody(c, h.Review.SaveAnnotation))
}

type versionBody struct {
	Version int `json:"version"`
}

func (h *handlers) submitAnnotation(c echo.Context) error {
	return onCase(c, http.StatusOK, reviewBody(c, func(ctx context.Context, sub access.Subject, id int64, in versionBody) (*review.Annotation, error) {
		return h.Review.SubmitAnnotation(ctx, sub, id, in.Version)
	}))
}

func (h *handlers) listComments(c echo.Context) error {
	return onCase(c, http.StatusOK, func(ctx context.Context, sub access.Subject, id int64) (map[string]any, error) {
		list, err := h.Review.Comments(ctx, sub, id)
		return map[string]any{"items": list}, err
	})
}

type commentBody struct {
	Body string `json:"body"`
}

func (h *handlers) addComment(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	var in commentBody
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	cm, err := h.Review.AddComment(c.Request().Context(), subject(c), id, in.Body)
	if err != nil {
		return err
	}
	return created(c, cm.Duplicate, cm)
}

func (h *handlers) consolidation(c echo.Context) error {
	return onCase(c, http.StatusOK, h.Review.Consolidation)
}

func (h *handlers) saveVerification(c echo.Context) error {
	return onCase(c, http.StatusOK, reviewBody(c, h.Review.SaveVerification))
}

func (h *handlers) finaliseVerification(c echo.Context) error {
	return onCase(c, http.StatusOK, reviewBody(c, func(ctx context.Context, sub access.Subject, id int64, in versionBody) (*review.Verification, error) {
		return h.Review.FinaliseVerification(ctx, sub, id, in.Version)
	}))
}

type reopenBody struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

func (h *handlers) reopenVerification(c echo.Context) error {
	return onCase(c, http.StatusOK, reviewBody(c, func(ctx context.Context, sub access.Subject, id int64, in reopenBody) (*review.Verification, error) {
		return h.Review.ReopenVerification(ctx, sub, id, in.Version, in.Reason)
	}))
}

func (h *handlers) listLessons(c echo.Context) error {
	v, err := h.Review.Catalogue(c.Request().Context(), subject(c), c.QueryParam("theme"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (h *handlers) getLesson(c echo.Context) error {
	v, err := h.Review.LessonByID(c.Request().Context(), subject(c), c.Param("lesson"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func guidanceQuery(c echo.Context) (review.GuidanceQuery, error) {
	var q review.GuidanceQuery
	if err := intParam(c, "limit", &q.Limit); err != nil {
		return q, err
	}
	if v := c.QueryParam("case"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return q, &casefile.InputError{Field: "case", Message: "must be a case id"}
		}
		q.CaseID = n
	}
	switch c.QueryParam("published") {
	case "", "false":
	case "true":
		q.PublishedOnly = true
	default:
		return q, &casefile.InputError{Field: "published", Message: "must be true or false"}
	}
	return q, nil
}

func (h *handlers) listGuidance(c echo.Context) error {
	q, err := guidanceQuery(c)
	if err != nil {
		return err
	}
	list, err := h.Review.GuidanceList(c.Request().Context(), subject(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}

// publicGuidance is published guidance, for anyone.
func (h *handlers) publicGuidance(c echo.Context) error {
	q, err := guidanceQuery(c)
	if err != nil {
		return err
	}
	q.PublishedOnly = true
	list, err := h.Review.GuidanceList(c.Request().Context(), access.Anonymous, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}

// guidanceID reads the {id} of a guidance path; a malformed one is not there.
func guidanceID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, review.ErrNotFound
	}
	return id, nil
}

func (h *handlers) getGuidance(c echo.Context) error {
	id, err := guidanceID(c)
	if err != nil {
		return err
	}
	g, err := h.Review.GuidanceByID(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

func (h *handlers) createGuidance(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	var in review.GuidanceInput
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	g, err := h.Review.CreateGuidance(c.Request().Context(), subject(c), id, in)
	if err != nil {
		return err
	}
	return created(c, g.Duplicate, g)
}

func (h *handlers) updateGuidance(c echo.Context) error {
	id, err := guidanceID(c)
	if err != nil {
		return err
	}
	var in review.GuidanceInput
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	g, err := h.Review.UpdateGuidance(c.Request().Context(), subject(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

func (h *handlers) publishGuidance(c echo.Context) error {
	id, err := guidanceID(c)
	if err != nil {
		return err
	}
	var in versionBody
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	g, err := h.Review.PublishGuidance(c.Request().Context(), subject(c), id, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

// similar is the top K past cases like the case, as the caller sees the
// case base (?top=K, default 10).
func (h *handlers) similar(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	k := 10
	if v := c.QueryParam("top"); v != "" {
		if k, err = strconv.Atoi(v); err != nil {
			return &casefile.InputError{Field: "top", Message: "must be a whole number"}
		}
	}
	res, err := h.Similarity.Read(c.Request().Context(), subject(c), id, k)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
