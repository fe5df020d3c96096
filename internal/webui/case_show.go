package webui

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/redact"
)

// casePage is the data of case.html: the caller's view of one case, the
// actions it allows, and what a failed form sends back.
type casePage struct {
	base
	View *casefile.View
	// Actions, from View.Can: the page offers nothing the service would
	// refuse.
	CanShare, CanPublish, CanApprove, CanWrite bool
	IsAccident, IsNearMiss                     bool

	// Sharing: the designated institutions not yet sharing the case, the
	// form as sent and its errors by field.
	ShareOrgs   []orgOption
	ShareOrg    string
	ShareReason string
	ShareErrors map[string]string
	ShareFlash  string

	// Anonymisation: the editor's text, and why a save or approval failed.
	AnonText     string
	AnonConflict bool
	AnonError    string
	Leak         *leakView

	// Committee notes: the text being edited and a conflict.
	NotesText     string
	NotesConflict bool

	// Raised tiers: the raise form as sent, the section whose lowering
	// failed, and why.
	RaiseForm    casefile.RaiseRequest
	LowerSection string
	RaiseError   string

	// Desk is the secretariat's intake desk (nil for everyone else).
	Desk *intakeDesk
	// CanTriage links the case to its triage page (the secretariat).
	CanTriage bool

	// Review is where the committee's review stands, with its links (nil
	// for those who do not read the committee part).
	Review *caseReview

	// people names the users who shared or published, by subject key.
	people map[string]string
}

// RaiseSections are the parts whose tier can be raised, with the tiers
// each can be raised to.
func (d *casePage) RaiseSections() []raiseOption {
	var out []raiseOption
	for _, s := range casefile.RaisableSections {
		out = append(out, raiseOption{Section: s, Tiers: casefile.RaiseTargets(s)})
	}
	return out
}

// raiseOption is a section and the tiers it can be raised to.
type raiseOption struct {
	Section string
	Tiers   []access.Tier
}

// Who names the user behind a subject key ("user:7"), or gives the key.
func (d *casePage) Who(key string) string {
	if n, ok := d.people[key]; ok {
		return n
	}
	return key
}

// leakView is a blocked approval: the spans that name an operator, and
// the text cut into plain and marked segments.
type leakView struct {
	Leaks    []redact.Leak
	Segments []segment
}

// segment is a piece of a text, marked when it is a leak.
type segment struct {
	Text string
	Leak *redact.Leak
}

// LeakKind names a kind of leak.
func (b *base) LeakKind(k string) string { return codeLabel(b.Lang, "leak.", k) }

// markLeaks cuts text at the leaks' byte offsets. Overlapping or
// out-of-range spans are skipped rather than trusted: the text shown must
// be exactly the text that was scanned.
func markLeaks(text string, leaks []redact.Leak) []segment {
	ls := slices.Clone(leaks)
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Start < ls[j].Start })
	var out []segment
	at := 0
	for i := range ls {
		l := &ls[i]
		if l.Start < at || l.End > len(text) || l.Start >= l.End {
			continue
		}
		if l.Start > at {
			out = append(out, segment{Text: text[at:l.Start]})
		}
		out = append(out, segment{Text: text[l.Start:l.End], Leak: l})
		at = l.End
	}
	if at < len(text) {
		out = append(out, segment{Text: text[at:]})
	}
	return out
}

// caseID reads the {id} of the path; a malformed id is a case that does
// not exist.
func caseID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, casefile.ErrNotFound
	}
	return id, nil
}

// loadCase reads case id as the caller may see it and what the page needs
// around it. ErrNotFound when the caller may see nothing: the same 404 as
// an id that does not exist.
func (p *pages) loadCase(c echo.Context, id int64) (*casePage, error) {
	v, err := p.Cases.Get(c.Request().Context(), user(c).Subject, id)
	if err != nil {
		return nil, err
	}
	d := &casePage{base: p.newBase(c, "sec.overview", "cases"), View: v,
		CanShare: v.Can(access.Share), CanPublish: v.Can(access.Publish), CanApprove: v.Can(access.Approve), CanWrite: v.Can(access.Write),
		IsAccident: v.Kind == caseformat.KindAccident, IsNearMiss: v.Kind == caseformat.KindNearMiss}
	d.Title = d.Tf("cases.case", id)
	if v.Overview != nil {
		d.Title = v.Overview.Ref
	}
	d.Marking = pageMarking(v)
	if v.Committee != nil {
		d.NotesText = v.Committee.Notes
		if a := v.Committee.Anonymising; a != nil {
			d.AnonText = a.Text
		}
	}
	if v.Committee != nil && (len(v.Committee.Shares) > 0 || v.Committee.PublishedBy != "") {
		if d.people, err = p.people(c); err != nil {
			return nil, err
		}
	}
	if d.CanShare && v.Committee != nil {
		if d.ShareOrgs, err = p.shareable(c, v); err != nil {
			return nil, err
		}
	}
	d.CanTriage = p.Review != nil && v.Committee != nil && p.mayTriage(user(c).Subject)
	if err := p.loadDesk(c, d); err != nil {
		return nil, err
	}
	if err := p.loadCaseReview(c, d); err != nil {
		return nil, err
	}
	return d, nil
}

// names are the people a page names ("who decided", "who changed it"),
// by subject key, loaded once per page by withPeople.
type names struct {
	people map[string]string
}

// Who names the user behind a subject key ("user:7"), or gives the key.
func (n *names) Who(key string) string {
	if name, ok := n.people[key]; ok {
		return name
	}
	return key
}

// withPeople loads the names of the users into n, once per page.
func (p *pages) withPeople(c echo.Context, n *names) error {
	if n.people != nil || p.Identity == nil {
		return nil
	}
	var err error
	n.people, err = p.people(c)
	return err
}

// people names every user by subject key: "事務局 太郎 (secretariat)".
func (p *pages) people(c echo.Context) (map[string]string, error) {
	users, err := p.Identity.List(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(users))
	for _, u := range users {
		out[access.UserKey(u.ID)] = u.Name + " (" + u.Login + ")"
	}
	return out, nil
}

// shareable are the designated institutions the case can still be shared
// with: not its operators, not those that have it already.
func (p *pages) shareable(c echo.Context, v *casefile.View) ([]orgOption, error) {
	orgs, err := p.designatedOrgs(c.Request().Context())
	if err != nil {
		return nil, err
	}
	var out []orgOption
	for _, o := range orgs {
		if v.Overview != nil && slices.Contains(v.Overview.Operators, o.Name) {
			continue
		}
		if slices.ContainsFunc(v.Committee.Shares, func(s casefile.Share) bool { return s.OrgID == o.ID }) {
			continue
		}
		out = append(out, o)
	}
	return out, nil
}

// pageMarking is the most restrictive TLP label among the sections shown: a
// printed page carries it at the top, as TLP 2.0 asks.
func pageMarking(v *casefile.View) string {
	rank := map[string]int{"TLP:CLEAR": 1, "TLP:GREEN": 2, "TLP:AMBER": 3, "TLP:AMBER+STRICT": 4, "TLP:RED": 5}
	best := ""
	for _, t := range v.Tiers() {
		if l := t.TLP(); rank[l] > rank[best] {
			best = l
		}
	}
	return best
}

// caseShow is the case page.
func (p *pages) caseShow(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	d, err := p.loadCase(c, id)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "case.html", d)
}

// formText is a multi-line form field with the browser's CRLF line ends
// turned back into the LF the texts are stored with, so that an unchanged
// text compares equal to what was loaded.
func formText(c echo.Context, name string) string {
	return strings.ReplaceAll(c.FormValue(name), "\r\n", "\n")
}

// backToCase ends a successful form with a redirect to the case page (the
// GET of POST-redirect-GET), with a confirmation and the section to show.
func backToCase(c echo.Context, id int64, done, anchor string) error {
	u := "/cases/" + strconv.FormatInt(id, 10) + "?done=" + done
	if anchor != "" {
		u += "#" + anchor
	}
	return c.Redirect(http.StatusSeeOther, u)
}
