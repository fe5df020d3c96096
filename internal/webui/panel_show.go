package webui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/jpdate"
	"kensho/internal/review"
)

// panelPage is the data of panel.html: the fields a case needs and why,
// its panel of experts, the proposal and every expert with whether they
// may be added — and the forms that change it, as sent, with their errors.
type panelPage struct {
	triageKit
	V *review.PanelView
	// CanAssign: the caller changes the panel (the secretariat, on a case
	// decided to verify).
	CanAssign bool
	// Add is the add form as sent; Accept the accept form's due date.
	Add       memberForm
	AcceptDue string
	// Errors are keyed by form and field: accept.due_on, add.user_id,
	// add.reason, case…
	Errors map[string]string
	// Member is the member whose remove or due form (MemberFormName)
	// failed, with what was typed; its errors are remove.reason,
	// due.due_on….
	Member         int64
	MemberFormName string
	MemberForm     memberForm
}

// memberForm is a form about one member.
type memberForm struct {
	UserID string
	Reason string
	DueOn  string
}

// Err is the error of a form's field ("" if none).
func (d *panelPage) Err(key string) string { return d.Errors[key] }

// MemberErr is the error of a field of a member's form.
func (d *panelPage) MemberErr(userID int64, key string) string {
	if userID != d.Member {
		return ""
	}
	return d.Errors[key]
}

// MemberValue is what was typed into a field (reason, due_on) of a
// member's form (remove, due) that failed, else def.
func (d *panelPage) MemberValue(userID int64, form, field, def string) string {
	if userID != d.Member || form != d.MemberFormName {
		return def
	}
	switch field {
	case "reason":
		return d.MemberForm.Reason
	case "due_on":
		if d.MemberForm.DueOn != "" {
			return d.MemberForm.DueOn
		}
	}
	return def
}

// Uncovered reports whether no active member covers a needed field.
func (d *panelPage) Uncovered(field string) bool { return slices.Contains(d.V.Uncovered, field) }

// Eligible are the experts who may be added now.
func (d *panelPage) Eligible() []review.Candidate {
	var out []review.Candidate
	for _, c := range d.V.Candidates {
		if c.Eligible {
			out = append(out, c)
		}
	}
	return out
}

// Excluded are the experts who may not be added, and why.
func (d *panelPage) Excluded() []review.Candidate {
	var out []review.Candidate
	for _, c := range d.V.Candidates {
		if !c.Eligible && c.Excluded != "member" {
			out = append(out, c)
		}
	}
	return out
}

// Fields names fields of expertise, joined.
func (d *triageKit) Fields(ids []string) string {
	if len(ids) == 0 {
		return "—"
	}
	names := make([]string, len(ids))
	for i, f := range ids {
		names[i] = d.Field(f)
	}
	return strings.Join(names, d.sep())
}

func (b *base) sep() string {
	if b.Lang == langEN {
		return ", "
	}
	return "、"
}

// Because says why a case needs a field: "service:voice" → サービス「音声伝送役務」.
func (d *panelPage) Because(why []string) string {
	out := make([]string, len(why))
	for i, w := range why {
		kind, code, _ := strings.Cut(w, ":")
		switch kind {
		case "service":
			out[i] = d.Tf("panel.because.service", d.Service(code))
		case "archetype":
			out[i] = d.Tf("panel.because.archetype", d.Archetype(code))
		case "default":
			out[i] = d.T("panel.because.default")
		default:
			out[i] = w
		}
	}
	return strings.Join(out, d.sep())
}

// ProposedWhy says why a member is proposed, from the service's reason.
func (d *panelPage) ProposedWhy(m review.Proposed) string {
	load := d.Tf("panel.load", m.Load)
	switch m.Reason {
	case "current":
		if len(m.Covers) > 0 {
			return d.Tf("panel.why.current.covers", d.Fields(m.Covers))
		}
		return d.T("panel.why.current")
	case "covers":
		return d.Tf("panel.why.covers", d.Fields(m.Covers), load)
	case "min_size":
		least := 0
		if d.V.Rule != nil {
			least = d.V.Rule.Min
		}
		return d.Tf("panel.why.min", least, load)
	}
	return m.Why
}

// ExcludedWhy says why an expert may not be added.
func (d *panelPage) ExcludedWhy(c review.Candidate) string {
	switch c.Excluded {
	case "conflict":
		return d.Tf("panel.ex.conflict", strings.Join(c.ConflictWith, d.sep()))
	case "disabled":
		return d.T("panel.ex.disabled")
	case "member":
		return d.T("panel.ex.member")
	}
	return c.Excluded
}

// Annotation names the state of a member's annotation.
func (d *panelPage) Annotation(s string) string { return codeLabel(d.Lang, "panel.ann.", s) }

// Today is today's date (JST), the earliest due date.
func (d *panelPage) Today() string { return jpdate.DateOf(time.Now()) }

// panelShow is the panel of a case: the committee reads it; the
// secretariat also gets the proposal, the experts it may add and the
// forms (the service decides what each sees).
func (p *pages) panelShow(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	d, err := p.loadPanel(c, id)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "panel.html", d)
}

func (p *pages) loadPanel(c echo.Context, id int64) (*panelPage, error) {
	v, err := p.Review.Panel(c.Request().Context(), user(c).Subject, id)
	if err != nil {
		return nil, err
	}
	d := &panelPage{triageKit: p.newKit(p.newBase(c, "panel.title", "triage")), V: v,
		CanAssign: slices.Contains(v.Actions, access.Assign)}
	d.Title = d.Tf("panel.title", v.Case.Ref)
	d.Marking = access.Committee.TLP()
	if v.Proposal != nil {
		d.AcceptDue = v.Proposal.DueOn
	}
	if len(v.Members)+len(v.Removed) > 0 {
		if err := p.withPeople(c, &d.names); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// panelResponse ends a panel form: back to the panel on success, the page
// with the form's error next to its field otherwise. form names the form
// (accept, add, remove, due); member the member it was about (0: none).
func (p *pages) panelResponse(c echo.Context, id int64, err error, done, form string, member int64, keep func(*panelPage)) error {
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/cases/"+strconv.FormatInt(id, 10)+"/panel?done="+done)
	}
	var input *casefile.InputError
	if !errors.As(err, &input) {
		return err
	}
	d, lerr := p.loadPanel(c, id)
	if lerr != nil {
		return lerr
	}
	if !d.CanAssign && input.Field != "case" {
		return casefile.ErrForbidden
	}
	key := "case"
	if input.Field != "case" {
		f, _, _ := strings.Cut(input.Field, "[")
		key = form + "." + f
	}
	msg := d.T(messageOf(reviewMessages, input.Code))
	switch {
	case input.Code == "panel.too_large" && d.V.Rule != nil:
		msg = d.Tf("panel.err.toolarge.n", d.V.Rule.Max)
	case input.Code == "reason.required":
		msg = d.T("panel.err.reason")
	}
	d.Errors = map[string]string{key: msg}
	if member != 0 {
		d.Member, d.MemberFormName = member, form
	}
	if keep != nil {
		keep(d)
	}
	return p.render(c, http.StatusUnprocessableEntity, "panel.html", d)
}

// memberParam reads the {user} of the path; a malformed one is no member.
func memberParam(c echo.Context) (int64, error) {
	n, err := strconv.ParseInt(c.Param("user"), 10, 64)
	if err != nil || n <= 0 {
		return 0, review.ErrNotFound
	}
	return n, nil
}
