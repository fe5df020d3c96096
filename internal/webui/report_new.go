package webui

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
)

// reportNew opens an empty form (?form=quick…), or with ?case=ID a detailed
// report or an amendment of one of the organisation's cases, filled in from
// the last report the organisation filed there: what was said once is not
// typed again. Nothing is saved until the reporter saves or submits.
func (p *pages) reportNew(c echo.Context) error {
	if err := mayReport(c); err != nil {
		return err
	}
	kind := formKind(c.QueryParam("form"))
	if !kind.valid() {
		return echo.ErrNotFound
	}
	f := &reportForm{Kind: kind, CaseKind: kind.fixedCaseKind(), Values: url.Values{}, cat: p.Portal.Catalogue}
	if f.CaseKind == "" {
		f.CaseKind = caseformat.KindAccident
	}
	d := p.reportPage(c, f)
	if s := c.QueryParam("case"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 || (kind != formDetailed && kind != formAmendment) {
			return echo.ErrNotFound
		}
		pre, err := p.Portal.Prefill(c.Request().Context(), user(c).Subject, id)
		if err != nil {
			return err
		}
		if pre.CaseKind != caseformat.KindAccident && pre.CaseKind != caseformat.KindNearMiss {
			return echo.ErrNotFound
		}
		// A second detailed report is an amendment, and an amendment needs
		// a detailed report before it: the form follows the case.
		switch {
		case kind == formDetailed && pre.Detailed:
			f.Kind = formAmendment
		case kind == formAmendment && !pre.Detailed:
			f.Kind = formDetailed
		}
		if err := f.loadBody(pre.Body); err != nil {
			return err
		}
		f.followUp()
		f.CaseID, f.CaseKind = pre.CaseID, pre.CaseKind
		d = p.reportPage(c, f)
		d.CaseRef = f.Values.Get("ref")
		d.Notice = d.T("rf.notice.prefilled")
		if pre.ReportID == 0 {
			d.Notice = d.T("rf.notice.prefilled.case")
		}
	} else {
		f.Values.Set("ref", defaultRef(time.Now()))
	}
	return p.renderForm(c, http.StatusOK, d)
}

// defaultRef proposes a reporter's reference for a new report: the time it
// was started, which the reporter may replace with its own numbering.
func defaultRef(now time.Time) string {
	return "R-" + now.In(jpdate.JST).Format("20060102-150405")
}
