package deadline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/casestore"
	"kensho/internal/jobs"
	"kensho/internal/jpdate"
	"kensho/internal/rules"
)

// Service computes deadlines, answers the queue and the notifications, and
// runs the reminders.
type Service struct {
	DB      *gorm.DB
	Catalog *rules.Catalog
	Rules   *Rules
	Access  *access.Control
	// Mail sends reminder e-mails; nil sends none (in-app notifications only).
	Mail Mailer
	Log  *slog.Logger
	// Now is the clock (tests set it); nil is time.Now.
	Now func() time.Time

	// jobs inserts reminder jobs into the caller's *sql.Tx. It never works
	// jobs: a jobs.Runner does, over its own pgx pool.
	jobs *river.Client[*sql.Tx]
}

// New builds the service over gdb. It inserts jobs through database/sql, so
// that they commit with the gorm transaction that changed the case.
func New(gdb *gorm.DB, cat *rules.Catalog, r *Rules, ac *access.Control, mail Mailer, log *slog.Logger) (*Service, error) {
	if log == nil {
		log = slog.Default()
	}
	s := &Service{DB: gdb, Catalog: cat, Rules: r, Access: ac, Mail: mail, Log: log}
	var err error
	s.jobs, err = jobs.Inserter(gdb, log, func(w *river.Workers) error { return river.AddWorkerSafely(w, &reminderWorker{s: s}) })
	if err != nil {
		return nil, fmt.Errorf("deadline: %w", err)
	}
	return s, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Deadline is one report owed by one organisation for one case.
type Deadline struct {
	ID             int64
	CaseID         int64
	OrganisationID int64
	Kind           string
	// DueOn is the last day on time (JST), 2006-01-02.
	DueOn string
	// DueAt is when that day ends: from then on the report is overdue.
	DueAt         time.Time
	Basis         string
	MetAt         *time.Time
	MetByReportID *int64
	DroppedAt     *time.Time
}

// report is what Sync needs of a stored submission.
type report struct {
	ID             int64
	Kind           string
	OrganisationID *int64
	ReceivedAt     time.Time
}

// owed is a deadline kind a case's judgement calls for.
type owed struct {
	kind         *Kind
	dueOn, dueAt time.Time
	basis        string
}

// maxMergeDepth bounds the walk from a linked case to the one it lives on in.
const maxMergeDepth = 8

// Sync (re)computes the deadlines of case caseID from its kind, its reports
// and its judgement under the rule set in force on its occurrence date, and
// enqueues their reminders — all inside tx, the caller's transaction, so
// that the deadlines and their reminder jobs commit or roll back with the
// change that called for them. Call it after every change to a case's
// reports or judgement: a submission, an import, a link or a split.
//
// One deadline is owed per reporting organisation (the case's operators and
// the organisations that filed its reports) and kind. Sync creates the
// missing ones, marks those a report fulfils as met (the earliest such
// report of the organisation, or one filed without an organisation), and
// drops those no longer owed (the case was judged again, or linked into
// another case: the surviving case is synced in its place). A case whose
// only reports are the secretariat's imports owes nothing open and gets no
// deadline rows, so a bulk import of history costs three queries a case.
//
// Sync locks the case row, so concurrent Syncs of one case run one after
// the other. Given a *gorm.DB that is not in a transaction, it opens its
// own. It writes no audit entry: the change that called it is audited.
func (s *Service) Sync(ctx context.Context, tx *gorm.DB, caseID int64) error {
	if sqlTx, ok := sqlTxOf(tx); ok {
		return s.sync(ctx, tx.WithContext(ctx), sqlTx, caseID, 0)
	}
	if _, inTx := tx.Statement.ConnPool.(gorm.TxCommitter); inTx {
		return errors.New("deadline: Sync: the transaction is not a database/sql one; reminder jobs could not join it")
	}
	return tx.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sqlTx, ok := sqlTxOf(tx)
		if !ok {
			return errors.New("deadline: Sync: the transaction is not a database/sql one; reminder jobs could not join it")
		}
		return s.sync(ctx, tx, sqlTx, caseID, 0)
	})
}

// sqlTxOf is the database/sql transaction under a gorm transaction, which
// River's riverdatabasesql driver inserts jobs into.
func sqlTxOf(tx *gorm.DB) (*sql.Tx, bool) { return jobs.SQLTx(tx) }

func (s *Service) sync(ctx context.Context, tx *gorm.DB, sqlTx *sql.Tx, caseID int64, depth int) error {
	var head struct {
		ID         int64
		Kind       string
		OccurredAt time.Time
		MergedInto *int64
	}
	if err := tx.Raw(`SELECT id, kind, occurred_at, merged_into FROM cases WHERE id = ? FOR NO KEY UPDATE`, caseID).
		Scan(&head).Error; err != nil {
		return err
	}
	if head.ID == 0 {
		return fmt.Errorf("deadline: case %d: %w", caseID, casestore.ErrNotFound)
	}
	now := s.now()
	if head.MergedInto != nil {
		// A linked case's reports live on in the case it was linked into.
		if err := tx.Exec(`UPDATE deadlines SET dropped_at = ?, updated_at = ?
			WHERE case_id = ? AND dropped_at IS NULL AND met_at IS NULL`, now, now, caseID).Error; err != nil {
			return err
		}
		if depth >= maxMergeDepth {
			return fmt.Errorf("deadline: case %d: links go deeper than %d cases", caseID, maxMergeDepth)
		}
		return s.sync(ctx, tx, sqlTx, *head.MergedInto, depth+1)
	}
	var reports []report
	if err := tx.Raw(`SELECT id, kind, organisation_id, received_at FROM reports WHERE case_id = ? ORDER BY received_at, id`,
		caseID).Scan(&reports).Error; err != nil {
		return err
	}
	existing, err := s.caseDeadlines(tx, caseID)
	if err != nil {
		return err
	}
	if len(existing) == 0 && s.importsOnly(reports) {
		// The secretariat's import is the whole record of the case and
		// meets whatever it owes: nothing is open, nothing to remind of.
		// (Bulk imports of history stay cheap.)
		return nil
	}
	wanted, err := s.owed(tx, caseID, head.Kind, head.OccurredAt)
	if err != nil {
		return err
	}
	var orgs []int64
	if err := tx.Raw(`SELECT organisation_id FROM case_operators WHERE case_id = ?
		UNION SELECT organisation_id FROM reports WHERE case_id = ? AND organisation_id IS NOT NULL
		ORDER BY 1`, caseID, caseID).Scan(&orgs).Error; err != nil {
		return err
	}
	byKey := map[string]*Deadline{}
	for i := range existing {
		byKey[key(existing[i].OrganisationID, existing[i].Kind)] = &existing[i]
	}
	keep := map[int64]bool{}
	for _, w := range wanted {
		for _, org := range orgs {
			met := metBy(reports, org, w.kind.MetBy)
			d := byKey[key(org, w.kind.ID)]
			if d == nil {
				d = &Deadline{CaseID: caseID, OrganisationID: org, Kind: w.kind.ID}
				if err := tx.Raw(`INSERT INTO deadlines (case_id, organisation_id, kind, due_on, due_at, basis, met_at, met_by_report_id, created_at, updated_at)
					VALUES (?, ?, ?, ?::date, ?, ?, ?, ?, ?, ?) RETURNING id`,
					caseID, org, w.kind.ID, jpdate.DateOf(w.dueOn), w.dueAt, w.basis, metAt(met), metID(met), now, now).
					Scan(&d.ID).Error; err != nil {
					return err
				}
				d.DueOn, d.DueAt, d.Basis = jpdate.DateOf(w.dueOn), w.dueAt, w.basis
				if met == nil {
					if err := s.enqueue(ctx, sqlTx, d, now); err != nil {
						return err
					}
				}
				keep[d.ID] = true
				continue
			}
			keep[d.ID] = true
			wasOpen := d.MetAt == nil && d.DroppedAt == nil
			dueChanged := d.DueOn != jpdate.DateOf(w.dueOn) || !d.DueAt.Equal(w.dueAt)
			metChanged := !sameID(d.MetByReportID, metID(met))
			if !dueChanged && !metChanged && d.DroppedAt == nil && d.Basis == w.basis {
				continue
			}
			if err := tx.Exec(`UPDATE deadlines SET due_on = ?::date, due_at = ?, basis = ?, met_at = ?, met_by_report_id = ?,
				dropped_at = NULL, updated_at = ? WHERE id = ?`,
				jpdate.DateOf(w.dueOn), w.dueAt, w.basis, metAt(met), metID(met), now, d.ID).Error; err != nil {
				return err
			}
			// Reminders go out again for a deadline that opened again or moved;
			// jobs of the old date find it moved and do nothing.
			if met == nil && (!wasOpen || dueChanged) {
				d.DueOn, d.DueAt = jpdate.DateOf(w.dueOn), w.dueAt
				if err := s.enqueue(ctx, sqlTx, d, now); err != nil {
					return err
				}
			}
		}
	}
	var drop []int64
	for _, d := range existing {
		if !keep[d.ID] && d.DroppedAt == nil && d.MetAt == nil {
			drop = append(drop, d.ID)
		}
	}
	if len(drop) > 0 {
		if err := tx.Exec(`UPDATE deadlines SET dropped_at = ?, updated_at = ? WHERE id IN ?`, now, now, drop).Error; err != nil {
			return err
		}
	}
	return nil
}

// importsOnly reports whether every report of a case is a secretariat
// import (no organisation) and every deadline kind is met by one.
func (s *Service) importsOnly(reports []report) bool {
	if len(reports) == 0 {
		return false
	}
	for _, r := range reports {
		if r.Kind != "import" || r.OrganisationID != nil {
			return false
		}
	}
	for _, k := range s.Rules.Kinds {
		if !slices.Contains(k.MetBy, "import") {
			return false
		}
	}
	return true
}

// owed are the deadline kinds the case's judgement calls for, with their
// dates.
func (s *Service) owed(tx *gorm.DB, caseID int64, kind string, occurred time.Time) ([]owed, error) {
	if kind != "accident" && kind != "near_miss" {
		return nil, nil
	}
	rec, err := casestore.Get(tx, caseID)
	if err != nil {
		return nil, err
	}
	res, err := s.Catalog.Classify(rec.Case, "")
	var none *rules.ErrNoRuleSetInForce
	if errors.As(err, &none) {
		return nil, nil // before any reporting regime: nothing is owed
	}
	if err != nil {
		return nil, fmt.Errorf("deadline: judging case %d: %w", caseID, err)
	}
	var conds []string
	switch {
	case kind == "accident" && res.Serious:
		conds = append(conds, SeriousAccident)
	case kind == "accident" && res.Quarterly:
		conds = append(conds, QuarterlyAccident)
	case kind == "near_miss" && res.NearMissReportable != nil && *res.NearMissReportable:
		conds = append(conds, ReportableNearMiss)
	}
	var out []owed
	for _, k := range s.Rules.Kinds {
		for _, c := range conds {
			if slices.Contains(k.When, c) {
				on, at := k.Due(occurred)
				basis := fmt.Sprintf("%s under rule set %s", c, res.RuleSet)
				if c == ReportableNearMiss && res.NearMissRules != "" {
					basis = fmt.Sprintf("%s under near-miss rules %s", c, res.NearMissRules)
				}
				out = append(out, owed{kind: k, dueOn: on, dueAt: at, basis: basis})
				break
			}
		}
	}
	return out, nil
}

func (s *Service) caseDeadlines(tx *gorm.DB, caseID int64) ([]Deadline, error) {
	var out []Deadline
	err := tx.Raw(`SELECT id, case_id, organisation_id, kind, due_on::text AS due_on, due_at, basis, met_at, met_by_report_id, dropped_at
		FROM deadlines WHERE case_id = ? ORDER BY id`, caseID).Scan(&out).Error
	return out, err
}

// Deadlines are the deadlines of a case, dropped ones included (for the
// case page and tests).
func (s *Service) Deadlines(ctx context.Context, caseID int64) ([]Deadline, error) {
	return s.caseDeadlines(s.DB.WithContext(ctx), caseID)
}

// metBy is the earliest report that fulfils a deadline of org: one of the
// kinds, filed by org or by no organisation (the secretariat's import).
func metBy(reports []report, org int64, kinds []string) *report {
	for i, r := range reports {
		if slices.Contains(kinds, r.Kind) && (r.OrganisationID == nil || *r.OrganisationID == org) {
			return &reports[i]
		}
	}
	return nil
}

func metAt(r *report) *time.Time {
	if r == nil {
		return nil
	}
	return &r.ReceivedAt
}

func metID(r *report) *int64 {
	if r == nil {
		return nil
	}
	return &r.ID
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func key(org int64, kind string) string { return fmt.Sprintf("%d/%s", org, kind) }
