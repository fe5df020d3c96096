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

// verificationPage is the data of verification.html: the secretariat's
// consolidation of the panel's annotations into the committee's
// verification result — the annotations side by side, the tally, the
// result (prefilled from the annotations until it is first saved) and the
// lessons to accept.
type verificationPage struct {
	rvBase
	V      *review.Consolidation
	Form   verificationForm
	Editor *lessonEditor
	// Errors by field, TopError for none, Conflict for a stale version.
	Errors   map[string]string
	TopError string
	Conflict *review.ConflictError
	// CanConsolidate: the caller is the secretariat (and the case is not
	// linked into another).
	CanConsolidate bool
	// Final: the result is final (shown as it stands, reopened with a reason).
	Final        bool
	ReopenReason string
	ReopenError  string
	Thread       *commentThread
}

// verificationForm is the committee's result as the form holds it.
type verificationForm struct {
	Version            int
	CauseClass         string
	CauseArchetype     string
	Prevention         string
	PreventionText     string
	AdditionalMeasures string
	Findings           string
	Lessons            []lessonRow
	// Prefilled: nothing is saved yet; the form shows what the panel's
	// annotations suggest.
	Prefilled bool
}

var verificationFields = []string{"cause_class", "cause_archetype", "prevention", "prevention_text", "additional_measures", "findings", "lessons"}

// verificationFormOf is the saved result, or the prefill when there is
// none. The lessons of the panel not taken into the saved result follow
// it, unticked, so that the secretariat sees every lesson proposed.
func verificationFormOf(v *review.Consolidation) verificationForm {
	pre := v.Prefill
	if v.Verification == nil {
		return verificationForm{CauseClass: pre.CauseClass, CauseArchetype: pre.CauseArchetype, Prevention: pre.Prevention,
			PreventionText: pre.PreventionText, AdditionalMeasures: pre.AdditionalMeasures, Findings: pre.Findings,
			Lessons: rowsOf(pre.Lessons, true), Prefilled: true}
	}
	s := v.Verification
	f := verificationForm{Version: s.Version, CauseClass: s.CauseClass, CauseArchetype: s.CauseArchetype, Prevention: s.Prevention,
		PreventionText: s.PreventionText, AdditionalMeasures: s.AdditionalMeasures, Findings: s.Findings, Lessons: rowsOf(s.Lessons, true)}
	for _, l := range pre.Lessons {
		i := slices.IndexFunc(s.Lessons, func(x review.LessonRef) bool {
			// A proposal finalised before is a lesson of the catalogue now,
			// with the proposal's text.
			return (l.LessonID != "" && x.LessonID == l.LessonID) || (l.LessonID == "" && x.TextJA == l.TextJA)
		})
		if i >= 0 {
			f.Lessons[i].ProposedBy = l.ProposedBy
			continue
		}
		f.Lessons = append(f.Lessons, rowsOf([]review.LessonRef{l}, false)...)
	}
	return f
}

func parseVerificationForm(c echo.Context) (verificationForm, map[string]string, error) {
	values, err := c.FormParams()
	if err != nil {
		return verificationForm{}, nil, err
	}
	f := verificationForm{CauseClass: strings.TrimSpace(values.Get("cause_class")), CauseArchetype: strings.TrimSpace(values.Get("cause_archetype")),
		Prevention: strings.TrimSpace(values.Get("prevention")), PreventionText: formText(c, "prevention_text"),
		AdditionalMeasures: formText(c, "additional_measures"), Findings: formText(c, "findings"), Lessons: parseLessonRows(values),
		Prefilled: values.Get("prefilled") != ""}
	var problems map[string]string
	if f.Version, err = strconv.Atoi(values.Get("version")); err != nil || f.Version < 0 {
		problems = map[string]string{"version": "rv.err.version"}
	}
	return f, problems, nil
}

// input is the form as the service takes it: the accepted lessons only.
func (f verificationForm) input() (review.VerificationInput, []int) {
	refs, at := lessonInput(f.Lessons, true)
	return review.VerificationInput{Version: f.Version, CauseClass: f.CauseClass, CauseArchetype: f.CauseArchetype, Prevention: f.Prevention,
		PreventionText: f.PreventionText, AdditionalMeasures: f.AdditionalMeasures, Findings: f.Findings, Lessons: refs}, at
}

// Err is the problem of a field of the form.
func (d *verificationPage) Err(field string) string { return d.Errors[field] }

// Counted reports whether an annotation counts towards the result.
func (d *verificationPage) Counted(a *review.Annotation) bool { return a.Counted != nil && *a.Counted }

// WhyNot names why an annotation does not count.
func (d *verificationPage) WhyNot(a *review.Annotation) string {
	switch a.Why {
	case "":
		return ""
	case "draft":
		return d.T("rv.why.draft")
	case "not on the panel":
		return d.T("rv.why.removed")
	case "declared a conflict with an operator of the case":
		return d.T("rv.why.conflict")
	}
	return a.Why
}

// Votes names the values of a tally, with how many and who.
func (d *verificationPage) Votes(field string, votes []review.Vote) string {
	parts := make([]string, 0, len(votes))
	for _, v := range votes {
		name := v.Value
		switch field {
		case "cause_class":
			name = d.Cause(v.Value)
		case "cause_archetype":
			name = d.Archetype(v.Value)
		case "prevention":
			name = d.Prevention(v.Value)
		}
		parts = append(parts, d.Tf("rv.tally.vote", name, v.Count, strings.Join(v.Experts, d.T("rv.sep"))))
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, d.T("rv.sep"))
}

// consolidation loads the consolidation page of case id for the caller.
func (p *pages) consolidation(c echo.Context, id int64) (*verificationPage, error) {
	v, err := p.Review.Consolidation(c.Request().Context(), user(c).Subject, id)
	if err != nil {
		return nil, err
	}
	d := &verificationPage{rvBase: p.newRvBase(c, "rv.ver.title", "review"), V: v}
	d.Title = d.Tf("rv.ver.heading", v.Case.Ref)
	d.Marking = access.Committee.TLP()
	d.CanConsolidate = slices.Contains(v.Actions, access.Consolidate)
	d.Final = v.Verification != nil && v.Verification.Status == review.VerificationFinal
	d.Form = verificationFormOf(v)
	d.Editor = p.newLessonEditor(&d.rvBase, "ver", fmt.Sprintf("/cases/%d/verification/lessons", id), d.Form.Lessons, v.Catalogue, nil)
	d.Editor.Verification, d.Editor.FiscalYear = true, v.Case.FiscalYear
	d.Thread = newThread(&d.rvBase, id, v.Comments, slices.Contains(v.Actions, access.Comment), "verification")
	if err := p.withPeople(c, &d.names); err != nil {
		return nil, err
	}
	return d, nil
}

// withForm puts a posted form back on the page, with its problems.
func (d *verificationPage) withForm(f verificationForm, errs map[string]string) {
	d.Form, d.Errors = f, errs
	d.Editor.Rows, d.Editor.Errors = f.Lessons, errs
	d.TopError = rvTopError(errs, verificationFields...)
}

// verificationShow is the consolidation page of a case.
func (p *pages) verificationShow(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	d, err := p.consolidation(c, id)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "verification.html", d)
}
