package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/jobs"
	"kensho/internal/jpdate"
	"kensho/internal/redact"
)

// The states of an edition.
const (
	StatusDraft     = "draft"
	StatusReview    = "review"
	StatusApproved  = "approved"
	StatusPublished = "published"
)

// The states of an edition's build.
const (
	BuildQueued  = "queued"
	BuildRunning = "running"
	BuildDone    = "done"
	BuildFailed  = "failed"
)

// Errors of the editions (besides casefile's InputError, ErrConflict and
// ErrForbidden, which the transports already map).
var (
	// ErrNotFound: no such edition, or one the caller may not see (an
	// unpublished edition, for the public).
	ErrNotFound = errors.New("report edition not found")
)

// StateError is an action the edition's state does not allow (409).
type StateError struct{ Message string }

func (e *StateError) Error() string { return e.Message }

// LeakError refuses a publication: the scanner found names the tiers
// forbid in the outputs, each listed with where it is.
type LeakError struct{ Findings []Finding }

func (e *LeakError) Error() string {
	var parts []string
	for _, f := range e.Findings {
		if f.Blocking {
			parts = append(parts, fmt.Sprintf("%s: %q (%s)", f.Where, f.Text, f.Kind))
		}
	}
	return fmt.Sprintf("%d span(s) name an operator where the tier forbids it: %s", len(parts), strings.Join(parts, "; "))
}

// Renderer makes the outputs of a report (package report's render files).
type Renderer interface {
	// XLSX is the statistics workbook.
	XLSX(r *Report) ([]byte, error)
	// Document is the standalone HTML printed to PDF; status marks a draft.
	Document(r *Report, contentHash, status string) ([]byte, error)
	// PDF prints a Document.
	PDF(ctx context.Context, doc []byte) ([]byte, error)
}

// Editions keeps the editions of the annual report and their workflow:
// draft → review → approved → published, each step checked against the
// policy (object AnnualReport), audited in its transaction.
type Editions struct {
	DB      *gorm.DB
	Access  *access.Control
	Builder *Builder
	Render  Renderer
	// Scanner gives the leak scanner over the registry as it is now.
	Scanner func(context.Context) (*redact.Scanner, error)
	Log     *slog.Logger
	// Now is the clock (tests set it); nil is time.Now.
	Now func() time.Time

	jobs *river.Client[*sql.Tx]
}

// QueueName is the River queue of report builds: a long PDF never holds
// up a reminder.
const QueueName = "reports"

// NewEditions builds the service; its build jobs are inserted through
// database/sql in the transaction that asks for them.
func NewEditions(gdb *gorm.DB, ac *access.Control, b *Builder, r Renderer, scanner func(context.Context) (*redact.Scanner, error), log *slog.Logger) (*Editions, error) {
	if log == nil {
		log = slog.Default()
	}
	e := &Editions{DB: gdb, Access: ac, Builder: b, Render: r, Scanner: scanner, Log: log}
	var err error
	e.jobs, err = jobs.Inserter(gdb, log, func(w *river.Workers) error { return river.AddWorkerSafely(w, &buildWorker{e: e}) })
	if err != nil {
		return nil, fmt.Errorf("report editions: %w", err)
	}
	return e, nil
}

// AddWorkers registers the build worker (jobs.Service).
func (e *Editions) AddWorkers(w *river.Workers) (string, error) {
	return QueueName, river.AddWorkerSafely(w, &buildWorker{e: e})
}

func (e *Editions) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// editionRow is a row of report_editions without the outputs' bytes.
type editionRow struct {
	ID            int64
	FiscalYear    int
	Edition       int
	Status        string
	Version       int
	Foreword      string
	Corrects      *int64
	Correction    string
	BuildState    string
	BuildStep     int
	BuildSteps    int
	BuildStage    string
	BuildError    string
	BuildNotes    []byte
	BuildMs       *int
	PdfMs         *int
	BuiltAt       *time.Time
	ContentSha256 *string
	XlsxSha256    *string
	PdfSha256     *string
	Findings      []byte
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedBy     string
	UpdatedAt     time.Time
	SubmittedBy   string
	SubmittedAt   *time.Time
	ApprovedBy    string
	ApprovedAt    *time.Time
	PublishedBy   string
	PublishedAt   *time.Time
}

const editionColumns = `id, fiscal_year, edition, status, version, foreword, corrects, correction, build_state, build_step,
	build_steps, build_stage, build_error, build_notes, build_ms, pdf_ms, built_at, content_sha256, xlsx_sha256, pdf_sha256,
	findings, created_by, created_at, updated_by, updated_at, submitted_by, submitted_at, approved_by, approved_at,
	published_by, published_at`

// Edition is one edition as the editors (or, published, everyone) see it.
type Edition struct {
	ID         int64  `json:"id"`
	FiscalYear int    `json:"fiscal_year"`
	Edition    int    `json:"edition"`
	Status     string `json:"status"`
	Version    int    `json:"version"`
	Foreword   string `json:"foreword"`
	// Corrects is the edition number this one corrects.
	Corrects   int    `json:"corrects,omitempty"`
	Correction string `json:"correction,omitempty"`
	// SupersededBy is the number of a later published edition of the year.
	SupersededBy int   `json:"superseded_by,omitempty"`
	Build        Build `json:"build"`
	// Hashes of the snapshot (SHA-256, hex): content is the JSON output.
	ContentSHA256 string     `json:"content_sha256,omitempty"`
	XLSXSHA256    string     `json:"xlsx_sha256,omitempty"`
	PDFSHA256     string     `json:"pdf_sha256,omitempty"`
	PublishedAt   *time.Time `json:"published_at,omitempty"`
	// The workflow's history and the editors' material: not public.
	Findings    []Finding  `json:"findings,omitempty"`
	Notes       *Notes     `json:"notes,omitempty"`
	Comments    []Remark   `json:"comments,omitempty"`
	CreatedBy   string     `json:"created_by,omitempty"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
	SubmittedBy string     `json:"submitted_by,omitempty"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	ApprovedBy  string     `json:"approved_by,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	PublishedBy string     `json:"published_by,omitempty"`
	// Actions the caller may take now.
	Actions []string `json:"actions,omitempty"`
}

// Build is where an edition's build stands.
type Build struct {
	State string `json:"state"`
	Step  int    `json:"step"`
	Steps int    `json:"steps"`
	Stage string `json:"stage,omitempty"`
	Error string `json:"error,omitempty"`
	// Millis is the build without the PDF; PDFMillis the PDF.
	Millis    *int       `json:"ms,omitempty"`
	PDFMillis *int       `json:"pdf_ms,omitempty"`
	BuiltAt   *time.Time `json:"built_at,omitempty"`
}

// Remark is a comment on an edition.
type Remark struct {
	ID         int64     `json:"id"`
	Author     string    `json:"author"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

func (r *editionRow) view(internal bool) *Edition {
	e := &Edition{ID: r.ID, FiscalYear: r.FiscalYear, Edition: r.Edition, Status: r.Status, Version: r.Version,
		Foreword: r.Foreword, Correction: r.Correction, PublishedAt: r.PublishedAt,
		ContentSHA256: deref(r.ContentSha256), XLSXSHA256: deref(r.XlsxSha256), PDFSHA256: deref(r.PdfSha256),
		Build: Build{State: r.BuildState, Step: r.BuildStep, Steps: r.BuildSteps, Stage: r.BuildStage, Error: r.BuildError,
			Millis: r.BuildMs, PDFMillis: r.PdfMs, BuiltAt: r.BuiltAt}}
	if !internal {
		e.Build = Build{State: r.BuildState, BuiltAt: r.BuiltAt}
		return e
	}
	if len(r.Findings) > 0 {
		_ = json.Unmarshal(r.Findings, &e.Findings)
	}
	if len(r.BuildNotes) > 0 {
		e.Notes = &Notes{}
		_ = json.Unmarshal(r.BuildNotes, e.Notes)
	}
	created := r.CreatedAt
	e.CreatedBy, e.CreatedAt = r.CreatedBy, &created
	e.SubmittedBy, e.SubmittedAt = r.SubmittedBy, r.SubmittedAt
	e.ApprovedBy, e.ApprovedAt = r.ApprovedBy, r.ApprovedAt
	e.PublishedBy = r.PublishedBy
	return e
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func actor(sub access.Subject) string {
	if sub.Key == "" {
		return access.Anonymous.Key
	}
	return sub.Key
}

// may reports whether sub may act on the editions.
func (e *Editions) may(sub access.Subject, act access.Action) bool {
	return e.Access.CanSystem(sub, access.AnnualReport, act)
}

// actions are the steps sub may take on r now.
func (e *Editions) actions(sub access.Subject, r *editionRow) []string {
	var out []string
	add := func(name string, act access.Action, ok bool) {
		if ok && e.may(sub, act) {
			out = append(out, name)
		}
	}
	building := r.BuildState == BuildQueued || r.BuildState == BuildRunning
	open := r.Status == StatusDraft || r.Status == StatusReview
	add("edit", access.Write, open)
	add("rebuild", access.Write, open && !building)
	add("submit", access.Write, r.Status == StatusDraft && r.BuildState == BuildDone)
	add("comment", access.Comment, r.Status != StatusPublished)
	add("return", access.Write, r.Status == StatusReview || r.Status == StatusApproved)
	add("approve", access.Approve, r.Status == StatusReview && r.BuildState == BuildDone)
	add("publish", access.Publish, r.Status == StatusApproved)
	add("correct", access.Write, r.Status == StatusPublished)
	return out
}

func (e *Editions) load(db *gorm.DB, id int64, lock bool) (*editionRow, error) {
	q := `SELECT ` + editionColumns + ` FROM report_editions WHERE id = ?`
	if lock {
		q += ` FOR UPDATE`
	}
	var rows []editionRow
	if err := db.Raw(q, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// Get is one edition for the editors and the secretariat, with its
// comments, findings and notes; for anyone else a published edition, its
// public part only, and ErrNotFound for the rest.
func (e *Editions) Get(ctx context.Context, sub access.Subject, id int64) (*Edition, error) {
	db := e.DB.WithContext(ctx)
	r, err := e.load(db, id, false)
	if err != nil {
		return nil, err
	}
	internal := e.may(sub, access.Read)
	if !internal && r.Status != StatusPublished {
		return nil, ErrNotFound
	}
	v := r.view(internal)
	if err := e.decorate(db, v, r); err != nil {
		return nil, err
	}
	if internal {
		if v.Comments, err = e.comments(db, id); err != nil {
			return nil, err
		}
		v.Actions = e.actions(sub, r)
	}
	return v, nil
}

// decorate fills in the numbers of the editions v corrects and that
// supersede it.
func (e *Editions) decorate(db *gorm.DB, v *Edition, r *editionRow) error {
	if r.Corrects != nil {
		if err := db.Raw(`SELECT edition FROM report_editions WHERE id = ?`, *r.Corrects).Scan(&v.Corrects).Error; err != nil {
			return err
		}
	}
	if r.Status == StatusPublished {
		var later []int
		if err := db.Raw(`SELECT edition FROM report_editions WHERE fiscal_year = ? AND status = 'published' AND edition > ?
			ORDER BY edition DESC LIMIT 1`, r.FiscalYear, r.Edition).Scan(&later).Error; err != nil {
			return err
		}
		if len(later) > 0 {
			v.SupersededBy = later[0]
		}
	}
	return nil
}

func (e *Editions) comments(db *gorm.DB, id int64) ([]Remark, error) {
	out := []Remark{}
	err := db.Raw(`SELECT id, author, author_name, body, created_at FROM report_comments WHERE edition_id = ? ORDER BY id`, id).
		Scan(&out).Error
	return out, err
}

// List is every edition for the editors (newest year first), or the
// published ones for anyone else.
func (e *Editions) List(ctx context.Context, sub access.Subject) ([]*Edition, error) {
	internal := e.may(sub, access.Read)
	q := `SELECT ` + editionColumns + ` FROM report_editions`
	if !internal {
		q += ` WHERE status = 'published'`
	}
	var rows []editionRow
	if err := e.DB.WithContext(ctx).Raw(q + ` ORDER BY fiscal_year DESC, edition DESC`).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := []*Edition{}
	latest := map[int]int{} // the newest published edition of each year
	for i := range rows {
		r := &rows[i]
		v := r.view(internal)
		v.Findings, v.Notes = nil, nil
		if r.Status == StatusPublished {
			if n, ok := latest[r.FiscalYear]; ok {
				v.SupersededBy = n
			} else {
				latest[r.FiscalYear] = r.Edition
			}
		}
		if internal {
			v.Actions = e.actions(sub, r)
		}
		out = append(out, v)
	}
	return out, nil
}

// Published is the newest published edition of fiscal year fy, or edition
// n of it (n > 0) if that one is published.
func (e *Editions) Published(ctx context.Context, fy, n int) (*Edition, error) {
	q := `SELECT id FROM report_editions WHERE fiscal_year = ? AND status = 'published'`
	args := []any{fy}
	if n > 0 {
		q, args = q+` AND edition = ?`, append(args, n)
	}
	var ids []int64
	if err := e.DB.WithContext(ctx).Raw(q+` ORDER BY edition DESC LIMIT 1`, args...).Scan(&ids).Error; err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, ErrNotFound
	}
	return e.Get(ctx, access.Anonymous, ids[0])
}

// Output is one stored output of an edition.
type Output struct {
	Name   string
	Type   string
	Body   []byte
	SHA256 string
}

// The outputs an edition stores.
const (
	OutputJSON = "json"
	OutputXLSX = "xlsx"
	OutputPDF  = "pdf"
)

// Output returns an edition's stored output: to anyone when published,
// to the editors and the secretariat always once built.
func (e *Editions) Output(ctx context.Context, sub access.Subject, id int64, kind string) (*Output, error) {
	col, typ := map[string][2]string{
		OutputJSON: {"content", "application/json"},
		OutputXLSX: {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		OutputPDF:  {"pdf", "application/pdf"},
	}[kind], ""
	if col[0] == "" {
		return nil, ErrNotFound
	}
	typ = col[1]
	var rows []struct {
		FiscalYear int
		Edition    int
		Status     string
		Body       []byte
		Sha        *string
	}
	if err := e.DB.WithContext(ctx).Raw(`SELECT fiscal_year, edition, status, `+col[0]+` AS body, `+col[0]+`_sha256 AS sha
		FROM report_editions WHERE id = ?`, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 || (rows[0].Status != StatusPublished && !e.may(sub, access.Read)) || rows[0].Body == nil {
		return nil, ErrNotFound
	}
	r := rows[0]
	return &Output{Name: fmt.Sprintf("kensho-annual-report-fy%d-ed%d.%s", r.FiscalYear, r.Edition, kind), Type: typ,
		Body: r.Body, SHA256: deref(r.Sha)}, nil
}

// Report decodes an edition's snapshot (ErrNotFound as Output).
func (e *Editions) Report(ctx context.Context, sub access.Subject, id int64) (*Report, error) {
	out, err := e.Output(ctx, sub, id, OutputJSON)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(out.Body, &r); err != nil {
		return nil, fmt.Errorf("edition %d: stored content: %w", id, err)
	}
	return &r, nil
}

// CreateInput starts an edition: a fiscal year's first, or the
// correction of a published one.
type CreateInput struct {
	FiscalYear int    `json:"fiscal_year"`
	Foreword   string `json:"foreword"`
	// Corrects is the id of the published edition this one corrects;
	// Correction says what changed (required with Corrects).
	Corrects   int64  `json:"corrects,omitempty"`
	Correction string `json:"correction,omitempty"`
}

// maxText bounds the editors' texts.
const maxText = 20000

// Create starts the next edition of a fiscal year and queues its build.
// A year has one edition in the making at a time; an edition after the
// first of a year must be a correction of the newest published one.
func (e *Editions) Create(ctx context.Context, sub access.Subject, in CreateInput) (*Edition, error) {
	if !e.may(sub, access.Write) {
		return nil, casefile.ErrForbidden
	}
	this := jpdate.FiscalYear(e.now())
	switch {
	case in.FiscalYear < 2000 || in.FiscalYear > this:
		return nil, &casefile.InputError{Field: "fiscal_year", Code: "range",
			Message: fmt.Sprintf("must be a fiscal year from 2000 to %d", this)}
	case len(in.Foreword) > maxText:
		return nil, &casefile.InputError{Field: "foreword", Code: "too_long", Message: fmt.Sprintf("at most %d bytes", maxText)}
	case len(in.Correction) > maxText:
		return nil, &casefile.InputError{Field: "correction", Code: "too_long", Message: fmt.Sprintf("at most %d bytes", maxText)}
	}
	var id int64
	err := e.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// One writer per year at a time: the edition number and the
		// one-open-edition rule are decided under this lock.
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(hashtext('report_editions'), ?)`, in.FiscalYear).Error; err != nil {
			return err
		}
		var open []int
		if err := tx.Raw(`SELECT edition FROM report_editions WHERE fiscal_year = ? AND status <> 'published'`, in.FiscalYear).
			Scan(&open).Error; err != nil {
			return err
		}
		if len(open) > 0 {
			return &StateError{Message: fmt.Sprintf("edition %d of fiscal %d is still in the making: finish or correct that one", open[0], in.FiscalYear)}
		}
		var latest []struct {
			ID      int64
			Edition int
		}
		if err := tx.Raw(`SELECT id, edition FROM report_editions WHERE fiscal_year = ? ORDER BY edition DESC LIMIT 1`, in.FiscalYear).
			Scan(&latest).Error; err != nil {
			return err
		}
		n := 1
		var corrects *int64
		if len(latest) > 0 {
			if in.Corrects != latest[0].ID {
				return &casefile.InputError{Field: "corrects", Code: "required",
					Message: fmt.Sprintf("fiscal %d has a published edition %d: a new edition is its correction (corrects = %d)", in.FiscalYear, latest[0].Edition, latest[0].ID)}
			}
			if strings.TrimSpace(in.Correction) == "" {
				return &casefile.InputError{Field: "correction", Code: "required", Message: "say what the correction changes"}
			}
			n, corrects = latest[0].Edition+1, &latest[0].ID
		} else if in.Corrects != 0 {
			return &casefile.InputError{Field: "corrects", Code: "invalid", Message: fmt.Sprintf("fiscal %d has no published edition to correct", in.FiscalYear)}
		}
		who := actor(sub)
		if err := tx.Raw(`INSERT INTO report_editions (fiscal_year, edition, foreword, corrects, correction, build_steps, created_by, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.FiscalYear, n, in.Foreword, corrects, strings.TrimSpace(in.Correction),
			len(BuildSteps)+2, who, who).Scan(&id).Error; err != nil {
			return err
		}
		if err := e.enqueue(ctx, tx, id); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: who, Action: audit.ActionWrite, Object: editionObject(id),
			Detail: map[string]any{"created": true, "fiscal_year": in.FiscalYear, "edition": n, "corrects": corrects}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return e.Get(ctx, sub, id)
}

func editionObject(id int64) string { return fmt.Sprintf("reports/editions/%d", id) }

// enqueue inserts the build job of edition id in tx.
func (e *Editions) enqueue(ctx context.Context, tx *gorm.DB, id int64) error {
	stx, ok := jobs.SQLTx(tx)
	if !ok {
		return errors.New("report editions: no database/sql transaction to insert the build into")
	}
	_, err := e.jobs.InsertTx(ctx, stx, BuildArgs{EditionID: id}, nil)
	return err
}

// UpdateInput changes an edition's text: the foreword and, for a
// correction, what it corrects. Version is the version the editor loaded.
type UpdateInput struct {
	Version    int    `json:"version"`
	Foreword   string `json:"foreword"`
	Correction string `json:"correction"`
}

// Update saves the editors' text of a draft or an edition in review and
// builds it again (the text is part of the content and its hash).
func (e *Editions) Update(ctx context.Context, sub access.Subject, id int64, in UpdateInput) (*Edition, error) {
	if len(in.Foreword) > maxText {
		return nil, &casefile.InputError{Field: "foreword", Code: "too_long", Message: fmt.Sprintf("at most %d bytes", maxText)}
	}
	err := e.step(ctx, sub, id, in.Version, access.Write, func(tx *gorm.DB, r *editionRow) (map[string]any, error) {
		if r.Status != StatusDraft && r.Status != StatusReview {
			return nil, &StateError{Message: "only a draft or an edition in review can be changed (this one is " + r.Status + ")"}
		}
		if r.Corrects != nil && strings.TrimSpace(in.Correction) == "" {
			return nil, &casefile.InputError{Field: "correction", Code: "required", Message: "say what the correction changes"}
		}
		if r.Corrects == nil {
			in.Correction = ""
		}
		if err := tx.Exec(`UPDATE report_editions SET foreword = ?, correction = ?, build_state = 'queued', build_step = 0,
			build_error = '' WHERE id = ?`, in.Foreword, strings.TrimSpace(in.Correction), id).Error; err != nil {
			return nil, err
		}
		return map[string]any{"foreword": digest(in.Foreword), "correction": digest(in.Correction)}, e.enqueue(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	return e.Get(ctx, sub, id)
}

// Rebuild builds a draft or an edition in review again from the case base
// as it is now.
func (e *Editions) Rebuild(ctx context.Context, sub access.Subject, id int64, version int) (*Edition, error) {
	err := e.step(ctx, sub, id, version, access.Write, func(tx *gorm.DB, r *editionRow) (map[string]any, error) {
		if r.Status != StatusDraft && r.Status != StatusReview {
			return nil, &StateError{Message: "only a draft or an edition in review is built again (this one is " + r.Status + ")"}
		}
		if r.BuildState == BuildQueued || r.BuildState == BuildRunning {
			return nil, &StateError{Message: "the edition is being built; wait for the build to end"}
		}
		if err := tx.Exec(`UPDATE report_editions SET build_state = 'queued', build_step = 0, build_error = '' WHERE id = ?`, id).Error; err != nil {
			return nil, err
		}
		return map[string]any{"rebuild": true}, e.enqueue(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	return e.Get(ctx, sub, id)
}

// Submit sends a built draft to review.
func (e *Editions) Submit(ctx context.Context, sub access.Subject, id int64, version int) (*Edition, error) {
	return e.transition(ctx, sub, id, version, access.Write, StatusDraft, StatusReview, "submitted")
}

// Return sends an edition in review or approved back to draft, with the
// reason as a comment.
func (e *Editions) Return(ctx context.Context, sub access.Subject, id int64, version int, reason string) (*Edition, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, &casefile.InputError{Field: "reason", Code: "required", Message: "say why the edition goes back to draft"}
	}
	err := e.step(ctx, sub, id, version, access.Write, func(tx *gorm.DB, r *editionRow) (map[string]any, error) {
		if r.Status != StatusReview && r.Status != StatusApproved {
			return nil, &StateError{Message: "only an edition in review or approved goes back to draft (this one is " + r.Status + ")"}
		}
		if err := tx.Exec(`UPDATE report_editions SET status = 'draft', approved_by = '', approved_at = NULL WHERE id = ?`, id).Error; err != nil {
			return nil, err
		}
		return map[string]any{"status": StatusDraft, "reason": reason}, e.addComment(tx, sub, id, reason)
	})
	if err != nil {
		return nil, err
	}
	return e.Get(ctx, sub, id)
}

// Approve is the secretariat's approval of an edition in review.
func (e *Editions) Approve(ctx context.Context, sub access.Subject, id int64, version int) (*Edition, error) {
	return e.transition(ctx, sub, id, version, access.Approve, StatusReview, StatusApproved, "approved")
}

func (e *Editions) transition(ctx context.Context, sub access.Subject, id int64, version int, act access.Action, from, to, stamp string) (*Edition, error) {
	err := e.step(ctx, sub, id, version, act, func(tx *gorm.DB, r *editionRow) (map[string]any, error) {
		if r.Status != from {
			return nil, &StateError{Message: fmt.Sprintf("the edition is %s; it must be %s for this", r.Status, from)}
		}
		if r.BuildState != BuildDone {
			return nil, &StateError{Message: "the edition has no finished build yet (" + r.BuildState + ")"}
		}
		if err := tx.Exec(`UPDATE report_editions SET status = ?, `+stamp+`_by = ?, `+stamp+`_at = ? WHERE id = ?`,
			to, actor(sub), e.now(), id).Error; err != nil {
			return nil, err
		}
		return map[string]any{"status": to, "content_sha256": deref(r.ContentSha256)}, nil
	})
	if err != nil {
		return nil, err
	}
	return e.Get(ctx, sub, id)
}

// step runs change on edition id locked, after checking the caller's
// permission and the version it loaded, bumps the version and audits.
func (e *Editions) step(ctx context.Context, sub access.Subject, id int64, version int, act access.Action,
	change func(*gorm.DB, *editionRow) (map[string]any, error)) error {
	return e.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := e.load(tx, id, true)
		if err != nil {
			return err
		}
		if !e.may(sub, access.Read) {
			if r.Status == StatusPublished {
				return casefile.ErrForbidden
			}
			return ErrNotFound
		}
		if !e.may(sub, act) {
			return casefile.ErrForbidden
		}
		if r.Status == StatusPublished {
			return &StateError{Message: "a published edition never changes; correct it with a new edition"}
		}
		if version != r.Version {
			return casefile.ErrConflict
		}
		// The version first: once change has published the row, the
		// row may not be touched again.
		if err := tx.Exec(`UPDATE report_editions SET version = version + 1, updated_by = ?, updated_at = ? WHERE id = ?`,
			actor(sub), e.now(), id).Error; err != nil {
			return err
		}
		detail, err := change(tx, r)
		if err != nil {
			return err
		}
		detail["version"] = r.Version + 1
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: auditAction(act), Object: editionObject(id), Detail: detail})
		return err
	})
}

func auditAction(act access.Action) string {
	switch act {
	case access.Approve:
		return audit.ActionApprove
	case access.Publish:
		return audit.ActionPublish
	default:
		return audit.ActionWrite
	}
}

// AddComment adds a comment to an edition not yet published.
func (e *Editions) AddComment(ctx context.Context, sub access.Subject, id int64, body string) (*Remark, error) {
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return nil, &casefile.InputError{Field: "body", Code: "required", Message: "write the comment"}
	case len(body) > maxText:
		return nil, &casefile.InputError{Field: "body", Code: "too_long", Message: fmt.Sprintf("at most %d bytes", maxText)}
	}
	var out Remark
	err := e.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := e.load(tx, id, false)
		if err != nil {
			return err
		}
		if !e.may(sub, access.Read) {
			return ErrNotFound
		}
		if !e.may(sub, access.Comment) {
			return casefile.ErrForbidden
		}
		if r.Status == StatusPublished {
			return &StateError{Message: "a published edition takes no comments; correct it with a new edition"}
		}
		if err := e.addComment(tx, sub, id, body); err != nil {
			return err
		}
		if err := tx.Raw(`SELECT id, author, author_name, body, created_at FROM report_comments WHERE edition_id = ? ORDER BY id DESC LIMIT 1`, id).
			Scan(&out).Error; err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionComment, Object: editionObject(id),
			Detail: map[string]any{"comment": out.ID, "body": digest(body)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (e *Editions) addComment(tx *gorm.DB, sub access.Subject, id int64, body string) error {
	var name string
	if uid := sub.UserID(); uid > 0 {
		if err := tx.Raw(`SELECT coalesce(nullif(display_name, ''), login) FROM users WHERE id = ?`, uid).Scan(&name).Error; err != nil {
			return err
		}
	}
	return tx.Exec(`INSERT INTO report_comments (edition_id, author, author_name, body) VALUES (?, ?, ?, ?)`,
		id, actor(sub), name, body).Error
}

// digest stands for a text in the audit trail, which keeps no texts.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// Publish publishes an approved edition, once the leak scanner finds
// nothing forbidden in any of its outputs. A refusal is recorded (audit
// publish.blocked, the findings on the edition) and returned as a
// LeakError naming each span.
func (e *Editions) Publish(ctx context.Context, sub access.Subject, id int64, version int) (*Edition, error) {
	var blocked []Finding
	err := e.step(ctx, sub, id, version, access.Publish, func(tx *gorm.DB, r *editionRow) (map[string]any, error) {
		if r.Status != StatusApproved {
			return nil, &StateError{Message: fmt.Sprintf("the edition is %s; the secretariat approves it before it is published", r.Status)}
		}
		findings, err := e.scanStored(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		for _, f := range findings {
			if f.Blocking {
				blocked = append(blocked, f)
			}
		}
		if len(blocked) > 0 {
			return nil, &LeakError{Findings: findings}
		}
		fj, _ := json.Marshal(findings)
		if err := tx.Exec(`UPDATE report_editions SET findings = ?, status = 'published', published_by = ?, published_at = ?
			WHERE id = ?`, fj, actor(sub), e.now(), id).Error; err != nil {
			return nil, err
		}
		return map[string]any{"status": StatusPublished, "fiscal_year": r.FiscalYear, "edition": r.Edition,
			"content_sha256": deref(r.ContentSha256), "xlsx_sha256": deref(r.XlsxSha256), "pdf_sha256": deref(r.PdfSha256)}, nil
	})
	if err != nil && len(blocked) > 0 {
		// The refusal is kept outside the refused transaction.
		fj, _ := json.Marshal(blocked)
		if rerr := e.DB.WithContext(ctx).Exec(`UPDATE report_editions SET findings = ? WHERE id = ? AND status <> 'published'`, fj, id).Error; rerr != nil {
			return nil, rerr
		}
		if rerr := audit.Record(ctx, e.DB, audit.Event{Actor: actor(sub), Action: audit.ActionPublishBlock, Object: editionObject(id),
			Detail: map[string]any{"spans": len(blocked)}}); rerr != nil {
			return nil, rerr
		}
	}
	if err != nil {
		return nil, err
	}
	return e.Get(ctx, sub, id)
}

// scanStored scans the stored outputs of edition id.
func (e *Editions) scanStored(ctx context.Context, tx *gorm.DB, id int64) ([]Finding, error) {
	var rows []struct{ Content, Xlsx []byte }
	if err := tx.Raw(`SELECT content, xlsx FROM report_editions WHERE id = ?`, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 || rows[0].Content == nil {
		return nil, &StateError{Message: "the edition has no build to publish"}
	}
	var r Report
	if err := json.Unmarshal(rows[0].Content, &r); err != nil {
		return nil, err
	}
	sc, err := e.Scanner(ctx)
	if err != nil {
		return nil, err
	}
	doc, err := e.Render.Document(&r, "", StatusPublished)
	if err != nil {
		return nil, err
	}
	return Scan(sc, &r, map[string][]byte{OutputJSON: rows[0].Content, OutputXLSX: rows[0].Xlsx, "html": doc})
}

// HashOf is the hex SHA-256 of b, as the editions show their outputs'.
func HashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Encode is the JSON output of r: indented, keys in the model's order,
// a final newline. The content hash is the SHA-256 of these bytes.
func Encode(r *Report) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
