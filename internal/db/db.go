// Package db is Kenshō's PostgreSQL platform: opening gorm on pgx, running
// the embedded goose migrations (the only way the schema changes) and
// transactions.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"kensho/internal/config"
	"kensho/migrations"
)

// Open connects to PostgreSQL and checks the connection. Slow queries and
// errors go to log (never the statement's arguments: they may hold case
// text).
func Open(ctx context.Context, cfg config.Database, log *slog.Logger) (*gorm.DB, error) {
	gdb, err := gorm.Open(postgres.Open(cfg.URL), &gorm.Config{
		Logger:                 newGormLogger(log, cfg.SlowQuery),
		SkipDefaultTransaction: true,
		TranslateError:         true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil { // gorm.Open connects at once
		return nil, fmt.Errorf("database %s is not reachable: %w", config.RedactURL(cfg.URL), err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(cfg.MaxOpenConns)
	sqlDB.SetMaxIdleConns(cfg.MaxIdleConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("database %s is not reachable: %w", config.RedactURL(cfg.URL), err)
	}
	return gdb, nil
}

// Close closes the connection pool.
func Close(gdb *gorm.DB) error {
	sqlDB, err := gdb.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// WithTx runs fn in one transaction: committed if fn returns nil, rolled
// back otherwise.
func WithTx(ctx context.Context, gdb *gorm.DB, fn func(tx *gorm.DB) error) error {
	return gdb.WithContext(ctx).Transaction(fn)
}

// provider builds a goose provider over the embedded migrations. The
// session lock lets several instances start at once: one migrates, the
// others wait.
func provider(gdb *gorm.DB) (*goose.Provider, error) {
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	return newProvider(sqlDB)
}

func newProvider(sqlDB *sql.DB) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS, goose.WithSessionLocker(locker))
}

// Migration is one migration and whether it is applied.
type Migration struct {
	Version   int64      `json:"version"`
	Name      string     `json:"name"`
	Applied   bool       `json:"applied"`
	AppliedAt *time.Time `json:"applied_at,omitempty"`
}

// Migrate applies every pending migration and returns those it applied.
func Migrate(ctx context.Context, gdb *gorm.DB) ([]Migration, error) {
	p, err := provider(gdb)
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	var applied []Migration
	for _, r := range results {
		if r.Error == nil {
			applied = append(applied, Migration{Version: r.Source.Version, Name: baseName(r.Source.Path), Applied: true})
		}
	}
	if err != nil {
		var perr *goose.PartialError
		if errors.As(err, &perr) && perr.Failed != nil {
			return applied, fmt.Errorf("migration %s failed: %w", baseName(perr.Failed.Source.Path), perr.Err)
		}
		return applied, fmt.Errorf("migrate: %w", err)
	}
	return applied, nil
}

// Status lists every migration and whether it is applied.
func Status(ctx context.Context, gdb *gorm.DB) ([]Migration, error) {
	p, err := provider(gdb)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]Migration, len(st))
	for i, s := range st {
		out[i] = Migration{Version: s.Source.Version, Name: baseName(s.Source.Path), Applied: s.State == goose.StateApplied}
		if out[i].Applied {
			at := s.AppliedAt
			out[i].AppliedAt = &at
		}
	}
	return out, nil
}

// Pending reports whether migrations remain to be applied.
func Pending(ctx context.Context, gdb *gorm.DB) (bool, error) {
	p, err := provider(gdb)
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}
