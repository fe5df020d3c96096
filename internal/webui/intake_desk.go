package webui

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/caseformat"
	"kensho/internal/intake"
)

// intakeDesk is the secretariat's handling of what came in for one case:
// the validated copy's state, operators' amendments that differ from it,
// and the cases linked into it (one wholesale accident).
type intakeDesk struct {
	Version     int
	Validated   bool
	Flags       []intake.Flag
	OpenFlags   int
	Linked      []linkedCase
	Conflict    *intake.ConflictError
	Error       string
	LinkCase    string
	LinkRole    string
	LinkReason  string
	SplitReason string
}

// linkedCase is a case linked into this one.
type linkedCase struct {
	ID     int64
	Ref    string
	Reason string
}

// deskMessages are the message keys of the intake's InputError codes on
// the secretariat's desk.
var deskMessages = map[string]string{
	"reason_required": "desk.err.reason",
	"role":            "desk.err.role",
	"link_self":       "desk.err.case",
	"link_missing":    "desk.err.case",
	"link_merged":     "desk.err.merged",
	"split_missing":   "desk.err.notlinked",
	"split_empty":     "desk.err.empty",
	"no_flag":         "desk.err.flag",
	"resolved":        "desk.err.resolved",
}

// loadDesk fills the intake desk of a case page for a caller who may
// validate the case; others get none.
func (p *pages) loadDesk(c echo.Context, d *casePage) error {
	if p.Portal == nil || d.View.Committee == nil {
		return nil
	}
	ctx := c.Request().Context()
	flags, err := p.Portal.Flags(ctx, user(c).Subject, d.View.ID)
	if errors.Is(err, intake.ErrForbidden) || errors.Is(err, intake.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	desk := &intakeDesk{Version: d.View.Committee.Version, Validated: d.View.Committee.ValidatedAt != nil, Flags: flags, LinkRole: "wholesale_customer"}
	for _, f := range flags {
		if f.Resolution == "" {
			desk.OpenFlags++
		} else if d.people == nil {
			if d.people, err = p.people(c); err != nil {
				return err
			}
		}
	}
	if err := p.DB.WithContext(ctx).Raw(`SELECT id, ref, merged_reason AS reason FROM cases WHERE merged_into = ? ORDER BY id`, d.View.ID).
		Scan(&desk.Linked).Error; err != nil {
		return err
	}
	d.Desk = desk
	return nil
}

// deskResponse answers a desk action: back to the case page on success,
// the page with the desk's error otherwise.
func (p *pages) deskResponse(c echo.Context, id int64, err error, done string, keep func(*intakeDesk)) error {
	var input *intake.InputError
	conflict, isConflict := intake.IsConflict(err)
	if err != nil && !errors.As(err, &input) && !isConflict {
		return err
	}
	if err == nil {
		return backToCase(c, id, done, "intake")
	}
	d, lerr := p.loadCase(c, id)
	if lerr != nil {
		return lerr
	}
	if d.Desk == nil {
		return intake.ErrForbidden
	}
	if isConflict {
		d.Desk.Conflict = conflict
		d.Desk.Error = d.T("desk.conflict")
		return p.render(c, http.StatusConflict, "case.html", d)
	}
	d.Desk.Error = d.T(messageOf(deskMessages, input.Code))
	if keep != nil {
		keep(d.Desk)
	}
	return p.render(c, http.StatusUnprocessableEntity, "case.html", d)
}

func formInt(c echo.Context, name string) int64 {
	n, _ := strconv.ParseInt(c.FormValue(name), 10, 64)
	return n
}

// caseValidate confirms the working copy as the secretariat's validated
// copy (the version the clerk saw must still be current).
func (p *pages) caseValidate(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	_, err = p.Portal.Edit(c.Request().Context(), user(c).Subject, id, intake.EditRequest{Version: int(formInt(c, "version"))})
	return p.deskResponse(c, id, err, "validated", nil)
}

// flagResolve takes an operator's amended value into the validated copy,
// or keeps the copy as it is.
func (p *pages) flagResolve(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	err = p.Portal.Resolve(c.Request().Context(), user(c).Subject, id, formInt(c, "report_id"), c.FormValue("path"),
		c.FormValue("accept") == "true", int(formInt(c, "version")))
	return p.deskResponse(c, id, err, "resolved", nil)
}

// caseLink links another case's reports into this one.
func (p *pages) caseLink(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	req := intake.LinkRequest{Other: formInt(c, "case_id"), Role: caseRole(c.FormValue("role")), Reason: c.FormValue("reason")}
	_, err = p.Portal.Link(c.Request().Context(), user(c).Subject, id, req)
	return p.deskResponse(c, id, err, "linked", func(d *intakeDesk) {
		d.LinkCase, d.LinkRole, d.LinkReason = c.FormValue("case_id"), c.FormValue("role"), req.Reason
	})
}

// caseSplit takes a linked case back out of this one.
func (p *pages) caseSplit(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	req := intake.SplitRequest{Other: formInt(c, "case_id"), Reason: c.FormValue("reason")}
	_, err = p.Portal.Split(c.Request().Context(), user(c).Subject, id, req)
	return p.deskResponse(c, id, err, "split", func(d *intakeDesk) { d.SplitReason = req.Reason })
}

// CanValidate reports whether the page offers the intake desk.
func (d *casePage) CanValidate() bool { return d.Desk != nil }

func caseRole(s string) caseformat.Role { return caseformat.Role(s) }

// Code is the label of a code under prefix in the reader's language
// ("rk." + "quick" → 一報).
func (b *base) Code(prefix, code string) string { return codeLabel(b.Lang, prefix, code) }
