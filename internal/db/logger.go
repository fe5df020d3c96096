package db

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// gormLogger sends gorm's errors and slow queries to slog. Unlike gorm's own
// slog adapter it renders a statement only when it will log it (rendering
// costs a regexp pass per statement), and always without its arguments,
// which may hold case text.
type gormLogger struct {
	log  *slog.Logger
	slow time.Duration
}

func newGormLogger(log *slog.Logger, slow time.Duration) logger.Interface {
	return &gormLogger{log: log.With("component", "gorm"), slow: slow}
}

func (l *gormLogger) LogMode(logger.LogLevel) logger.Interface { return l }

func (l *gormLogger) Info(ctx context.Context, msg string, data ...any) {
	l.log.InfoContext(ctx, msg, "data", data)
}

func (l *gormLogger) Warn(ctx context.Context, msg string, data ...any) {
	l.log.WarnContext(ctx, msg, "data", data)
}

func (l *gormLogger) Error(ctx context.Context, msg string, data ...any) {
	l.log.ErrorContext(ctx, msg, "data", data)
}

// Trace logs failed statements (but not "record not found", which callers
// handle) and slow ones.
func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && !errors.Is(err, context.Canceled):
		sql, rows := fc()
		l.log.ErrorContext(ctx, "sql failed", "error", err, "sql", sql, "rows", rows, "duration", elapsed)
	case l.slow > 0 && elapsed > l.slow:
		sql, rows := fc()
		l.log.WarnContext(ctx, "slow sql", "sql", sql, "rows", rows, "duration", elapsed)
	}
}

// ParamsFilter keeps arguments out of every rendered statement.
func (l *gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}
