package db_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/db"
	"kensho/internal/dbtest"
)

// Migrations run on an empty database, report their status, and a second
// run is a no-op.
func TestMigrateEmptyDatabase(t *testing.T) {
	url := dbtest.URL(t)
	ctx := context.Background()
	gdb, err := db.Open(ctx, dbtest.Config(url), slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	defer db.Close(gdb)

	pending, err := db.Pending(ctx, gdb)
	require.NoError(t, err)
	assert.True(t, pending)

	applied, err := db.Migrate(ctx, gdb)
	require.NoError(t, err)
	require.NotEmpty(t, applied)
	assert.Equal(t, int64(1), applied[0].Version)

	again, err := db.Migrate(ctx, gdb)
	require.NoError(t, err)
	assert.Empty(t, again)

	st, err := db.Status(ctx, gdb)
	require.NoError(t, err)
	for _, m := range st {
		assert.True(t, m.Applied, m.Name)
	}
	pending, err = db.Pending(ctx, gdb)
	require.NoError(t, err)
	assert.False(t, pending)

	var enc string
	require.NoError(t, gdb.Raw(`SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()`).Scan(&enc).Error)
	assert.Equal(t, "UTF8", enc)
}

// Reports are immutable: the database itself refuses updates, deletes and
// truncation.
func TestReportsAreImmutable(t *testing.T) {
	gdb, _ := dbtest.New(t)
	require.NoError(t, gdb.Exec(`INSERT INTO cases (identity_key, ref, kind, occurred_at, fiscal_year)
		VALUES ('k', 'r', 'accident', now(), 2020)`).Error)
	require.NoError(t, gdb.Exec(`INSERT INTO reports (case_id, source, body, body_sha256, canonical_sha256)
		SELECT id, 'import', '{}'::bytea, 'a', 'b' FROM cases`).Error)
	for _, stmt := range []string{
		`UPDATE reports SET source_name = 'x'`,
		`DELETE FROM reports`,
		`TRUNCATE reports CASCADE`,
	} {
		err := gdb.Exec(stmt).Error
		require.Error(t, err, stmt)
		assert.Contains(t, err.Error(), "reports are immutable", stmt)
	}
}

func TestCreateDatabaseIsIdempotent(t *testing.T) {
	url := dbtest.URL(t)
	created, err := db.CreateDatabase(context.Background(), url)
	require.NoError(t, err)
	assert.False(t, created, "dbtest.URL already created it")
	_, _, err = db.AdminURL("postgres://h/Bad-Name")
	assert.Error(t, err)
}

// A connection error names the server but never the password.
func TestOpenErrorHidesPassword(t *testing.T) {
	cfg := dbtest.Config("postgres://kensho:hunter2@127.0.0.1:1/kensho?sslmode=disable")
	_, err := db.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Contains(t, err.Error(), "not reachable")
}
