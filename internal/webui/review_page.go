package webui

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
	"kensho/internal/review"
)

// The review's pages (package review): what they share. Every decision
// about who may see or do what is the service's; the pages only show
// what it returns and offer the actions it lists.

// rvBase is base with the helpers of the review's pages: dates given
// as strings, the review's codes by name, a stale save's changes.
type rvBase struct {
	base
	names
	// lessons is the catalogue (configs/lessons.yaml): the themes by name.
	lessons *review.Catalogue
}

// reviewNav shows the review's pages in the header to those who have them.
func (p *pages) reviewNav(b *base) {
	if p.Review == nil || p.Access == nil || b.User == nil {
		return
	}
	sub := b.User.Subject
	b.NavReview = b.User.Has(access.Expert) || p.Access.Can(sub, access.System, access.Committee, access.Assign)
	b.NavLessons = p.Access.CanSystem(sub, access.Lessons, access.Read)
	b.NavGuidance = b.User.Has(access.Expert) || b.User.Has(access.Secretariat)
}

// newRvBase is newBase with the review's helpers.
func (p *pages) newRvBase(c echo.Context, titleKey, nav string) rvBase {
	return *p.rvBaseOf(p.newBase(c, titleKey, nav))
}

// rvBaseOf is b with the review's helpers (for a block of another page).
func (p *pages) rvBaseOf(b base) *rvBase {
	return &rvBase{base: b, lessons: p.Review.Config.Lessons}
}

// Themes are the themes of the catalogue, in order.
func (rb *rvBase) Themes() []*review.Theme { return rb.lessons.Themes }

// ThemeLabel names theme id in the reader's language (the id if unknown).
func (rb *rvBase) ThemeLabel(id string) string {
	if rb.lessons == nil {
		return id
	}
	if t := rb.lessons.Theme(id); t != nil {
		return rb.ThemeName(t.JA, t.EN)
	}
	return id
}

// Day is a date given as 2006-01-02 (a due date, a date of issue), shown
// like Date: 令和7年(2025年)4月30日.
func (rb *rvBase) Day(s string) string {
	t, err := jpdate.ParseDate(s)
	if err != nil {
		if s == "" {
			return "—"
		}
		return s
	}
	return rb.Date(t)
}

// DaysLeft says how many days are left until a due date, or how many
// days it is overdue.
func (rb *rvBase) DaysLeft(n int) string {
	switch {
	case n < 0:
		return rb.Tf("dl.days.overdue", -n)
	case n == 0:
		return rb.T("dl.days.today")
	default:
		return rb.Tf("dl.days.left", n)
	}
}

// Depth names a depth of verification.
func (rb *rvBase) Depth(d string) string { return codeLabel(rb.Lang, "rv.depth.", d) }

// Prevention names an assessment of the operator's recurrence prevention.
func (rb *rvBase) Prevention(v string) string { return codeLabel(rb.Lang, "rv.prev.", v) }

// AnnStatus names an annotation's status: none, draft, submitted.
func (rb *rvBase) AnnStatus(s string) string { return codeLabel(rb.Lang, "rv.ann.", s) }

// VerStatus names the verification's status: "", draft, final.
func (rb *rvBase) VerStatus(s string) string {
	if s == "" {
		s = "none"
	}
	return codeLabel(rb.Lang, "rv.ver.", s)
}

// FollowUp names a follow-up status of guidance.
func (rb *rvBase) FollowUp(s string) string { return codeLabel(rb.Lang, "gd.fu.", s) }

// ThemeName is a theme of the catalogue in the reader's language.
func (rb *rvBase) ThemeName(ja, en string) string {
	if rb.Lang == langEN && en != "" {
		return en
	}
	return ja
}

// LessonText is a lesson's text in the reader's language first.
func (rb *rvBase) LessonText(ja, en string) string {
	if rb.Lang == langEN && en != "" {
		return en
	}
	return ja
}

// OtherText is a lesson's text in the other language ("" if none).
func (rb *rvBase) OtherText(ja, en string) string {
	if rb.Lang == langEN {
		if en == "" {
			return ""
		}
		return ja
	}
	return en
}

// CommentRole names who wrote a comment.
func (rb *rvBase) CommentRole(r string) string { return rb.Role(r) }

// indexRE finds the index of a path such as lessons[2].text_ja.
var indexRE = regexp.MustCompile(`^lessons\[(\d+)\](?:\.(\w+))?$`)

// FieldName names a field of an annotation, a verification or guidance by
// its path (lessons[1].text_ja → 教訓2の本文（日本語）).
func (rb *rvBase) FieldName(path string) string {
	if m := indexRE.FindStringSubmatch(path); m != nil {
		n, _ := strconv.Atoi(m[1])
		if m[2] == "" {
			return rb.Tf("rv.path.lesson", n+1)
		}
		return rb.Tf("rv.path.lesson.field", n+1, codeLabel(rb.Lang, "rv.path.", m[2]))
	}
	return codeLabel(rb.Lang, "rv.path.", path)
}

// ChangeValue shows a value of a stale save's change: codes by name, the
// rest as text.
func (rb *rvBase) ChangeValue(path string, v any) string {
	if v == nil {
		return "—"
	}
	field := path
	if m := indexRE.FindStringSubmatch(path); m != nil {
		field = m[2]
	}
	if s, ok := v.(string); ok {
		switch field {
		case "":
			return s
		case "cause_class":
			return rb.Cause(s)
		case "cause_archetype":
			return rb.Archetype(s)
		case "prevention":
			return rb.Prevention(s)
		case "status":
			return rb.AnnStatus(s)
		case "follow_up_status":
			return rb.FollowUp(s)
		case "theme":
			return rb.ThemeLabel(s)
		}
		if s == "" {
			return "—"
		}
		return s
	}
	if b, ok := v.(bool); ok {
		if b {
			return rb.T("f.yes")
		}
		return rb.T("f.no")
	}
	if list, ok := v.([]any); ok {
		parts := make([]string, 0, len(list))
		for _, x := range list {
			if m, ok := x.(map[string]any); ok {
				parts = append(parts, lessonSummary(m))
				continue
			}
			parts = append(parts, fmt.Sprint(x))
		}
		if len(parts) == 0 {
			return "—"
		}
		return strings.Join(parts, " / ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// lessonSummary is a stored lesson reference in a few words: its id, or
// the proposal's text.
func lessonSummary(m map[string]any) string {
	if id, _ := m["lesson_id"].(string); id != "" {
		return id
	}
	t, _ := m["text_ja"].(string)
	return "「" + t + "」"
}

// rvCodes are the message keys of the review's InputError codes: the
// service speaks English to API clients, the pages in the reader's
// language, next to the field.
var rvCodes = map[string]string{
	"cause_class.unknown":       "rv.err.cause_class",
	"cause_class.required":      "rv.err.cause_class",
	"cause_archetype.unknown":   "rv.err.cause_archetype",
	"cause_archetype.required":  "rv.err.cause_archetype",
	"prevention.unknown":        "rv.err.prevention",
	"prevention.required":       "rv.err.prevention",
	"prevention_text.required":  "rv.err.prevention_text",
	"findings.required":         "rv.err.findings",
	"text.too_long":             "rv.err.too_long",
	"lessons.too_many":          "rv.err.lessons.many",
	"lesson.unknown":            "rv.err.lesson.unknown",
	"lesson.twice":              "rv.err.lesson.twice",
	"lesson.theme_required":     "rv.err.lesson.theme",
	"lesson.theme_unknown":      "rv.err.lesson.theme",
	"lesson.text_required":      "rv.err.lesson.text",
	"lesson.text_en_required":   "rv.err.lesson.text_en",
	"version.invalid":           "rv.err.version",
	"version.none":              "rv.err.version",
	"annotation.none":           "rv.err.annotation.none",
	"verification.final":        "rv.err.final",
	"verification.none":         "rv.err.verification.none",
	"case.merged":               "rv.err.merged",
	"body.required":             "rv.err.comment",
	"reason.required":           "rv.err.reason",
	"organisation.required":     "gd.err.org",
	"organisation.unknown":      "gd.err.org.unknown",
	"organisation.not_operator": "gd.err.org.operator",
	"issued_on.required":        "gd.err.issued",
	"date.invalid":              "gd.err.date",
	"date.future":               "gd.err.future",
	"measures.required":         "gd.err.measures",
	"follow_up.unknown":         "gd.err.fu.status",
	"follow_up.before_issue":    "gd.err.fu.before",
	"guidance.published":        "gd.err.published",
}

// rvErrors are the problems of a form by field, in the reader's
// language; ok is false when err is not a problem with the input.
func rvErrors(b *base, err error) (map[string]string, bool) {
	var in *casefile.InputError
	if !errors.As(err, &in) {
		return nil, false
	}
	field := in.Field
	if field == "" {
		field = "form"
	}
	return map[string]string{field: b.T(messageOf(rvCodes, in.Code))}, true
}

// rvTopError is the problem of a field the form does not show next to a
// control of its own (the version, the status): it is said at the top.
func rvTopError(errs map[string]string, fields ...string) string {
	for k, v := range errs {
		shown := strings.HasPrefix(k, "lessons[")
		for _, f := range fields {
			shown = shown || k == f
		}
		if !shown {
			return v
		}
	}
	return ""
}

// CauseClasses are the cause classes of the case format the annotation
// and verification forms offer (named by Cause).
func (rb *rvBase) CauseClasses() []string { return caseformat.CauseClasses }

// CauseArchetypes are the cause archetypes of the case format (named by
// Archetype).
func (rb *rvBase) CauseArchetypes() []string { return caseformat.CauseArchetypes }

// Preventions are the assessments, best first.
func (rb *rvBase) Preventions() []string { return review.Preventions }

// FollowUps are the follow-up statuses of guidance.
func (rb *rvBase) FollowUps() []string { return review.FollowUpStatuses }

// isCommitteeReader reports whether the page's caller is of the committee
// (the secretariat or an expert): the roles that read committee material
// at all. The service still decides for each case.
func isCommitteeReader(c echo.Context) bool {
	u := user(c)
	return u.Has(access.Secretariat) || u.Has(access.Expert)
}

// The review's shared fragments (partials-review.html) each take the page's
// rvBase with what they show.

// rvConflict is the data of "rv-conflict": a stale save's changes.
type rvConflict struct {
	*rvBase
	C *review.ConflictError
}

// ConflictOf hands a conflict to "rv-conflict".
func (rb *rvBase) ConflictOf(c *review.ConflictError) rvConflict { return rvConflict{rb, c} }

// rvAnnotation is the data of "rv-annotation": one annotation, read only.
type rvAnnotation struct {
	*rvBase
	A *review.Annotation
}

// AnnotationOf hands an annotation to "rv-annotation".
func (rb *rvBase) AnnotationOf(a *review.Annotation) rvAnnotation { return rvAnnotation{rb, a} }

// rvCase is the data of "rv-case": the case as the caller may see it.
type rvCase struct {
	*rvBase
	V *casefile.View
}

// CaseOf hands a case to "rv-case".
func (rb *rvBase) CaseOf(v *casefile.View) rvCase { return rvCase{rb, v} }

// rvComment is the data of "rv-comment-item".
type rvComment struct {
	*rvBase
	C review.Comment
}

// Item hands one comment to "rv-comment-item".
func (rb *rvBase) Item(c review.Comment) rvComment { return rvComment{rb, c} }

// rvLessons is the data of "rv-lessons": lessons of an annotation or a
// verification, read only.
type rvLessons struct {
	*rvBase
	L []review.LessonRef
}

// LessonsOf hands lessons to "rv-lessons".
func (rb *rvBase) LessonsOf(l []review.LessonRef) rvLessons { return rvLessons{rb, l} }

// FollowUpDays says how many days a pending follow-up has left, or how
// many it is overdue ("" when it has no due date or is not pending).
func (rb *rvBase) FollowUpDays(f *review.FollowUp) string {
	if f == nil || f.DaysLeft == nil {
		return ""
	}
	return rb.DaysLeft(*f.DaysLeft)
}
