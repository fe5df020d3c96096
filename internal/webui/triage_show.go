package webui

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/caseformat"
	"kensho/internal/review"
	"kensho/internal/rules"
)

// triagePage is the data of triage.html: one case's triage — the rules
// engine's judgement, deadlines, novelty and similar cases, the LLM's
// second opinion, the decision form and the decisions taken.
type triagePage struct {
	triageKit
	V *review.TriageView
	// Result is the rules engine's judgement in full (thresholds met, the
	// nearest one missed, its explanation); nil unless the caller reads
	// the restricted part it is drawn from.
	Result *rules.Result
	// CanTriage: the caller decides (the secretariat); others read.
	CanTriage  bool
	IsNearMiss bool
	// Opinion is the LLM second opinion block (nil: not configured).
	Opinion *opinionBlock

	// The decision form as sent, its errors by field (depth, reason,
	// study_near_miss, version, case) and a decision taken meanwhile.
	Form     decisionForm
	Errors   map[string]string
	Conflict *review.ConflictError
}

// decisionForm is the decision form's values.
type decisionForm struct {
	// Version is the version of the decision in force the form was shown
	// with (0: undecided).
	Version int
	Depth   string
	Reason  string
	Study   bool
}

// Depths are the choices of the decision form, deepest first.
func (d *triagePage) Depths() []string { return review.Depths }

// Err is the error of a field of the decision form ("" if none).
func (d *triagePage) Err(field string) string { return d.Errors[field] }

// Verifies reports whether the decision in force calls for a panel.
func (d *triagePage) Verifies() bool {
	return d.V.Current != nil && d.V.Current.Depth != review.DepthRecordOnly
}

// triageShow is one case's triage page: the secretariat decides there;
// the committee reads it. A case the caller may not see is 404; one whose
// committee part it may not read is 403 (the service decides both).
func (p *pages) triageShow(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	d, err := p.loadTriage(c, id)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "triage.html", d)
}

// loadTriage reads the triage page of case id for the caller.
func (p *pages) loadTriage(c echo.Context, id int64) (*triagePage, error) {
	ctx, sub := c.Request().Context(), user(c).Subject
	v, err := p.Review.Triage(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	d := &triagePage{triageKit: p.newKit(p.newBase(c, "tri.case.title", "triage")), V: v,
		CanTriage: slices.Contains(v.Actions, access.Triage), IsNearMiss: v.Case.Kind == string(caseformat.KindNearMiss)}
	d.Title = d.Tf("tri.case.title", v.Case.Ref)
	d.Marking = access.Committee.TLP()
	if cur := v.Current; cur != nil {
		d.Form = decisionForm{Version: cur.Version, Depth: cur.Depth, Study: cur.StudyNearMiss != nil && *cur.StudyNearMiss}
	}
	if p.Catalog != nil && v.Case.Kind != string(caseformat.KindInformation) {
		// The explanation rests on the timeline: only for a caller who
		// reads the restricted part (the committee does).
		if view, rec, err := p.Cases.ViewRecord(ctx, sub, id); err == nil && view.Restricted != nil {
			if res, err := p.Catalog.Classify(rec.Case, ""); err == nil {
				d.Result = res
			}
		}
	}
	if len(v.Decisions) > 0 {
		if err := p.withPeople(c, &d.names); err != nil {
			return nil, err
		}
	}
	if d.Opinion, err = p.loadOpinions(c, id, &d.triageKit, d.CanTriage); err != nil {
		return nil, err
	}
	return d, nil
}

// ChangeField names a field of a decision that changed.
func (d *triagePage) ChangeField(path string) string { return codeLabel(d.Lang, "tri.field.", path) }

// ChangeValue shows a changed value as the form shows it.
func (d *triagePage) ChangeValue(path string, v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return d.T("tri.study.yes")
		}
		return d.T("tri.study.no")
	case string:
		if path == "depth" {
			return d.Depth(x)
		}
		return x
	}
	return fmt.Sprint(v)
}
