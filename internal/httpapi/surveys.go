package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/survey"
)

// The lessons follow-up survey (package survey): thin handlers over
// survey.Service, which decides who may do what — the secretariat
// manages and reads surveys, a reporter answers those addressed to its
// organisation (any other survey is 404 to it).

// surveyID reads the {id} of a survey path; a malformed one is not there.
func surveyID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, survey.ErrNotFound
	}
	return id, nil
}

func (h *handlers) listSurveys(c echo.Context) error {
	items, err := h.Surveys.List(c.Request().Context(), subject(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// surveyChoices is what a new survey of ?fiscal_year= may ask and whom it
// is addressed to by default.
func (h *handlers) surveyChoices(c echo.Context) error {
	var fy int
	if err := intParam(c, "fiscal_year", &fy); err != nil {
		return err
	}
	if fy != 0 && (fy < 2000 || fy > 2100) {
		return &casefile.InputError{Field: "fiscal_year", Message: "must be a fiscal year, 2000–2100"}
	}
	ch, err := h.Surveys.Choices(c.Request().Context(), subject(c), fy)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

func (h *handlers) createSurvey(c echo.Context) error {
	var in survey.CreateInput
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	sv, err := h.Surveys.Create(c.Request().Context(), subject(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sv)
}

func (h *handlers) getSurvey(c echo.Context) error {
	id, err := surveyID(c)
	if err != nil {
		return err
	}
	sv, err := h.Surveys.Get(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sv)
}

func (h *handlers) openSurvey(c echo.Context) error  { return h.stepSurvey(c, h.Surveys.Open) }
func (h *handlers) closeSurvey(c echo.Context) error { return h.stepSurvey(c, h.Surveys.Close) }

// stepSurvey opens or closes a survey from the version the body sends.
func (h *handlers) stepSurvey(c echo.Context, step func(ctx context.Context, sub access.Subject, id int64, version int) (*survey.Survey, error)) error {
	id, err := surveyID(c)
	if err != nil {
		return err
	}
	var in versionBody
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	sv, err := step(c.Request().Context(), subject(c), id, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sv)
}

// getAnswers is the caller's organisation's answer sheet.
func (h *handlers) getAnswers(c echo.Context) error {
	id, err := surveyID(c)
	if err != nil {
		return err
	}
	sh, err := h.Surveys.Sheet(c.Request().Context(), subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sh)
}

// putAnswers replaces the caller's organisation's answers, all lessons at once.
func (h *handlers) putAnswers(c echo.Context) error {
	id, err := surveyID(c)
	if err != nil {
		return err
	}
	var in survey.AnswerInput
	if err := decodeReview(c, &in); err != nil {
		return err
	}
	sh, err := h.Surveys.Answer(c.Request().Context(), subject(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sh)
}
