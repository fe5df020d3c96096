package deadline

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/dbtest"
	"kensho/migrations"
)

// riverBlock is one "-- river main NNN up|down" block of migrations/.
type riverBlock struct {
	file    string
	version int
	dir     string
	sql     string
}

var riverMarker = regexp.MustCompile(`^-- river main (\d{3}) (up|down): `)

// riverBlocks reads River's SQL out of every migration file.
func riverBlocks(t *testing.T) []riverBlock {
	t.Helper()
	files, err := fs.Glob(migrations.FS, "*.sql")
	require.NoError(t, err)
	var out []riverBlock
	for _, f := range files {
		data, err := fs.ReadFile(migrations.FS, f)
		require.NoError(t, err)
		lines := strings.Split(string(data), "\n")
		for i := 0; i < len(lines); i++ {
			m := riverMarker.FindStringSubmatch(lines[i])
			if m == nil {
				continue
			}
			require.Equal(t, "-- +goose StatementBegin", lines[i+1], "%s:%d: a River block is one goose statement", f, i+2)
			end := slices.Index(lines[i+2:], "-- +goose StatementEnd")
			require.GreaterOrEqual(t, end, 0, "%s:%d: unterminated River block", f, i+1)
			v, _ := strconv.Atoi(m[1])
			out = append(out, riverBlock{file: f, version: v, dir: m[2], sql: strings.Join(lines[i+2:i+2+end], "\n")})
			i += 2 + end
		}
	}
	return out
}

// River's schema comes from migrations/, and must be exactly what
// rivermigrate would apply for the River version in go.mod: an upgrade of
// River that ships a new schema version fails here until a new migration
// carries it.
func TestRiverSchemaIsRivermigrates(t *testing.T) {
	ctx := context.Background()
	blocks := riverBlocks(t)
	find := func(version int, dir string) *riverBlock {
		for i := range blocks {
			if blocks[i].version == version && blocks[i].dir == dir {
				return &blocks[i]
			}
		}
		return nil
	}

	// On an empty database rivermigrate plans every version; its dry run
	// gives the SQL exactly as it would execute it.
	pool, err := pgxpool.New(ctx, dbtest.URL(t))
	require.NoError(t, err)
	defer pool.Close()
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: quiet})
	require.NoError(t, err)
	plan, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{DryRun: true})
	require.NoError(t, err)
	require.NotEmpty(t, plan.Versions)
	shipped := migrator.AllVersions()
	require.Len(t, plan.Versions, len(shipped))
	for i, v := range plan.Versions {
		b := find(v.Version, "up")
		if !assert.NotNil(t, b, "River version %d (%s) is applied by no migration: add a new migration with its SQL", v.Version, v.Name) {
			continue
		}
		assert.Equal(t, strings.TrimSuffix(v.SQL, "\n"), b.sql, "%s: River %03d up differs from rivermigrate's", b.file, v.Version)
		// The down SQL is templated the same way (no schema prefix).
		assert.Equal(t, strings.ReplaceAll(shipped[i].SQLUp, "/* TEMPLATE: schema */", ""), v.SQL)
		down := strings.TrimSuffix(strings.ReplaceAll(shipped[i].SQLDown, "/* TEMPLATE: schema */", ""), "\n")
		if db := find(v.Version, "down"); db != nil {
			assert.Equal(t, down, db.sql, "%s: River %03d down differs from rivermigrate's", db.file, v.Version)
		} else {
			assert.Empty(t, strings.TrimSpace(down), "River %03d down is missing", v.Version)
		}
	}
	for _, b := range blocks {
		assert.LessOrEqual(t, b.version, len(shipped), "%s: River %03d is not in the River of go.mod", b.file, b.version)
	}

	// After goose, rivermigrate finds nothing to do.
	gdb, migratedURL := dbtest.New(t)
	sqlDB, err := gdb.DB()
	require.NoError(t, err)
	var line string
	var versions []int
	rows, err := sqlDB.QueryContext(ctx, "SELECT line, version FROM river_migration ORDER BY version")
	require.NoError(t, err)
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&line, &v))
		versions = append(versions, v)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, "main", line)
	var want []int
	for _, v := range shipped {
		want = append(want, v.Version)
	}
	assert.Equal(t, want, versions, "river_migration records every version")
	migrated, err := pgxpool.New(ctx, migratedURL)
	require.NoError(t, err)
	defer migrated.Close()
	m2, err := rivermigrate.New(riverpgxv5.New(migrated), &rivermigrate.Config{Logger: quiet})
	require.NoError(t, err)
	res, err := m2.Validate(ctx, nil)
	require.NoError(t, err)
	assert.True(t, res.OK, fmt.Sprint(res.Messages))
	pending, err := m2.Migrate(ctx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{DryRun: true})
	require.NoError(t, err)
	assert.Empty(t, pending.Versions)

	// The migration goes down cleanly and up again.
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS)
	require.NoError(t, err)
	_, err = p.DownTo(ctx, 4)
	require.NoError(t, err)
	var left int
	require.NoError(t, sqlDB.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE tablename LIKE 'river%' OR tablename IN ('deadlines', 'notifications')`).Scan(&left))
	assert.Zero(t, left)
	_, err = p.Up(ctx)
	require.NoError(t, err)
}
