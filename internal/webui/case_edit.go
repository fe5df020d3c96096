package webui

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/intake"
)

// caseEditForm is the secretariat's validated copy of case rec in the
// operators' detailed form (the information form for voluntary
// information): the same fields, pick lists, timeline editor and live
// judgement, saved to the working copy instead of a draft.
func (p *pages) caseEditForm(c echo.Context, rec *casestore.Record) (*reportPage, error) {
	kind := formDetailed
	if rec.Case.Kind == caseformat.KindInformation {
		kind = formInformation
	}
	f := &reportForm{Kind: kind, Version: rec.Version, CaseID: rec.ID, CaseKind: rec.Case.Kind, Values: map[string][]string{}}
	body, err := json.Marshal(rec.Case)
	if err != nil {
		return nil, err
	}
	if err := f.loadBody(body); err != nil {
		return nil, err
	}
	f.Kind, f.Version, f.CaseID, f.CaseKind = kind, rec.Version, rec.ID, rec.Case.Kind
	return p.editPage(c, f, rec), nil
}

// editPage is the form page in the secretariat's edit mode.
func (p *pages) editPage(c echo.Context, f *reportForm, rec *casestore.Record) *reportPage {
	d := p.reportPage(c, f)
	d.EditCase = rec.ID
	d.Title = d.T("rf.edit.title")
	d.CaseRef = rec.Case.Ref
	if len(rec.Case.Operators) > 0 {
		d.org = rec.Case.Operators[0].Name
	}
	return d
}

// caseEdit shows the working copy in the form.
func (p *pages) caseEdit(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	rec, err := p.Portal.WorkingCopy(c.Request().Context(), user(c).Subject, id)
	if err != nil {
		return err
	}
	d, err := p.caseEditForm(c, rec)
	if err != nil {
		return err
	}
	return p.renderForm(c, http.StatusOK, d)
}

// caseEditSave saves the form as the next version of the working copy. A
// stale version shows who changed what since the form was loaded, with
// everything typed kept; saving again then overwrites, knowingly.
func (p *pages) caseEditSave(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sub := user(c).Subject
	rec, err := p.Portal.WorkingCopy(ctx, sub, id)
	if err != nil {
		return err
	}
	values, err := c.FormParams()
	if err != nil {
		return err
	}
	f := parseReportForm(values)
	f.CaseID, f.CaseKind = rec.ID, rec.Case.Kind
	d := p.editPage(c, f, rec)
	if len(f.problems) > 0 {
		d.addProblems()
		return p.renderForm(c, http.StatusUnprocessableEntity, d)
	}
	_, err = p.Portal.Edit(ctx, sub, id, intake.EditRequest{Version: f.Version, Body: f.body(d.org)})
	if ce, ok := intake.IsConflict(err); ok {
		d.Conflict = d.conflictOf(c, p, ce)
		f.Version = ce.Current
		return p.renderForm(c, http.StatusConflict, d)
	}
	var errs caseformat.Errors
	var input *intake.InputError
	if errors.As(err, &errs) || errors.As(err, &input) {
		d.Errors = d.formErrors(err)
		return p.renderForm(c, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+strconv.FormatInt(id, 10)+"?done=edited#intake")
}
