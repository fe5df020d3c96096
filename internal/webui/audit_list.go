package webui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/audit"
)

// auditActions are the actions the filter offers.
var auditActions = []string{
	audit.ActionLogin, audit.ActionLoginFailed, audit.ActionLogout, audit.ActionRead, audit.ActionWrite,
	audit.ActionShare, audit.ActionUnshare, audit.ActionPublish, audit.ActionAnonymise, audit.ActionApprove,
	audit.ActionPublishBlock, audit.ActionUserCreate, audit.ActionTokenCreate, audit.ActionPolicyLoad, audit.ActionImport,
	audit.ActionSubmit, audit.ActionDraft, audit.ActionAttach, audit.ActionValidate, audit.ActionLink, audit.ActionSplit, audit.ActionFlag,
}

// auditPageSize is the number of entries on a page of the trail.
const auditPageSize = 50

// auditPage is the data of audit.html.
type auditPage struct {
	base
	Actor, ActionFilter, CaseFilter string
	Actions                         []string
	Entries                         []audit.Entry
	OlderURL, ExportURL             string
	First                           bool
	Chain                           *audit.VerifyResult
	Error                           string
}

// mayAudit lets through only those the policy lets read the trail. The
// trail is not a case: a 403 here tells nothing that is secret.
func (p *pages) mayAudit(c echo.Context) error {
	if !p.Access.CanSystem(user(c).Subject, access.AuditTrail, access.Read) {
		return errForbidden
	}
	return nil
}

// auditFilter reads the filters; ok is false when the case id is not a
// number.
func auditFilter(c echo.Context) (audit.Query, bool) {
	q := audit.Query{Actor: c.QueryParam("actor"), Action: c.QueryParam("action")}
	ok := true
	if v := c.QueryParam("case"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		ok = err == nil && n > 0
		q.CaseID = n
	}
	if v := c.QueryParam("before"); v != "" {
		q.Before, _ = strconv.ParseInt(v, 10, 64)
	}
	return q, ok
}

// auditList is the audit trail, newest first, with the chain's state.
func (p *pages) auditList(c echo.Context) error {
	if err := p.mayAudit(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	q, ok := auditFilter(c)
	d := &auditPage{base: p.newBase(c, "audit.title", "audit"), Actor: q.Actor, ActionFilter: q.Action,
		CaseFilter: c.QueryParam("case"), Actions: auditActions, First: q.Before == 0}
	filters := url.Values{}
	for k, v := range map[string]string{"actor": q.Actor, "action": q.Action, "case": d.CaseFilter} {
		if v != "" {
			filters.Set(k, v)
		}
	}
	d.ExportURL = "/audit/export.csv"
	if len(filters) > 0 {
		d.ExportURL += "?" + filters.Encode()
	}
	var err error
	if d.Chain, err = p.chain(ctx); err != nil {
		return err
	}
	if !ok {
		d.Error = d.T("audit.badinput")
		return p.render(c, http.StatusBadRequest, "audit.html", d)
	}
	q.Limit = auditPageSize
	if d.Entries, err = audit.List(ctx, p.DB, q); err != nil {
		return err
	}
	if len(d.Entries) == auditPageSize {
		filters.Set("before", strconv.FormatInt(d.Entries[len(d.Entries)-1].ID, 10))
		d.OlderURL = "/audit?" + filters.Encode()
	}
	return p.render(c, http.StatusOK, "audit.html", d)
}
