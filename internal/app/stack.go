package app

import (
	"context"
	"log/slog"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/casestore"
	"kensho/internal/config"
	"kensho/internal/deadline"
	"kensho/internal/httpapi"
	"kensho/internal/identity"
	"kensho/internal/intake"
	"kensho/internal/jobs"
	"kensho/internal/llm"
	"kensho/internal/quarterly"
	"kensho/internal/report"
	"kensho/internal/review"
	"kensho/internal/rules"
	"kensho/internal/survey"
	"kensho/internal/triage"
	"kensho/internal/webui"
)

// Stack is the whole server over one database: the services and the HTTP
// handler with the API and the pages. `kensho serve` runs one; tests build
// one on a fresh database.
type Stack struct {
	DB       *gorm.DB
	Access   *access.Control
	Identity *identity.Service
	Cases    *casefile.Service
	Portal   *intake.Portal
	// Quarterly takes in quarterly reports (四半期報告).
	Quarterly *quarterly.Service
	Echo      *echo.Echo

	// Deadlines computes the deadlines of reports (Sync, from intake), the
	// secretariat's queue, notifications and reminders.
	Deadlines *deadline.Service

	// Opinions asks the configured LLM for a second opinion on a case (off
	// unless llm.enabled); its calls are jobs of the instance's runner.
	Opinions *triage.Opinions
	// Review is the committee's review: the triage desk and decisions,
	// panels, annotations, comments, the verification, lessons and
	// guidance. Its Matcher is Similarity.
	Review *review.Service
	// Similarity is the similarity engine: its index is built by Start
	// (serve calls it; otherwise the first search does) and follows other
	// instances' writes while Listen runs.
	Similarity *triage.Engine
	// Reports are the editions of the annual report; their builds are
	// jobs of the instance's runner, their PDFs printed by Printer.
	Reports *report.Editions
	Printer *report.Printer
	// WhatIf is the what-if study over the case base.
	WhatIf *report.WhatIfService
	// Surveys is the lessons follow-up survey (フォローアップ調査): the
	// secretariat asks operators how they adopted lessons of Review's
	// catalogue; the annual report reads the closed results.
	Surveys *survey.Service
}

// JobServices are the services whose background jobs an instance's one
// runner works (jobs.NewRunner).
func (s *Stack) JobServices() []jobs.Service {
	return []jobs.Service{s.Deadlines, s.Opinions, s.Reports}
}

// Close stops what the stack started besides the database (the PDF
// printer's browser).
func (s *Stack) Close() error { return s.Printer.Close() }

// NewStack builds the services and the handler.
func NewStack(ctx context.Context, gdb *gorm.DB, cfg config.Config, cat *rules.Catalog, log *slog.Logger) (*Stack, error) {
	svc, err := newServices(ctx, gdb, cfg, log)
	if err != nil {
		return nil, err
	}
	deadlines, err := newDeadlines(gdb, cfg, cat, svc.access, log)
	if err != nil {
		return nil, err
	}
	quarterlies, err := quarterly.New(gdb, svc.access)
	if err != nil {
		return nil, err
	}
	portal, err := newPortal(gdb, cfg, cat, svc.access, deadlines, quarterlies, log)
	if err != nil {
		return nil, err
	}
	simCfg, err := triage.LoadSimilarityConfig()
	if err != nil {
		return nil, err
	}
	engine := triage.NewEngine(gdb, svc.access, simCfg, log)
	opinions, err := triage.NewOpinions(gdb, svc.access, llm.New(cfg.LLM, log), cfg.LLM.Candidates, log)
	if err != nil {
		return nil, err
	}
	opinions.Matcher = engine
	rev, err := newReview(gdb, cat, svc, deadlines, engine, log)
	if err != nil {
		return nil, err
	}
	printer := &report.Printer{ExecPath: cfg.Report.Chromium, Timeout: cfg.Report.PDFTimeout}
	repCfg, err := report.LoadConfig(configs.FS)
	if err != nil {
		return nil, err
	}
	surveys := survey.New(gdb, svc.access, rev, repCfg, log)
	reports, err := newReports(gdb, cat, svc, rev, surveys, repCfg, printer, log)
	if err != nil {
		return nil, err
	}
	whatIf := report.NewWhatIf(casestore.New(gdb), cat, svc.cases, svc.access)
	e := httpapi.NewEcho(log, cfg.HTTP.BodyLimit)
	httpapi.Register(e, httpapi.Deps{Log: log, DB: gdb, Catalog: cat, Access: svc.access, Identity: svc.identity, Cases: svc.cases, Deadlines: deadlines,
		Portal: portal, Quarterly: quarterlies, Opinions: opinions, Review: rev, Similarity: engine, Reports: reports, WhatIf: whatIf, Surveys: surveys})
	if err := webui.Register(e, webui.Deps{Log: log, Catalog: cat, DB: gdb, Access: svc.access, Identity: svc.identity, Deadlines: deadlines,
		Cases: svc.cases, Portal: portal, Quarterly: quarterlies, SecureCookies: cfg.HTTP.SecureCookies,
		Review: rev, Opinions: opinions, Reports: reports, WhatIf: whatIf, Surveys: surveys}); err != nil {
		return nil, err
	}
	return &Stack{Reports: reports, Printer: printer, WhatIf: whatIf, Surveys: surveys, Similarity: engine, Review: rev, Deadlines: deadlines, Opinions: opinions, DB: gdb, Access: svc.access, Identity: svc.identity, Cases: svc.cases, Portal: portal, Quarterly: quarterlies, Echo: e}, nil
}

// newPortal is the reporting portal. Every submission, link and split
// recomputes the case's deadlines in its own transaction (and enqueues
// their reminders there), and a quarterly report filed through the form
// becomes its quarter's detailed-form row in the same transaction.
func newPortal(gdb *gorm.DB, cfg config.Config, cat *rules.Catalog, ac *access.Control, deadlines *deadline.Service,
	quarterlies *quarterly.Service, log *slog.Logger) (*intake.Portal, error) {
	forms, err := intake.LoadCatalogue(configs.FS)
	if err != nil {
		return nil, err
	}
	return &intake.Portal{DB: gdb, Access: ac, Catalogue: forms, Rules: cat, Log: log,
		MaxAttachment: cfg.Intake.MaxAttachmentBytes,
		AfterWrite:    []func(context.Context, *gorm.DB, int64) error{deadlines.Sync, quarterlies.RecordReport}}, nil
}

// newReview is the committee's review over configs/expert-fields.yaml,
// expertise.yaml and lessons.yaml, with the similarity engine as its
// Matcher.
func newReview(gdb *gorm.DB, cat *rules.Catalog, svc *services, deadlines *deadline.Service, m triage.Matcher, log *slog.Logger) (*review.Service, error) {
	cfg, err := review.Load(configs.FS)
	if err != nil {
		return nil, err
	}
	return review.New(gdb, svc.access, svc.cases, cat, deadlines, m, cfg, log), nil
}

// newReports is the annual report over configs/report.yaml: its builder
// reads the case base through the public view, the committee's review
// (lessons, guidance) and the closed follow-up surveys.
func newReports(gdb *gorm.DB, cat *rules.Catalog, svc *services, rev *review.Service, surveys *survey.Service, rc *report.Config,
	printer *report.Printer, log *slog.Logger) (*report.Editions, error) {
	b := &report.Builder{DB: gdb, Catalog: cat, Config: rc, Cases: svc.cases, Review: rev, Surveys: surveys}
	return report.NewEditions(gdb, svc.access, b, &report.Outputs{Printer: printer}, svc.cases.Scanner, log)
}
