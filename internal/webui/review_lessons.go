package webui

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"kensho/internal/review"
)

// The lessons editor of the annotation and verification forms: rows of
// lessons, each a lesson of the catalogue to link or a new one proposed,
// added and removed in place (htmx round trips, or the whole form without
// JavaScript). Nothing is saved until the form is.

// The kinds of a lesson row.
const (
	rowLink    = "link"
	rowPropose = "propose"
)

// lessonRow is one lesson as the form holds it.
type lessonRow struct {
	Kind     string
	LessonID string
	Theme    string
	TextJA   string
	TextEN   string
	Note     string
	// Accept (verification only): the secretariat takes the lesson into
	// the committee's result; a lesson of the panel not taken stays on the
	// form, unticked.
	Accept bool
	// ProposedBy are the experts who drew the lesson (verification).
	ProposedBy []string
}

// empty: nothing chosen or typed (such a row is left out when saving).
func (r lessonRow) empty() bool {
	if r.Kind == rowLink {
		return r.LessonID == "" && r.Note == ""
	}
	return r.Theme == "" && r.TextJA == "" && r.TextEN == "" && r.Note == ""
}

// ref is the row as the service takes it.
func (r lessonRow) ref() review.LessonRef {
	if r.Kind == rowLink {
		return review.LessonRef{LessonID: r.LessonID, Note: r.Note}
	}
	return review.LessonRef{Theme: r.Theme, TextJA: r.TextJA, TextEN: r.TextEN, Note: r.Note}
}

// same reports whether the row is the lesson l (the same catalogue lesson,
// or the same proposal).
func (r lessonRow) same(l review.LessonRef) bool {
	if l.LessonID != "" {
		return r.Kind == rowLink && r.LessonID == l.LessonID
	}
	return r.Kind == rowPropose && r.TextJA == l.TextJA
}

// rowsOf are the rows of lessons as stored or prefilled.
func rowsOf(refs []review.LessonRef, accept bool) []lessonRow {
	out := make([]lessonRow, 0, len(refs))
	for _, l := range refs {
		r := lessonRow{Kind: rowPropose, Theme: l.Theme, TextJA: l.TextJA, TextEN: l.TextEN, Note: l.Note, Accept: accept,
			ProposedBy: l.ProposedBy}
		if l.LessonID != "" {
			r = lessonRow{Kind: rowLink, LessonID: l.LessonID, Note: l.Note, Accept: accept, ProposedBy: l.ProposedBy}
		}
		out = append(out, r)
	}
	return out
}

var lessonKeyRE = regexp.MustCompile(`^lessons\.(\d+)\.kind$`)

// parseLessonRows reads the rows of a posted form (lessons.N.kind,
// lessons.N.lesson_id…), in the order of N.
func parseLessonRows(values url.Values) []lessonRow {
	var idx []int
	for k := range values {
		if m := lessonKeyRE.FindStringSubmatch(k); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n < 100 {
				idx = append(idx, n)
			}
		}
	}
	slices.Sort(idx)
	out := make([]lessonRow, 0, len(idx))
	for _, n := range idx {
		get := func(f string) string {
			return strings.TrimSpace(strings.ReplaceAll(values.Get(fmt.Sprintf("lessons.%d.%s", n, f)), "\r\n", "\n"))
		}
		r := lessonRow{Kind: get("kind"), LessonID: get("lesson_id"), Theme: get("theme"), TextJA: get("text_ja"), TextEN: get("text_en"),
			Note: get("note"), Accept: get("accept") != ""}
		if r.Kind != rowLink {
			r.Kind = rowPropose
		}
		if p := get("proposed_by"); p != "" {
			r.ProposedBy = strings.Split(p, ",")
		}
		out = append(out, r)
	}
	return out
}

// applyLessonOp adds a row (add-link, add-proposal) or removes one
// (remove:N). A new row of a verification is accepted.
func applyLessonOp(rows []lessonRow, op string) []lessonRow {
	switch {
	case op == "add-link":
		return append(rows, lessonRow{Kind: rowLink, Accept: true})
	case op == "add-proposal":
		return append(rows, lessonRow{Kind: rowPropose, Accept: true})
	case strings.HasPrefix(op, "remove:"):
		n, err := strconv.Atoi(strings.TrimPrefix(op, "remove:"))
		if err == nil && n >= 0 && n < len(rows) {
			return slices.Delete(slices.Clone(rows), n, n+1)
		}
	}
	return rows
}

// lessonInput is what the service gets of the rows: the rows not empty
// (and, on a verification, accepted), and for each the row it came from,
// so that a problem the service names (lessons[1].theme) is shown next
// to that row.
func lessonInput(rows []lessonRow, onlyAccepted bool) ([]review.LessonRef, []int) {
	refs, at := []review.LessonRef{}, []int{}
	for i, r := range rows {
		if r.empty() || (onlyAccepted && !r.Accept) {
			continue
		}
		refs = append(refs, r.ref())
		at = append(at, i)
	}
	return refs, at
}

// rowErrors moves the service's lessons[k] paths to the rows they came
// from. A row that links a lesson but names none is told to choose one.
func rowErrors(errs map[string]string, at []int, rows []lessonRow, b *base) map[string]string {
	out := map[string]string{}
	for k, v := range errs {
		m := indexRE.FindStringSubmatch(k)
		if m == nil {
			out[k] = v
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if n < len(at) {
			n = at[n]
		}
		field := m[2]
		if n < len(rows) && rows[n].Kind == rowLink && (field == "theme" || field == "") {
			field, v = "lesson_id", b.T("rv.err.lesson.choose")
		}
		if field == "" {
			out[fmt.Sprintf("lessons[%d]", n)] = v
			continue
		}
		out[fmt.Sprintf("lessons[%d].%s", n, field)] = v
	}
	return out
}

// lessonEditor is the data of the "rv-lesson-editor" template.
type lessonEditor struct {
	*rvBase
	// ID prefixes the editor's element ids (ann, ver).
	ID string
	// Action is where rows are added and removed (the refresh route).
	Action    string
	Rows      []lessonRow
	Catalogue []review.ThemeBrief
	Errors    map[string]string
	// Verification: rows are accepted or not, and say whether a linked
	// lesson recurs in the case's fiscal year.
	Verification bool
	FiscalYear   int
	index        map[string]*review.Lesson
	codes        map[string]string
}

func (p *pages) newLessonEditor(rb *rvBase, id, action string, rows []lessonRow, cat []review.ThemeBrief, errs map[string]string) *lessonEditor {
	e := &lessonEditor{rvBase: rb, ID: id, Action: action, Rows: rows, Catalogue: cat, Errors: errs, index: map[string]*review.Lesson{},
		codes: map[string]string{}}
	for _, t := range p.Review.Config.Lessons.Themes {
		e.codes[t.ID] = t.Code
	}
	for _, t := range cat {
		for i := range t.Lessons {
			e.index[t.Lessons[i].ID] = &t.Lessons[i]
		}
	}
	return e
}

// Lesson is the catalogue's lesson id (nil if none).
func (e *lessonEditor) Lesson(id string) *review.Lesson { return e.index[id] }

// Err is the problem of field of row i.
func (e *lessonEditor) Err(i int, field string) string {
	if field == "" {
		return e.Errors[fmt.Sprintf("lessons[%d]", i)]
	}
	return e.Errors[fmt.Sprintf("lessons[%d].%s", i, field)]
}

// ListError is a problem of the list as a whole (too many lessons).
func (e *lessonEditor) ListError() string { return e.Errors["lessons"] }

// Recurs reports whether linking lesson id to the case makes it recur: it
// was first drawn before the case's fiscal year.
func (e *lessonEditor) Recurs(id string) bool {
	l := e.index[id]
	return l != nil && l.FirstYear < e.FiscalYear
}

// ThemeCode is the code of theme id (the prefix of its lessons' ids).
func (e *lessonEditor) ThemeCode(id string) string { return e.codes[id] }

// Joined is a list of logins as one value.
func (e *lessonEditor) Joined(s []string) string { return strings.Join(s, ",") }

// Short cuts a lesson's text for a pick list.
func (e *lessonEditor) Short(s string) string {
	r := []rune(s)
	if len(r) <= 48 {
		return s
	}
	return string(r[:47]) + "…"
}
