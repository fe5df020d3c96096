package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/deadline"
	"kensho/internal/identity"
	"kensho/internal/intake"
	"kensho/internal/quarterly"
	"kensho/internal/redact"
	"kensho/internal/report"
	"kensho/internal/review"
	"kensho/internal/rules"
	"kensho/internal/survey"
	"kensho/internal/triage"
)

// errorBody is every error response: a message in English and, for bad
// input, each problem with its JSON path.
type errorBody struct {
	Error   string                  `json:"error"`
	Details []caseformat.FieldError `json:"details,omitempty"`
	Leaks   []redact.Leak           `json:"leaks,omitempty"`
	// Conflict is what changed since the version a stale save started from.
	Conflict *intake.ConflictError `json:"conflict,omitempty"`
	// Rows are the problems of a refused quarterly-report file, each with
	// its row and column.
	Rows []quarterly.RowError `json:"errors,omitempty"`
	// Findings are what the leak scanner found in a report edition that
	// may not be published.
	Findings  []report.Finding `json:"findings,omitempty"`
	RequestID string           `json:"request_id,omitempty"`
}

// statusOf maps known domain errors to a status and a message safe to show.
// Anything unknown is a 500 whose text stays in the log.
func statusOf(err error) (int, errorBody) {
	var (
		fieldErrs caseformat.Errors
		unknown   *rules.ErrUnknownRuleSet
		noRules   *rules.ErrNoRuleSetInForce
		httpErr   *echo.HTTPError
		input     *casefile.InputError
		idInput   *identity.InputError
		leak      *casefile.LeakError
		inInput   *intake.InputError
		conflict  *intake.ConflictError
		rowErrs   quarterly.Errors
		qInput    *quarterly.InputError
		rConflict *review.ConflictError
		rState    *report.StateError
		rLeak     *report.LeakError
		whatIf    report.InputErrors
		svErrs    survey.Errors
		svState   *survey.StateError
	)
	switch {
	case errors.Is(err, errUnauthenticated):
		return http.StatusUnauthorized, errorBody{Error: "authentication required: send Authorization: Bearer <token>"}
	// A case the caller may not see is not found, whatever the reason: the
	// answer must not tell that it exists.
	case errors.Is(err, casefile.ErrNotFound):
		return http.StatusNotFound, errorBody{Error: "case not found"}
	case errors.Is(err, casefile.ErrNoShare), errors.Is(err, casefile.ErrNoRaise):
		return http.StatusNotFound, errorBody{Error: err.Error()}
	case errors.Is(err, casefile.ErrForbidden), errors.Is(err, errForbidden):
		return http.StatusForbidden, errorBody{Error: "you may not do this"}
	case errors.Is(err, deadline.ErrNotFound):
		return http.StatusNotFound, errorBody{Error: deadline.ErrNotFound.Error()}
	case errors.Is(err, deadline.ErrForbidden):
		return http.StatusForbidden, errorBody{Error: "you may not do this"}
	case errors.Is(err, intake.ErrNotFound):
		return http.StatusNotFound, errorBody{Error: "not found"}
	case errors.Is(err, intake.ErrForbidden):
		return http.StatusForbidden, errorBody{Error: "you may not do this"}
	case errors.Is(err, intake.ErrKeyReused):
		return http.StatusUnprocessableEntity, errorBody{Error: err.Error(), Details: []caseformat.FieldError{{Path: "Idempotency-Key", Message: err.Error()}}}
	case errors.Is(err, intake.ErrInProgress):
		return http.StatusConflict, errorBody{Error: err.Error() + "; retry in a moment"}
	case errors.As(err, &conflict):
		return http.StatusConflict, errorBody{Error: conflict.Error() + "; reload and apply your change again", Conflict: conflict}
	case errors.As(err, &inInput):
		return http.StatusUnprocessableEntity, errorBody{Error: inInput.Error(), Details: []caseformat.FieldError{{Path: inInput.Field, Message: inInput.Message}}}
	case errors.Is(err, report.ErrNotFound):
		return http.StatusNotFound, errorBody{Error: report.ErrNotFound.Error()}
	case errors.As(err, &rState):
		return http.StatusConflict, errorBody{Error: rState.Error()}
	case errors.As(err, &rLeak):
		return http.StatusUnprocessableEntity, errorBody{Error: "publication refused: " + rLeak.Error(), Findings: rLeak.Findings}
	// The follow-up survey: a survey not addressed to a reporter is not
	// found, like one that does not exist.
	case errors.Is(err, survey.ErrNotFound):
		return http.StatusNotFound, errorBody{Error: survey.ErrNotFound.Error()}
	case errors.Is(err, survey.ErrForbidden):
		return http.StatusForbidden, errorBody{Error: "you may not do this"}
	case errors.Is(err, survey.ErrClosed), errors.Is(err, survey.ErrStale):
		return http.StatusConflict, errorBody{Error: err.Error()}
	case errors.As(err, &svState):
		return http.StatusConflict, errorBody{Error: svState.Error()}
	case errors.As(err, &svErrs):
		details := make([]caseformat.FieldError, len(svErrs))
		for i, f := range svErrs {
			details[i] = caseformat.FieldError{Path: f.Path, Message: f.Message}
		}
		return http.StatusUnprocessableEntity, errorBody{Error: svErrs.Error(), Details: details}
	case errors.Is(err, review.ErrNotFound):
		return http.StatusNotFound, errorBody{Error: "not found"}
	case errors.As(err, &rConflict):
		return http.StatusConflict, errorBody{Error: rConflict.Error() + "; reload and apply your change again", Conflict: reviewConflict(rConflict)}
	case errors.Is(err, casefile.ErrConflict):
		return http.StatusConflict, errorBody{Error: casefile.ErrConflict.Error() + "; reload and apply your change again"}
	case errors.Is(err, triage.ErrLLMOff):
		return http.StatusConflict, errorBody{Error: triage.ErrLLMOff.Error()}
	case errors.Is(err, triage.ErrIndexUnavailable):
		return http.StatusServiceUnavailable, errorBody{Error: "the similarity index is not available; try again later"}
	case errors.Is(err, triage.ErrOpinionNotFound):
		return http.StatusNotFound, errorBody{Error: triage.ErrOpinionNotFound.Error()}
	case errors.Is(err, report.ErrWhatIfForbidden):
		return http.StatusForbidden, errorBody{Error: "you may not do this"}
	case errors.As(err, &whatIf):
		details := make([]caseformat.FieldError, len(whatIf))
		for i, e := range whatIf {
			details[i] = caseformat.FieldError{Path: e.Field, Message: e.Message}
		}
		return http.StatusUnprocessableEntity, errorBody{Error: "invalid what-if query: " + whatIf.Error(), Details: details}
	case errors.Is(err, quarterly.ErrForbidden):
		return http.StatusForbidden, errorBody{Error: "you may not do this"}
	case errors.As(err, &rowErrs):
		return http.StatusUnprocessableEntity, errorBody{Error: "nothing was uploaded: " + rowErrs.Error(), Rows: rowErrs}
	case errors.As(err, &qInput):
		return http.StatusUnprocessableEntity, errorBody{Error: qInput.Error(), Details: []caseformat.FieldError{{Path: qInput.Field, Message: qInput.Message}}}
	case errors.As(err, &leak):
		return http.StatusUnprocessableEntity, errorBody{Error: "publication blocked: " + leak.Error(), Leaks: leak.Leaks}
	case errors.As(err, &input):
		return http.StatusUnprocessableEntity, errorBody{Error: input.Error(), Details: []caseformat.FieldError{{Path: input.Field, Message: input.Message}}}
	case errors.As(err, &idInput):
		return http.StatusUnprocessableEntity, errorBody{Error: idInput.Error(), Details: []caseformat.FieldError{{Path: idInput.Field, Message: idInput.Message}}}
	case errors.As(err, &fieldErrs):
		return http.StatusUnprocessableEntity, errorBody{Error: "invalid case: " + fieldErrs.Error(), Details: fieldErrs}
	case errors.As(err, &unknown):
		return http.StatusBadRequest, errorBody{Error: unknown.Error()}
	case errors.As(err, &noRules):
		return http.StatusUnprocessableEntity, errorBody{Error: noRules.Error()}
	case errors.As(err, &httpErr):
		msg := http.StatusText(httpErr.Code)
		if s, ok := httpErr.Message.(string); ok && httpErr.Code < 500 {
			msg = s
		}
		return httpErr.Code, errorBody{Error: msg}
	default:
		return http.StatusInternalServerError, errorBody{Error: "internal server error"}
	}
}

// errorHandler is echo's one error handler.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, body := statusOf(err)
		body.RequestID = c.Response().Header().Get(echo.HeaderXRequestID)
		if status >= 500 {
			log.ErrorContext(c.Request().Context(), "request failed", "error", err, "request_id", body.RequestID,
				"method", c.Request().Method, "path", c.Path())
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, body)
	}
}

// reviewConflict is a stale save of the review in the shape of every
// conflict the API reports.
func reviewConflict(e *review.ConflictError) *intake.ConflictError {
	out := &intake.ConflictError{Record: e.Record, Version: e.Version, Current: e.Current, UpdatedBy: e.UpdatedBy, UpdatedAt: e.UpdatedAt,
		Changes: make([]intake.Change, len(e.Changes))}
	for i, c := range e.Changes {
		out.Changes[i] = intake.Change{Path: c.Path, Before: c.Before, After: c.After}
	}
	return out
}
