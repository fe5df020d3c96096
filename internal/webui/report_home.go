package webui

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/intake"
)

// reportHomePage is the data of report-home.html: a reporter's drafts, its
// organisation's cases with the reports it filed, and the forms.
type reportHomePage struct {
	base
	// NewForms are the forms a new report starts from.
	NewForms []formKind
	Drafts   []draftItem
	Cases    []ownCase
}

// draftItem is one unsubmitted draft in the list.
type draftItem struct {
	ID          int64
	Form        formKind
	Ref         string
	Summary     string
	Version     int
	UpdatedBy   string
	UpdatedAt   time.Time
	Attachments int
}

// ownCase is a case of the organisation with its reports and the next
// report it can file there.
type ownCase struct {
	casefile.Item
	Reports []intake.OwnReport
	// Next is the follow-up offered: detailed or amendment ("" for none).
	Next formKind
}

// reportHome is the reporter's page for reporting: what is being written
// and what was filed. A case offers the detailed report until one is
// filed, then the amendment, each prefilled from the last report.
func (p *pages) reportHome(c echo.Context) error {
	if err := mayReport(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := user(c)
	d := &reportHomePage{base: p.newBase(c, "rf.home.title", "reports"),
		NewForms: []formKind{formQuick, formNearMiss, formDetailed, formQuarterly, formInformation}}
	drafts, err := p.Portal.Drafts(ctx, u.Subject)
	if err != nil {
		return err
	}
	people, err := p.people(c)
	if err != nil {
		return err
	}
	for _, dr := range drafts {
		if dr.ReportID != 0 {
			continue
		}
		it := draftItem{ID: dr.ID, Form: formKindOf(dr.ReportKind, dr.CaseKind), Version: dr.Version,
			UpdatedBy: dr.UpdatedBy, UpdatedAt: dr.UpdatedAt}
		if n, ok := people[dr.UpdatedBy]; ok {
			it.UpdatedBy = n
		}
		var head struct{ Ref, Summary string }
		if json.Unmarshal(dr.Body, &head) == nil {
			it.Ref, it.Summary = head.Ref, head.Summary
		}
		var full *intake.Draft
		if full, err = p.Portal.Draft(ctx, u.Subject, dr.ID); err != nil {
			return err
		}
		it.Attachments = len(full.Attachments)
		d.Drafts = append(d.Drafts, it)
	}
	page, err := p.Cases.List(ctx, u.Subject, casefile.Query{Organisation: u.OrgID, Limit: 50})
	if err != nil {
		return err
	}
	ids := make([]int64, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.ID
	}
	reports, err := p.Portal.OwnReports(ctx, u.Subject, ids)
	if err != nil {
		return err
	}
	for _, it := range page.Items {
		oc := ownCase{Item: it, Reports: reports[it.ID]}
		if it.Kind == caseformat.KindAccident || it.Kind == caseformat.KindNearMiss {
			oc.Next = formDetailed
			if slices.ContainsFunc(oc.Reports, func(r intake.OwnReport) bool {
				return r.Kind == intake.KindDetailed || r.Kind == intake.KindAmendment
			}) {
				oc.Next = formAmendment
			}
		}
		d.Cases = append(d.Cases, oc)
	}
	return p.render(c, http.StatusOK, "report-home.html", d)
}

// ReportKind names a kind of report (一報, 詳細な報告…).
func (b *base) ReportKind(k intake.ReportKind) string { return codeLabel(b.Lang, "rkind.", string(k)) }
