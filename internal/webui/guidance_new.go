package webui

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/review"
)

// guidanceFormPage is the data of guidance-new.html: recording the
// administrative guidance issued on a case.
type guidanceFormPage struct {
	rvBase
	CaseID  int64
	CaseRef string
	// Operators are the organisations the guidance can be issued to.
	Operators []string
	Form      guidanceForm
	Errors    map[string]string
	TopError  string
}

// guidanceForm is a guidance record as the form holds it.
type guidanceForm struct {
	Version        int
	Organisation   string
	IssuedOn       string
	Reference      string
	Measures       string
	FollowUpDue    string
	FollowUpStatus string
	FollowUpText   string
}

// guidanceFields are the fields of a guidance form: the record's, then
// its follow-up's (guidanceFields[4:]).
var guidanceFields = []string{"organisation", "issued_on", "reference", "measures", "follow_up_due", "follow_up_status", "follow_up_text"}

func parseGuidanceForm(c echo.Context) guidanceForm {
	return guidanceForm{Organisation: c.FormValue("organisation"), IssuedOn: c.FormValue("issued_on"), Reference: c.FormValue("reference"),
		Measures: formText(c, "measures"), FollowUpDue: c.FormValue("follow_up_due"), FollowUpStatus: c.FormValue("follow_up_status"),
		FollowUpText: formText(c, "follow_up_text")}
}

func (f guidanceForm) input() review.GuidanceInput {
	return review.GuidanceInput{Version: f.Version, Organisation: f.Organisation, IssuedOn: f.IssuedOn, Reference: f.Reference,
		Measures: f.Measures, FollowUpDue: f.FollowUpDue, FollowUpStatus: f.FollowUpStatus, FollowUpText: f.FollowUpText}
}

// Err is the problem of a field of the form.
func (d *guidanceFormPage) Err(field string) string { return d.Errors[field] }

// guidanceFormFor is the empty form of case id, for those who record
// guidance on it: a case the caller may not see is not found, one whose
// committee part it sees but on which it may not act is forbidden.
func (p *pages) guidanceFormFor(c echo.Context, id int64) (*guidanceFormPage, error) {
	ctx, sub := c.Request().Context(), user(c).Subject
	rv, err := p.Review.Review(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(rv.Actions, access.Guide) {
		return nil, errForbidden
	}
	v, err := p.Cases.Get(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	d := &guidanceFormPage{rvBase: p.newRvBase(c, "gd.new.title", "guidance"), CaseID: id, Errors: map[string]string{},
		Form: guidanceForm{FollowUpStatus: review.FollowUpPending}}
	d.Marking = access.Committee.TLP()
	if v.Overview != nil {
		d.CaseRef, d.Operators = v.Overview.Ref, v.Overview.Operators
	}
	if len(d.Operators) == 1 {
		d.Form.Organisation = d.Operators[0]
	}
	return d, nil
}

// guidanceNew is the form to record guidance issued on a case (the
// secretariat, from the case page).
func (p *pages) guidanceNew(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	d, err := p.guidanceFormFor(c, id)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "guidance-new.html", d)
}
