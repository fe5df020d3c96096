package db

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Follow calls fn once connected and after every NOTIFY on channel until
// ctx ends, on a connection of its own. It reconnects after failures, and
// calls fn again on each reconnect, so a notification missed while away
// costs nothing: fn must read the state, not the payload. What names the
// follower in the logs.
func Follow(ctx context.Context, url, channel, what string, log *slog.Logger, fn func(context.Context) error) {
	for ctx.Err() == nil {
		err := followOnce(ctx, url, channel, what, log, fn)
		if ctx.Err() != nil {
			return
		}
		log.Warn(what+" listener stopped; reconnecting", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
}

func followOnce(ctx context.Context, url, channel, what string, log *slog.Logger, fn func(context.Context) error) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	for {
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			log.Error(what+" failed", "err", err)
		}
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
	}
}
