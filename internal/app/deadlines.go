package app

import (
	"context"
	"errors"
	"log/slog"

	"github.com/spf13/cobra"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/config"
	"kensho/internal/deadline"
	"kensho/internal/jobs"
	"kensho/internal/rules"
)

// newDeadlines builds the deadline service: the rules of
// configs/deadlines.yaml and the configured SMTP server (none: reminders
// are in-app only).
func newDeadlines(gdb *gorm.DB, cfg config.Config, cat *rules.Catalog, ac *access.Control, log *slog.Logger) (*deadline.Service, error) {
	r, err := deadline.LoadRules(configs.FS)
	if err != nil {
		return nil, err
	}
	return deadline.New(gdb, cat, r, ac, deadline.NewMailer(cfg.SMTP), log)
}

// startJobs starts this instance's job runner over services (none when
// jobs.workers is 0) and returns what stops it, letting running jobs
// finish until ctx ends; jobs not yet run stay in the database.
func startJobs(ctx context.Context, services []jobs.Service, cfg config.Config, log *slog.Logger) (func(context.Context), error) {
	if cfg.Jobs.Workers == 0 {
		log.Info("jobs.workers is 0: this instance runs no background jobs (reminders, LLM opinions)")
		return func(context.Context) {}, nil
	}
	r, err := jobs.NewRunner(ctx, cfg.Database.URL, jobs.Config{Workers: cfg.Jobs.Workers, PollInterval: cfg.Jobs.PollInterval}, log, services...)
	if err != nil {
		return nil, err
	}
	// The runner outlives a cancelled serve context until Stop: in-flight
	// jobs finish inside the shutdown timeout.
	if err := r.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, err
	}
	return func(sctx context.Context) {
		if err := r.Stop(sctx); err != nil {
			log.Warn("stopping the job runner", "error", err)
		}
	}, nil
}

func (a *app) deadlinesCmd() *cobra.Command {
	var f deadline.Filter
	cmd := &cobra.Command{
		Use:   "deadlines",
		Short: "The secretariat's queue: reports overdue and due soon, most urgent first, as JSON",
		Long: `Lists every report an organisation still owes that is overdue, and those due
within --within days (default: queue.within_days of configs/deadlines.yaml),
most urgent first: the case, the organisation, the report, its last day
(due_on, JST), days_left (negative: overdue), and for a case with a quick
report the minutes from occurrence to the organisation's first report.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.WithinDays < 0 || f.WithinDays > 366 {
				return usageError{errors.New("--within: want a number of days from 1 to 366")}
			}
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			return a.withServices(cmd.Context(), func(s *services) error {
				d, err := newDeadlines(s.db, a.cfg, cat, s.access, a.log)
				if err != nil {
					return err
				}
				items, err := d.Queue(cmd.Context(), f)
				if err != nil {
					return err
				}
				return writeJSON(a.stdout, items)
			})
		},
	}
	cmd.Flags().BoolVar(&f.OverdueOnly, "overdue", false, "only what is overdue")
	cmd.Flags().IntVar(&f.WithinDays, "within", 0, "also what is due within this many days (1–366)")
	return cmd
}
