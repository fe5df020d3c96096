package webui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/intake"
)

// reportDraft opens a saved draft in its form. A draft of another
// organisation is the same 404 as one that does not exist.
func (p *pages) reportDraft(c echo.Context) error {
	if err := mayReport(c); err != nil {
		return err
	}
	d, _, err := p.loadDraftPage(c)
	if err != nil {
		return err
	}
	return p.renderForm(c, http.StatusOK, d)
}

// draftID reads the {id} of the path; a malformed id is a draft that does
// not exist.
func draftID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, intake.ErrNotFound
	}
	return id, nil
}

// loadDraftPage is the form of draft {id} as saved.
func (p *pages) loadDraftPage(c echo.Context) (*reportPage, *intake.Draft, error) {
	id, err := draftID(c)
	if err != nil {
		return nil, nil, err
	}
	dr, err := p.Portal.Draft(c.Request().Context(), user(c).Subject, id)
	if err != nil {
		return nil, nil, err
	}
	f := &reportForm{Kind: formKindOf(dr.ReportKind, dr.CaseKind), DraftID: dr.ID, Version: dr.Version,
		CaseID: dr.CaseID, CaseKind: dr.CaseKind, Values: url.Values{}, cat: p.Portal.Catalogue}
	if err := f.loadBody(dr.Body); err != nil {
		// A draft saved through the API need not fit the form: start from
		// what the form can show rather than refuse to open it.
		f.Values = url.Values{}
	}
	f.CaseKind = dr.CaseKind
	d := p.reportPage(c, f)
	d.Attachments = dr.Attachments
	d.Submitted = dr.ReportID != 0
	if dr.CaseID != 0 {
		d.CaseRef = f.Values.Get("ref")
	}
	if d.Submitted {
		d.Notice = d.T("rf.notice.submitted")
	}
	return d, dr, nil
}
