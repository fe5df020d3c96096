// Package jobs runs Kenshō's durable background work: River jobs kept in
// PostgreSQL, so that a restart loses none and, with several server
// instances on one database, each job is worked by one of them. One
// Runner per instance carries the workers of every service that has jobs
// (deadline reminders, LLM second opinions), each service on its own
// queue so that a slow provider never holds up a reminder.
//
// Services insert their jobs themselves, inside the transaction of the
// change that calls for them (an insert-only River client over
// database/sql, see SQLTx); a Runner only works them.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"gorm.io/gorm"
)

// Service is a service with background jobs.
type Service interface {
	// AddWorkers registers the service's workers in w and names the
	// queue its jobs go to.
	AddWorkers(w *river.Workers) (queue string, err error)
}

// Config sizes a Runner.
type Config struct {
	// Workers is how many jobs of each queue this instance works at once (≥1).
	Workers int
	// PollInterval is how often the queues are checked besides
	// LISTEN/NOTIFY (0: River's default, 1 s).
	PollInterval time.Duration
}

// Runner works the jobs of its services in this process, over its own pgx
// pool (River's LISTEN/NOTIFY needs pgx).
type Runner struct {
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]
}

// NewRunner connects to databaseURL for the jobs of services; Start
// begins working.
func NewRunner(ctx context.Context, databaseURL string, cfg Config, log *slog.Logger, services ...Service) (*Runner, error) {
	if cfg.Workers < 1 {
		return nil, errors.New("jobs: a runner needs at least one worker slot")
	}
	if len(services) == 0 {
		return nil, errors.New("jobs: a runner needs a service with jobs")
	}
	if log == nil {
		log = slog.Default()
	}
	workers := river.NewWorkers()
	queues := map[string]river.QueueConfig{}
	for _, s := range services {
		q, err := s.AddWorkers(workers)
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		queues[q] = river.QueueConfig{MaxWorkers: cfg.Workers}
	}
	pcfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("jobs: job database: %w", err)
	}
	pcfg.MaxConns = int32(cfg.Workers*len(queues) + 4) // the workers, the notifier, the leader's maintenance
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: job database: %w", err)
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            queues,
		Workers:           workers,
		Logger:            log,
		FetchPollInterval: cfg.PollInterval,
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("jobs: job worker: %w", err)
	}
	return &Runner{pool: pool, client: client}, nil
}

// Start begins working jobs until ctx ends or Stop is called.
func (r *Runner) Start(ctx context.Context) error { return r.client.Start(ctx) }

// Stop lets running jobs finish (until ctx ends), then closes the pool.
// Jobs not yet run stay in the database for the next start.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	r.pool.Close()
	return err
}

// SQLTx is the database/sql transaction under a gorm transaction, which
// an insert-only River client (riverdatabasesql) inserts jobs into, so
// that they commit or roll back with the change that called for them.
func SQLTx(tx *gorm.DB) (*sql.Tx, bool) {
	switch p := tx.Statement.ConnPool.(type) {
	case *sql.Tx:
		return p, true
	case *gorm.PreparedStmtTX:
		t, ok := p.Tx.(*sql.Tx)
		return t, ok
	}
	return nil, false
}

// Inserter is an insert-only River client over gdb's database/sql pool,
// with the workers add registers (River checks each inserted job's kind
// against them; the instance's Runner works the jobs). Services insert
// through it inside their gorm transactions (SQLTx).
func Inserter(gdb *gorm.DB, log *slog.Logger, add func(*river.Workers) error) (*river.Client[*sql.Tx], error) {
	workers := river.NewWorkers()
	if err := add(workers); err != nil {
		return nil, err
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	client, err := river.NewClient(riverdatabasesql.New(sqlDB), &river.Config{Workers: workers, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("jobs: job client: %w", err)
	}
	return client, nil
}
