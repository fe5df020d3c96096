package webui

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/survey"
)

// The follow-up survey's pages (package survey): what they share. Who may
// see or do what is the service's; the pages show what it returns.

// svBase is rvBase (dates given as strings, lesson texts in the reader's
// language) with the survey's names: states, answers, shares and classes.
type svBase struct {
	rvBase
}

// newSvBase is the base of a survey page.
func (p *pages) newSvBase(c echo.Context, titleKey string) svBase {
	return svBase{rvBase: p.newRvBase(c, titleKey, "surveys")}
}

// SurveyStatus names a survey's state: 準備中, 回答受付中, 締切済み.
func (sb *svBase) SurveyStatus(s string) string { return codeLabel(sb.Lang, "sv.status.", s) }

// AnswerStatus names an answer about a lesson (新たに実施…).
func (sb *svBase) AnswerStatus(s string) string { return codeLabel(sb.Lang, "st.", s) }

// AnswerStatuses are the answers, in the report's order.
func (sb *svBase) AnswerStatuses() []string { return survey.Statuses }

// Implemented reports whether an answer counts as implemented.
func (sb *svBase) Implemented(s string) bool { return survey.Implemented(s) }

// Percent is a share as a percentage with one decimal (85.7%); "—" for a
// share that does not exist (nothing implemented).
func (sb *svBase) Percent(v any) string {
	var f float64
	switch x := v.(type) {
	case *float64:
		if x == nil {
			return "—"
		}
		f = *x
	case float64:
		f = x
	default:
		return "—"
	}
	s := strconv.FormatFloat(math.Round(f*1000)/10, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// Class names a lesson's class against the survey's threshold:
// 実施率・有効率とも70%以上, 実施率のみ70%以上, 有効率のみ70%以上, or —.
func (sb *svBase) Class(class string, threshold float64) string {
	if class == "" {
		return sb.T("sv.class.none")
	}
	key := "sv.class." + class // sv.class.both, .implemented, .effective
	return sb.Tf(key, sb.Percent(threshold))
}

// Effective says an implemented answer's effect.
func (sb *svBase) Effective(e *bool) string {
	switch {
	case e == nil:
		return ""
	case *e:
		return sb.T("sv.eff.yes")
	}
	return sb.T("sv.eff.no")
}

// Due is a due date, or that there is none.
func (sb *svBase) Due(s string) string {
	if s == "" {
		return sb.T("sv.nodue")
	}
	return sb.Day(s)
}

// surveyID reads the {id} of a survey path; a malformed one is not there.
func surveyID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, survey.ErrNotFound
	}
	return id, nil
}

// svCodes are the message keys of the survey's error codes.
var svCodes = map[string]string{
	"fiscal_year.invalid": "sv.err.fy",
	"title.required":      "sv.err.title",
	"title.too_long":      "sv.err.title.long",
	"due_on.invalid":      "sv.err.due",
	"due_on.past":         "sv.err.due.past",
	"lessons.required":    "sv.err.lessons",
	"lessons.too_many":    "sv.err.lessons.many",
	"lesson.unknown":      "sv.err.lesson.unknown",
	"lesson.twice":        "sv.err.lesson.twice",
	"recipients.required": "sv.err.recipients",
	"recipients.too_many": "sv.err.recipients.many",
	"recipient.unknown":   "sv.err.recipient",
	"recipient.twice":     "sv.err.recipient.twice",
	"answers.required":    "sv.err.answers",
	"answers.missing":     "sv.err.answers.missing",
	"lesson.required":     "sv.err.answer.lesson",
	"lesson.not_asked":    "sv.err.answer.lesson",
	"status.required":     "sv.err.status",
	"status.unknown":      "sv.err.status",
	"effective.required":  "sv.err.effective",
	"effective.not_asked": "sv.err.effective.not",
}

// svErrors are the problems of a survey form by field (the service's
// paths; key folds lessons[2] into lessons and so on, as the form shows
// them), in the reader's language. ok is false when err is not about the
// input or the survey's state.
func svErrors(b *base, err error, key func(path string) string) (map[string]string, bool) {
	var errs survey.Errors
	var state *survey.StateError
	out := map[string]string{}
	switch {
	case errors.As(err, &errs):
		for _, f := range errs {
			k := key(f.Path)
			if _, seen := out[k]; !seen {
				out[k] = b.T(messageOf(svCodes, f.Code))
			}
		}
	case errors.Is(err, survey.ErrClosed):
		out["form"] = b.T("sv.err.closed")
	case errors.Is(err, survey.ErrStale):
		out["form"] = b.T("sv.err.stale")
	case errors.As(err, &state):
		out["form"] = b.T("sv.err.state")
	default:
		return nil, false
	}
	return out, true
}

// surveyPath is the page of survey id.
func surveyPath(id int64, suffix string) string { return fmt.Sprintf("/surveys/%d%s", id, suffix) }

// N is a count given by pointer (the lists' optional counts); 0 for none.
func (sb *svBase) N(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}
