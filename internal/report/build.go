package report

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// BuildArgs is the River job that builds one edition.
type BuildArgs struct {
	EditionID int64 `json:"edition_id"`
}

// Kind names the job.
func (BuildArgs) Kind() string { return "report_build" }

// InsertOpts puts builds on their own queue.
func (BuildArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueName, MaxAttempts: 3}
}

type buildWorker struct {
	river.WorkerDefaults[BuildArgs]
	e *Editions
}

func (w *buildWorker) Work(ctx context.Context, job *river.Job[BuildArgs]) error {
	err := w.e.RunBuild(ctx, job.Args.EditionID)
	if err != nil && job.Attempt >= job.MaxAttempts && ctx.Err() == nil {
		w.e.Log.Error("report build failed for good", "edition", job.Args.EditionID, "error", err)
		w.e.failBuild(context.WithoutCancel(ctx), job.Args.EditionID)
	}
	return err
}

// Timeout leaves the PDF room on a busy machine.
func (w *buildWorker) Timeout(*river.Job[BuildArgs]) time.Duration { return 10 * time.Minute }

// RunBuild builds edition id now: the report from the case base, its JSON
// (the content and its hash), the XLSX and the PDF, and the leak
// scanner's findings, then stores them together. Each stage is written
// as it is reached, so the edition's page shows the build's progress. An
// edition that was published or approved meanwhile is left alone.
func (e *Editions) RunBuild(ctx context.Context, id int64) error {
	db := e.DB.WithContext(ctx)
	var rows []editionRow
	if err := db.Raw(`UPDATE report_editions SET build_state = 'running', build_step = 0, build_stage = ?, build_error = ''
		WHERE id = ? AND status IN ('draft', 'review') RETURNING `+editionColumns, BuildSteps[0], id).Scan(&rows).Error; err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	r := rows[0]
	steps := len(BuildSteps) + 2
	progress := func(done int, stage string) {
		// Progress is best effort: a lost update only delays the bar.
		_ = db.Exec(`UPDATE report_editions SET build_step = ?, build_steps = ?, build_stage = ? WHERE id = ? AND status IN ('draft', 'review')`,
			done, steps, stage, id).Error
	}
	t0 := time.Now()
	rep, notes, err := e.Builder.Build(ctx, Input{FiscalYear: r.FiscalYear, Edition: r.Edition, Foreword: r.Foreword, Correction: r.Correction},
		func(done, _ int, stage string) {
			if stage == "" {
				stage = "xlsx"
			}
			progress(done, stage)
		})
	if err != nil {
		return err
	}
	content, err := Encode(rep)
	if err != nil {
		return err
	}
	hash := HashOf(content)
	xlsx, err := e.Render.XLSX(rep)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	doc, err := e.Render.Document(rep, hash, r.Status)
	if err != nil {
		return fmt.Errorf("document: %w", err)
	}
	buildMs := int(time.Since(t0).Milliseconds())
	progress(len(BuildSteps)+1, "pdf")
	t1 := time.Now()
	pdf, err := e.Render.PDF(ctx, doc)
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	pdfMs := int(time.Since(t1).Milliseconds())
	sc, err := e.Scanner(ctx)
	if err != nil {
		return err
	}
	findings, err := Scan(sc, rep, map[string][]byte{OutputJSON: content, OutputXLSX: xlsx, "html": doc})
	if err != nil {
		return err
	}
	nj, _ := json.Marshal(notes)
	fj, _ := json.Marshal(findings)
	return db.Exec(`UPDATE report_editions SET build_state = 'done', build_step = ?, build_steps = ?, build_stage = '',
			content = ?, content_sha256 = ?, xlsx = ?, xlsx_sha256 = ?, pdf = ?, pdf_sha256 = ?, build_notes = ?, findings = ?,
			build_ms = ?, pdf_ms = ?, built_at = ?
		WHERE id = ? AND status IN ('draft', 'review')`, steps, steps, content, hash, xlsx, HashOf(xlsx), pdf, HashOf(pdf),
		nj, fj, buildMs, pdfMs, e.now(), id).Error
}

// failBuild records that the build of edition id failed for good; the
// log has why (the page shows no internal text).
func (e *Editions) failBuild(ctx context.Context, id int64) {
	if err := e.DB.WithContext(ctx).Exec(`UPDATE report_editions SET build_state = 'failed',
		build_error = 'the build failed; the server log has the details' WHERE id = ? AND status IN ('draft', 'review')`, id).Error; err != nil {
		e.Log.Error("recording a failed report build", "edition", id, "error", err)
	}
}
