package webui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/identity"
	"kensho/internal/jpdate"
	"kensho/web"
)

// base is what every page gets: the language, the caller, the form token
// and the strings. Page data embeds it, so templates say {{.T "key"}} at
// the top level and {{$.T "key"}} inside a range.
type base struct {
	Lang string
	User *identity.Principal
	// CSRF is the token forms carry: the session's, or the pre-session
	// token on the login form.
	CSRF string
	// Next is where the language switch comes back to; empty on error
	// pages, whose body must not depend on the path asked for.
	Next string
	// Title is the page's title (already translated).
	Title string
	// Nav marks the current item of the navigation.
	Nav string
	// Flash is a translated confirmation after a POST-redirect-GET.
	Flash string
	// Marking is the most restrictive TLP label on the page ("" if none).
	Marking string
	// NavCases, NavAudit and NavUsers show the links to the pages the
	// caller has a use for (the pages check again).
	NavCases, NavAudit, NavUsers bool
	// NavDeadlines and NavNotifications show the deadlines queue and the
	// reminders to those who have them.
	NavDeadlines, NavNotifications bool
	// NavReports shows the report forms to reporters.
	NavReports bool
	// NavTriage shows the triage desk to those who triage (the secretariat).
	NavTriage bool
	// NavReview (an expert's queue, every queue for the secretariat),
	// NavLessons (the catalogue) and NavGuidance (the committee's guidance
	// records) show the review's pages to those who have them.
	NavReview, NavLessons, NavGuidance bool
	// NavWhatIf shows the what-if study to those who may run it.
	NavWhatIf bool
	// NavSurveys shows the follow-up surveys to the secretariat and to
	// reporters, who answer them.
	NavSurveys bool
}

// T translates key.
func (b *base) T(key string) string { return tr(b.Lang, key) }

// Tf translates key and formats args into it.
func (b *base) Tf(key string, args ...any) string { return trf(b.Lang, key, args...) }

// Date is a date as the reader expects it: 和暦 with the Western year in
// Japanese, ISO 8601 in English. Always in JST, where the accidents happen.
func (b *base) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if b.Lang == langEN {
		return jpdate.DateOf(t)
	}
	return jpdate.Wareki(t)
}

// DateTime is Date with the JST time of day.
func (b *base) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return b.Date(t) + " " + t.In(jpdate.JST).Format("15:04")
}

// FY is a Japanese fiscal year (April–March): 令和5年度(2023年度), FY2023.
func (b *base) FY(fy int) string {
	if fy == 0 {
		return "—"
	}
	if b.Lang == langEN {
		return fmt.Sprintf("FY%d", fy)
	}
	return jpdate.FiscalYearName(fy) // fiscal 2019 is 令和元年度
}

// Kind names a kind of case.
func (b *base) Kind(k any) string { return codeLabel(b.Lang, "kind.", fmt.Sprint(k)) }

// Tier names a confidentiality tier.
func (b *base) Tier(t access.Tier) string { return codeLabel(b.Lang, "tier.", string(t)) }

// Role names a role.
func (b *base) Role(r any) string { return codeLabel(b.Lang, "role.", fmt.Sprint(r)) }

// Field names a field of expertise.
func (b *base) Field(f string) string { return codeLabel(b.Lang, "field.", f) }

// Action names an audited action.
func (b *base) Action(a string) string { return codeLabel(b.Lang, "act.", a) }

// Service names an affected service.
func (b *base) Service(s any) string { return codeLabel(b.Lang, "svc.", fmt.Sprint(s)) }

// Unit names what a user count counts.
func (b *base) Unit(u any) string { return codeLabel(b.Lang, "unit.", fmt.Sprint(u)) }

// Cause names a cause class (設備要因, 人為要因, 外的要因).
func (b *base) Cause(c string) string { return codeLabel(b.Lang, "cause.", c) }

// Archetype names a cause archetype.
func (b *base) Archetype(a string) string { return codeLabel(b.Lang, "arch.", a) }

// Situation names a near-miss situation.
func (b *base) Situation(s string) string { return codeLabel(b.Lang, "sit.", s) }

// Span is a period: the end's date is left out when it is the start's.
func (b *base) Span(start, end time.Time) string {
	if b.Date(start) == b.Date(end) {
		return b.DateTime(start) + "–" + end.In(jpdate.JST).Format("15:04")
	}
	return b.DateTime(start) + " – " + b.DateTime(end)
}

// Minutes is a duration in hours and minutes.
func (b *base) Minutes(m *float64) string {
	if m == nil {
		return "—"
	}
	n := int(*m + 0.5)
	return b.Tf("f.minutes", n/60, n%60)
}

// Num is a count with thousands separators (both languages use commas).
func (b *base) Num(n any) string {
	var v int64
	switch x := n.(type) {
	case *int64:
		if x == nil {
			return "—"
		}
		v = *x
	case int64:
		v = x
	case int:
		v = int64(x)
	default:
		return fmt.Sprint(n)
	}
	s := fmt.Sprint(v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// HXHeaders is the hx-headers value of <body>: htmx sends the form token
// with every request it makes, so fragments need no hidden field of their
// own (they have one anyway, for the plain POST).
func (b *base) HXHeaders() string {
	if b.CSRF == "" || b.User == nil {
		return ""
	}
	j, _ := json.Marshal(map[string]string{csrfHeader: b.CSRF})
	return string(j)
}

// LangURL is the link that switches to the other language.
func (b *base) LangURL() string {
	to := langEN
	if b.Lang == langEN {
		to = langJA
	}
	u := "/lang?to=" + to
	if b.Next != "" {
		u += "&next=" + url.QueryEscape(b.Next)
	}
	return u
}

// tlpClass is the CSS class of a TLP label: tlp-clear, tlp-amber, tlp-red.
func tlpClass(tlp string) string {
	return "tlp-" + strings.ToLower(strings.TrimPrefix(tlp, "TLP:"))
}

// newBase fills what every page needs from the request.
func (p *pages) newBase(c echo.Context, titleKey, nav string) base {
	b := p.bareBase(c)
	b.Nav, b.Next = nav, c.Request().URL.RequestURI()
	b.Title = b.T(titleKey)
	if k := c.QueryParam("done"); k != "" && hasMessage("flash."+k) {
		b.Flash = b.T("flash." + k)
	}
	return b
}

// bareBase is the language and the caller, without anything taken from
// the path (what error pages get).
func (p *pages) bareBase(c echo.Context) base {
	b := base{Lang: langOf(c), User: user(c)}
	if b.User != nil {
		b.CSRF = b.User.CSRF
		for _, r := range []access.Role{access.Secretariat, access.Expert, access.Reporter, access.Editor} {
			b.NavCases = b.NavCases || b.User.Has(r)
		}
		b.NavReports = b.User.Has(access.Reporter) && b.User.OrgID != 0
		if p.Access != nil {
			b.NavAudit = p.Access.CanSystem(b.User.Subject, access.AuditTrail, access.Read)
			b.NavUsers = p.Access.CanSystem(b.User.Subject, access.Users, access.Manage)
			b.NavTriage = p.Review != nil && p.mayTriage(b.User.Subject)
			b.NavWhatIf = p.WhatIf != nil && p.WhatIf.MayRun(b.User.Subject)
			if p.Deadlines != nil {
				b.NavDeadlines = p.Deadlines.MayRead(b.User.Subject)
				b.NavNotifications = p.Deadlines.MayReadNotifications(b.User.Subject)
			}
		}
		p.reviewNav(&b)
		b.NavSurveys = p.Surveys != nil && (p.Surveys.MayManage(b.User.Subject) || p.Surveys.MayAnswer(b.User.Subject))
	}
	return b
}

// templates are the pages, each parsed with the layout and the shared
// partials, so that every page can define "content" without clashing.
type templates map[string]*template.Template

// loadTemplates parses web/templates: layout.html and partials*.html
// (the fragments of a group of pages may have a file of their own) are
// shared; every other file is a page named after the file.
func loadTemplates() (templates, error) {
	funcs := template.FuncMap{"wareki": jpdate.Wareki, "tlpClass": tlpClass}
	shared, err := template.New("").Funcs(funcs).ParseFS(web.Templates, "templates/layout.html", "templates/partials*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(web.Templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := templates{}
	for _, f := range files {
		name := path.Base(f)
		if name == "layout.html" || strings.HasPrefix(name, "partials") {
			continue
		}
		t, err := shared.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(web.Templates, f); err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}

// render writes page name (through the layout) with status.
func (p *pages) render(c echo.Context, status int, name string, data any) error {
	return p.renderTemplate(c, status, name, "layout", data)
}

// renderFragment writes one template of a page without the layout (an
// htmx swap).
func (p *pages) renderFragment(c echo.Context, status int, page, tmpl string, data any) error {
	return p.renderTemplate(c, status, page, tmpl, data)
}

// renderTemplate executes one template of a page into a buffer first, so
// that a template error becomes an error page, not half a page.
func (p *pages) renderTemplate(c echo.Context, status int, page, tmpl string, data any) error {
	t, ok := p.tmpl[page]
	if !ok {
		return fmt.Errorf("webui: no template %s", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, tmpl, data); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// isHTMX reports whether htmx made the request (and wants a fragment).
func isHTMX(c echo.Context) bool {
	return c.Request().Header.Get("HX-Request") == "true"
}

// caseRows is a list of cases with the page's strings, for the
// "casetable" partial.
type caseRows struct {
	*base
	Items []casefile.Item
}

// Rows hands items to the "casetable" partial.
func (b *base) Rows(items []casefile.Item) caseRows { return caseRows{base: b, Items: items} }

// marking is a section's visible label: the TLP and the tier's name.
type marking struct {
	TLP, Name string
}

// Mark is the visible label of a section.
func (b *base) Mark(l casefile.Label) marking { return marking{TLP: l.TLP, Name: b.Tier(l.Tier)} }
