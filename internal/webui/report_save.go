package webui

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/intake"
)

// reportSave saves the form as a draft (「下書き保存」), with the file
// chosen, if any, attached to it. The draft need not be complete. A save
// from a stale version shows who changed what in between and keeps what
// was typed; saving again then overwrites.
func (p *pages) reportSave(c echo.Context) error {
	return p.saveThen(c, "?done=draftsaved")
}

// saveThen saves the posted form as a draft and goes on to the draft's
// page plus then; a conflict or a refused field shows the form again.
func (p *pages) saveThen(c echo.Context, then string) error {
	if err := mayReport(c); err != nil {
		return err
	}
	d, status, err := p.saveForm(c)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return p.renderForm(c, status, d)
	}
	return c.Redirect(http.StatusSeeOther, "/report-forms/drafts/"+strconv.FormatInt(d.F.DraftID, 10)+then)
}

// saveForm reads the posted form and saves it as a draft. A status other
// than 200 means the page must be shown again as d holds it: a conflict
// (409), or fields that could not be read or a file refused (422; the draft
// is saved all the same, with what could be read).
func (p *pages) saveForm(c echo.Context) (*reportPage, int, error) {
	values, err := c.FormParams()
	if err != nil {
		return nil, 0, err
	}
	ctx := c.Request().Context()
	sub := user(c).Subject
	f := parseReportForm(values)
	d := p.reportPage(c, f)
	in := intake.DraftInput{ID: f.DraftID, Version: f.Version, CaseID: f.CaseID, CaseKind: f.CaseKind,
		ReportKind: f.Kind.reportKind(), Body: f.body(d.org)}
	saved, err := p.Portal.SaveDraft(ctx, sub, in)
	if ce, ok := intake.IsConflict(err); ok {
		d.Conflict = d.conflictOf(c, p, ce)
		// The next save starts from the version now current: it
		// overwrites, knowingly.
		f.Version = ce.Current
		if cur, err := p.Portal.Draft(ctx, sub, f.DraftID); err == nil {
			d.Attachments = cur.Attachments
		}
		d.addProblems()
		return d, http.StatusConflict, nil
	}
	var input *intake.InputError
	if errors.As(err, &input) {
		d.Errors = d.formErrors(err)
		return d, http.StatusUnprocessableEntity, nil
	}
	if err != nil {
		return nil, 0, err
	}
	f.DraftID, f.Version, d.Attachments = saved.ID, saved.Version, saved.Attachments
	status := http.StatusOK
	if len(f.problems) > 0 {
		d.addProblems()
		status = http.StatusUnprocessableEntity
	}
	if fh, err := c.FormFile("file"); err == nil && fh.Filename != "" {
		meta, err := p.attach(c, f.DraftID, fh)
		if errors.As(err, &input) {
			d.Errors = append(d.Errors, d.formErrors(err)...)
			return d, http.StatusUnprocessableEntity, nil
		}
		if err != nil {
			return nil, 0, err
		}
		d.Attachments = append(d.Attachments, *meta)
	}
	return d, status, nil
}

// attach reads an uploaded file, at most one byte past the limit (the
// intake refuses it then with the limit), and attaches it to the draft.
func (p *pages) attach(c echo.Context, draftID int64, fh *multipart.FileHeader) (*intake.AttachmentMeta, error) {
	file, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	limit := p.Portal.MaxAttachment
	if limit <= 0 {
		limit = intake.DefaultMaxAttachment
	}
	data, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return nil, err
	}
	return p.Portal.Attach(c.Request().Context(), user(c).Subject, draftID, fh.Filename, data)
}
