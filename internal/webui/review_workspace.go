package webui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/review"
)

// workspacePage is the data of review.html: the expert workspace of one
// case — the case as the caller may see it, the similar past cases, the
// caller's annotation form, the panel's submitted annotations and the
// comments.
type workspacePage struct {
	rvBase
	W *review.Workspace
	// Form is the caller's annotation as stored, or as sent back with its
	// problems or a conflict.
	Form   annotationForm
	Editor *lessonEditor
	// Errors are the form's problems by field; TopError one that belongs
	// to no field (the version, a final verification).
	Errors   map[string]string
	TopError string
	// Conflict: the annotation changed since the form was loaded.
	Conflict    *review.ConflictError
	CanAnnotate bool
	Thread      *commentThread
}

// annotationForm is an annotation as the form holds it.
type annotationForm struct {
	Version            int
	CauseClass         string
	CauseArchetype     string
	Prevention         string
	PreventionText     string
	AdditionalMeasures string
	Lessons            []lessonRow
}

// annotationFields are the fields the form shows next to their control.
var annotationFields = []string{"cause_class", "cause_archetype", "prevention", "prevention_text", "additional_measures", "lessons"}

func annotationFormOf(a *review.Annotation) annotationForm {
	if a == nil {
		return annotationForm{Lessons: []lessonRow{}}
	}
	return annotationForm{Version: a.Version, CauseClass: a.CauseClass, CauseArchetype: a.CauseArchetype, Prevention: a.Prevention,
		PreventionText: a.PreventionText, AdditionalMeasures: a.AdditionalMeasures, Lessons: rowsOf(a.Lessons, true)}
}

// parseAnnotationForm reads the posted annotation; a version that is not
// a number is a problem of the form, never a zero.
func parseAnnotationForm(c echo.Context) (annotationForm, map[string]string, error) {
	values, err := c.FormParams()
	if err != nil {
		return annotationForm{}, nil, err
	}
	f := annotationForm{CauseClass: strings.TrimSpace(values.Get("cause_class")), CauseArchetype: strings.TrimSpace(values.Get("cause_archetype")),
		Prevention: strings.TrimSpace(values.Get("prevention")), PreventionText: formText(c, "prevention_text"),
		AdditionalMeasures: formText(c, "additional_measures"), Lessons: parseLessonRows(values)}
	var problems map[string]string
	if f.Version, err = strconv.Atoi(values.Get("version")); err != nil || f.Version < 0 {
		problems = map[string]string{"version": "rv.err.version"}
	}
	return f, problems, nil
}

// input is the form as the service takes it, and the rows of its lessons.
func (f annotationForm) input() (review.AnnotationInput, []int) {
	refs, at := lessonInput(f.Lessons, false)
	return review.AnnotationInput{Version: f.Version, CauseClass: f.CauseClass, CauseArchetype: f.CauseArchetype, Prevention: f.Prevention,
		PreventionText: f.PreventionText, AdditionalMeasures: f.AdditionalMeasures, Lessons: refs}, at
}

// Err is the problem of a field of the form.
func (d *workspacePage) Err(field string) string { return d.Errors[field] }

// Others are the submitted annotations of the other members (and, for the
// secretariat, their drafts), each with the catalogue's texts.
func (d *workspacePage) Others() []*review.Annotation { return d.W.Annotations }

// IsMember reports whether the caller is on the case's panel.
func (d *workspacePage) IsMember() bool { return d.W.Assignment != nil }

// CanConsolidate reports whether the caller consolidates the panel's
// annotations (the secretariat).
func (d *workspacePage) CanConsolidate() bool {
	return slices.Contains(d.W.Actions, access.Consolidate)
}

// workspace loads the workspace of case id for the caller.
func (p *pages) workspace(c echo.Context, id int64) (*workspacePage, error) {
	w, err := p.Review.Workspace(c.Request().Context(), user(c).Subject, id)
	if err != nil {
		return nil, err
	}
	d := &workspacePage{rvBase: p.newRvBase(c, "rv.ws.title", "review"), W: w}
	d.Title = d.Tf("rv.ws.heading", w.Case.Ref)
	d.Marking = pageMarking(w.View)
	d.CanAnnotate = slices.Contains(w.Actions, access.Annotate)
	d.Form = annotationFormOf(w.Mine)
	d.Editor = p.newLessonEditor(&d.rvBase, "ann", fmt.Sprintf("/cases/%d/review/lessons", id), d.Form.Lessons, w.Catalogue, nil)
	d.Thread = newThread(&d.rvBase, id, w.Comments, slices.Contains(w.Actions, access.Comment), "review")
	if err := p.withPeople(c, &d.names); err != nil {
		return nil, err
	}
	return d, nil
}

// withForm puts a posted form back on the page, with its problems.
func (d *workspacePage) withForm(f annotationForm, errs map[string]string) {
	d.Form, d.Errors = f, errs
	d.Editor.Rows, d.Editor.Errors = f.Lessons, errs
	d.TopError = rvTopError(errs, annotationFields...)
}

// reviewWorkspace is the expert workspace of a case.
func (p *pages) reviewWorkspace(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	d, err := p.workspace(c, id)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "review.html", d)
}
