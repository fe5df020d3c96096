package deadline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"kensho/internal/jobs"
	"kensho/internal/jpdate"
)

// QueueName is the River queue of reminder jobs.
const QueueName = "deadlines"

// ReminderArgs is one reminder job: stage Stage of deadline DeadlineID,
// computed for the due date DueAt. A job whose deadline has moved since is
// stale and does nothing: Sync enqueued new ones for the new date.
type ReminderArgs struct {
	DeadlineID int64     `json:"deadline_id"`
	Stage      string    `json:"stage"`
	DueAt      time.Time `json:"due_at"`
}

// Kind names the job in river_job.
func (ReminderArgs) Kind() string { return "kensho.deadline_reminder" }

// InsertOpts puts reminders on their queue, one job per deadline, stage and
// date whatever inserts it again. A reminder's retries must end well
// within the days between stages. (Attempts are fixed when a job is
// inserted, so they are the job's option, not the runner's.)
func (ReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueName, MaxAttempts: 12, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// enqueue inserts the reminders of an open deadline into tx: every stage
// still ahead at its time, and of the stages already past only the latest,
// at once — a deadline learnt late gets one reminder, not a burst.
func (s *Service) enqueue(ctx context.Context, tx *sql.Tx, d *Deadline, now time.Time) error {
	dueOn, err := jpdate.ParseDate(d.DueOn)
	if err != nil {
		return err
	}
	var params []river.InsertManyParams
	var latestPast *river.InsertManyParams
	for _, st := range s.Rules.Reminders.Stages {
		at := s.Rules.RemindAt(dueOn, st)
		p := river.InsertManyParams{Args: ReminderArgs{DeadlineID: d.ID, Stage: st.ID, DueAt: d.DueAt.UTC()},
			InsertOpts: &river.InsertOpts{ScheduledAt: at}}
		if at.After(now) {
			params = append(params, p)
		} else {
			p.InsertOpts.ScheduledAt = now
			latestPast = &p
		}
	}
	if latestPast != nil {
		params = append(params, *latestPast)
	}
	if len(params) == 0 {
		return nil
	}
	if _, err := s.jobs.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("deadline: enqueue reminders of deadline %d: %w", d.ID, err)
	}
	return nil
}

// reminderWorker works ReminderArgs jobs.
type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	s *Service
}

// Work records the notification of the stage and e-mails it, unless the
// deadline was met, dropped, moved or its case linked away meanwhile. The
// unique (deadline_id, stage) row is the guard: a retry or a second job for
// the same stage finds it and sends nothing. The e-mail goes out inside
// the transaction that records the notification, so a failed send leaves
// no notification and River retries the job later.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	return w.s.remind(ctx, job.Args)
}

// Timeout leaves the SMTP exchange its own timeout inside the job's.
func (w *reminderWorker) Timeout(*river.Job[ReminderArgs]) time.Duration { return 2 * time.Minute }

func (s *Service) remind(ctx context.Context, a ReminderArgs) error {
	st := s.Rules.Stage(a.Stage)
	if st == nil {
		s.Log.Warn("reminder of a stage no longer configured: skipped", "deadline", a.DeadlineID, "stage", a.Stage)
		return nil
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var d struct {
			Deadline
			Ref        string
			MergedInto *int64
		}
		if err := tx.Raw(`SELECT d.id, d.case_id, d.organisation_id, d.kind, d.due_on::text AS due_on, d.due_at, d.met_at,
				d.dropped_at, c.ref, c.merged_into
			FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE d.id = ? FOR UPDATE OF d`, a.DeadlineID).Scan(&d).Error; err != nil {
			return err
		}
		switch {
		case d.ID == 0, d.MetAt != nil, d.DroppedAt != nil, d.MergedInto != nil:
			return nil // nothing is owed any more
		case !d.DueAt.Equal(a.DueAt):
			return nil // the deadline moved: the new date has its own jobs
		}
		days := daysBetween(jpdate.DateOf(s.now()), d.DueOn)
		if days < 0 {
			days = -days
		}
		params := map[string]any{"ref": d.Ref, "kind": d.Kind, "due": d.DueOn, "days": days}
		raw, err := json.Marshal(params)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.Raw(`INSERT INTO notifications (organisation_id, case_id, deadline_id, stage, message_key, params, created_at)
			VALUES (?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (deadline_id, stage) DO NOTHING RETURNING id`,
			d.OrganisationID, d.CaseID, d.ID, st.ID, st.MessageKey(), string(raw), s.now()).Scan(&id).Error; err != nil {
			return err
		}
		if id == 0 {
			return nil // this stage was notified already
		}
		if s.Mail == nil {
			return nil
		}
		to, err := s.reporterAddresses(tx, d.OrganisationID)
		if err != nil || len(to) == 0 {
			return err
		}
		ja, en := s.Rules.Message("ja", st.MessageKey(), params), s.Rules.Message("en", st.MessageKey(), params)
		if err := s.Mail.Send(ctx, to, "[Kenshō] "+ja, reminderBody(ja, en)); err != nil {
			return fmt.Errorf("deadline %d, %s: e-mail: %w", d.ID, st.ID, err)
		}
		return tx.Exec(`UPDATE notifications SET emailed_to = ? WHERE id = ?`, len(to), id).Error
	})
}

// reminderBody is the e-mail text: Japanese first, then English.
func reminderBody(ja, en string) string {
	return strings.Join([]string{
		ja, "",
		"Kenshō（電気通信事故検証会議 事案管理システム）にログインして、通知と期限を確認してください。",
		"", "----", "",
		en, "",
		"Sign in to Kenshō to see your notifications and deadlines.",
		"",
		"このメールは送信専用です。/ This message was sent automatically; please do not reply.",
	}, "\r\n")
}

// reporterAddresses are the e-mail addresses of org's reporters who may
// sign in, as the grants in casbin_rule say.
func (s *Service) reporterAddresses(tx *gorm.DB, org int64) ([]string, error) {
	var to []string
	err := tx.Raw(`SELECT u.email FROM users u
		WHERE u.organisation_id = ? AND u.email IS NOT NULL AND u.disabled_at IS NULL
		  AND EXISTS (SELECT 1 FROM casbin_rule g WHERE g.ptype = 'g' AND g.v0 = 'user:' || u.id AND g.v1 = 'role:reporter')
		ORDER BY u.email`, org).Scan(&to).Error
	return to, err
}

// daysBetween is the number of calendar days from date a to date b
// (2006-01-02), negative when b is before a.
func daysBetween(a, b string) int {
	ta, err1 := time.Parse(time.DateOnly, a)
	tb, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}

// AddWorkers registers the reminder worker in w: the deadline service's
// part of an instance's one job runner (jobs.NewRunner).
func (s *Service) AddWorkers(w *river.Workers) (string, error) {
	return QueueName, river.AddWorkerSafely(w, &reminderWorker{s: s})
}

// WorkerConfig sizes a Worker.
type WorkerConfig struct {
	// Workers is how many reminders this instance works at once (≥1).
	Workers int
	// PollInterval is how often the queue is checked besides LISTEN/NOTIFY
	// (0: River's default, 1 s).
	PollInterval time.Duration
}

// Worker works the reminder jobs alone in this process. `kensho serve`
// runs one jobs.Runner carrying every service's workers instead; a Worker
// is that runner with the reminders only. Any number of instances may run
// one on the same database: River hands each job to one of them.
type Worker struct{ r *jobs.Runner }

// NewWorker connects to databaseURL for the jobs; Start begins working.
func (s *Service) NewWorker(ctx context.Context, databaseURL string, cfg WorkerConfig) (*Worker, error) {
	if cfg.Workers < 1 {
		return nil, errors.New("deadline: a worker needs at least one worker slot")
	}
	r, err := jobs.NewRunner(ctx, databaseURL, jobs.Config{Workers: cfg.Workers, PollInterval: cfg.PollInterval}, s.Log, s)
	if err != nil {
		return nil, fmt.Errorf("deadline: %w", err)
	}
	return &Worker{r: r}, nil
}

// Start begins working jobs until ctx ends or Stop is called.
func (w *Worker) Start(ctx context.Context) error { return w.r.Start(ctx) }

// Stop lets running reminders finish (until ctx ends), then closes the
// pool. Jobs not yet run stay in the database for the next start.
func (w *Worker) Stop(ctx context.Context) error { return w.r.Stop(ctx) }
