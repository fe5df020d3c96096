package quarterly_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/internal/audit"
	"kensho/internal/jpdate"
	"kensho/internal/quarterly"
)

// bulk writes rows in batches through a BulkWriter in one transaction, as
// casegen.Load does, and appends its audit event.
func bulk(t *testing.T, gdb *gorm.DB, batches ...[]quarterly.Row) *quarterly.Result {
	t.Helper()
	ctx := context.Background()
	var res *quarterly.Result
	err := gdb.Connection(func(conn *gorm.DB) error {
		sc := conn.Statement.ConnPool.(*sql.Conn)
		on := func(fn func(*pgx.Conn) error) error {
			return sc.Raw(func(dc any) error { return fn(dc.(*stdlib.Conn).Conn()) })
		}
		return conn.Transaction(func(tx *gorm.DB) error {
			bw := quarterly.NewBulkWriter("generated.json", "tester")
			for _, b := range batches {
				if err := on(func(pc *pgx.Conn) error { return bw.Write(ctx, pc, b) }); err != nil {
					return err
				}
			}
			if err := on(func(pc *pgx.Conn) error {
				var err error
				res, err = bw.Finish(ctx, pc, fmt.Sprintf("%064x", len(batches)))
				return err
			}); err != nil {
				return err
			}
			if ev := bw.Event(); ev != nil {
				_, err := audit.Append(ctx, tx, *ev)
				return err
			}
			return nil
		})
	})
	require.NoError(t, err)
	return res
}

// A bulk write adds new keys, leaves rows with the same values alone and
// corrects those with others, across batches, with one upload record and
// one audit entry; a write that changes nothing records nothing.
func TestBulkWriter(t *testing.T) {
	f := newFixture(t)
	at := time.Date(2024, 5, 1, 13, 0, 0, 0, jpdate.JST)
	row := func(ref string, users int64) quarterly.Row {
		return quarterly.Row{OrganisationID: f.kddiOrg, FiscalYear: 2024, Quarter: 1, Form: quarterly.FormDetailed, Key: ref,
			EquipmentType: "router", Prefecture: "tokyo", OccurredAt: at, RecoveredAt: at.Add(3 * time.Hour),
			Service: "internet_access", Users: users, DurationMinutes: 180, CauseClass: "equipment",
			CauseArchetype: "hardware_failure", Summary: "ルータの故障"}
	}
	res := bulk(t, f.db, []quarterly.Row{row("A", 40000), row("B", 5000)}, []quarterly.Row{row("C", 100)})
	assert.Equal(t, 3, res.Added)
	assert.Equal(t, []string{"FY2024 Q1"}, res.Quarters)
	assert.Equal(t, int64(3), f.count(t, `SELECT count(*) FROM quarterly_rows`))
	assert.Equal(t, int64(1), f.count(t, `SELECT count(*) FROM quarterly_uploads WHERE rows = 3 AND added = 3 AND organisation_id IS NOT NULL`))
	assert.Equal(t, int64(1), f.count(t, `SELECT count(*) FROM audit_log WHERE object LIKE 'quarterly_upload:%'`))

	res = bulk(t, f.db, []quarterly.Row{row("A", 40000), row("B", 6000)}, []quarterly.Row{row("D", 31000)})
	assert.Equal(t, 1, res.Added)
	assert.Equal(t, 1, res.Updated)
	assert.Equal(t, 1, res.Unchanged)
	assert.Equal(t, int64(6000), f.count(t, `SELECT users FROM quarterly_rows WHERE key = 'B'`))
	assert.Equal(t, int64(2), f.count(t, `SELECT count(*) FROM audit_log WHERE object LIKE 'quarterly_upload:%'`))

	res = bulk(t, f.db, []quarterly.Row{row("A", 40000), row("D", 31000)})
	assert.Equal(t, 2, res.Unchanged)
	assert.Zero(t, res.UploadID)
	assert.Equal(t, int64(2), f.count(t, `SELECT count(*) FROM quarterly_uploads`), "nothing changed: no upload recorded")
	assert.Equal(t, int64(2), f.count(t, `SELECT count(*) FROM audit_log WHERE object LIKE 'quarterly_upload:%'`))
}
