package webui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
)

// kindCount is the number of visible cases of one kind.
type kindCount struct {
	Kind  caseformat.Kind
	Total int64
}

// homePage is the data of home.html: one block per role the caller holds.
type homePage struct {
	base
	Roles []access.Role
	// Cases: the caller sees cases at all (not auditors or admins).
	Cases  bool
	Total  int64
	Recent []casefile.Item
	// Secretariat and experts: counts by kind.
	Counts []kindCount
	// Secretariat: drafts awaiting approval.
	ApproveDrafts bool
	Drafts        []casefile.Draft
	// Reporters: their organisation's cases.
	Reporter bool
	Own      []casefile.Item
	// Editors: the published and anonymised material.
	Editor bool
	// Auditors: the state of the chain.
	Chain *audit.VerifyResult
	// Admins: the number of users.
	Admin     bool
	UserCount int
	// Deadlines: the overdue reports the caller may see (secretariat,
	// committee, reporters); Notifications: a reporter's unread reminders.
	Deadlines, Notifications bool
	Overdue, Unread          int64
	// The secretariat: the cases awaiting triage.
	triageHome
	// Queue: an expert's open assignments (「担当事案」).
	Queue *homeQueue
	// The follow-up survey: the secretariat's link, a reporter's count.
	surveyHome
}

// home is the signed-in start page. Every count on it is filtered by the
// caller's visibility in SQL: the page never counts what the caller may not
// see.
func (p *pages) home(c echo.Context) error {
	ctx := c.Request().Context()
	u := user(c)
	sub := u.Subject
	d := &homePage{base: p.newBase(c, "home.title", "home"), Roles: u.Roles}
	d.Cases = u.Has(access.Secretariat) || u.Has(access.Expert) || u.Has(access.Reporter) || u.Has(access.Editor)
	if d.Cases {
		page, err := p.Cases.List(ctx, sub, casefile.Query{Limit: 10})
		if err != nil {
			return err
		}
		d.Total, d.Recent = page.Total, page.Items
	}
	if u.Has(access.Secretariat) || u.Has(access.Expert) {
		for _, k := range caseformat.Kinds {
			n, err := p.Cases.Count(ctx, sub, casefile.Query{Kind: string(k)})
			if err != nil {
				return err
			}
			d.Counts = append(d.Counts, kindCount{Kind: k, Total: n})
		}
	}
	if u.Has(access.Secretariat) {
		d.ApproveDrafts = true
		var err error
		if d.Drafts, err = p.Cases.Drafts(ctx, sub, 50); err != nil {
			return err
		}
	}
	if u.Has(access.Reporter) && u.OrgName != "" {
		d.Reporter = true
		page, err := p.Cases.List(ctx, sub, casefile.Query{Organisation: u.OrgID, Limit: 50})
		if err != nil {
			return err
		}
		d.Own = page.Items
	}
	d.Editor = u.Has(access.Editor)
	if p.Access.CanSystem(sub, access.AuditTrail, access.Read) {
		var err error
		if d.Chain, err = p.chain(ctx); err != nil {
			return err
		}
	}
	if p.Access.CanSystem(sub, access.Users, access.Manage) {
		d.Admin = true
		users, err := p.Identity.List(ctx)
		if err != nil {
			return err
		}
		d.UserCount = len(users)
	}
	if err := p.homeDeadlines(c, d); err != nil {
		return err
	}
	if err := p.homeTriage(c, d); err != nil {
		return err
	}
	if err := p.homeReview(c, d); err != nil {
		return err
	}
	if err := p.homeSurveys(c, d); err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "home.html", d)
}
