package deadline

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/internal/caseformat"
	"kensho/internal/casestore"
)

func TestSyncComputesDeadlines(t *testing.T) {
	e := newEnv(t)
	e.clock = jst("2024-05-02T12:00:00+09:00")

	t.Run("serious accident: detailed report due 30 days after occurrence, met by a detailed report", func(t *testing.T) {
		id := e.addCase(seriousCase, rep{"quick", "KDDI株式会社", jst("2024-05-01T10:40:00+09:00")})
		d := e.deadlines(id)["KDDI株式会社 detailed"]
		require.NotZero(t, d.ID)
		assert.Equal(t, "2024-05-31", d.DueOn)
		assert.True(t, d.DueAt.Equal(jst("2024-06-01T00:00:00+09:00")))
		assert.Nil(t, d.MetAt)
		assert.Contains(t, d.Basis, "serious_accident under rule set 2019")
		assert.Len(t, e.deadlines(id), 1, "no quarterly report for a serious accident")
		assert.Equal(t, map[string]string{"before_7d": "2024-05-24 09:00", "before_1d": "2024-05-30 09:00",
			"due": "2024-05-31 09:00", "overdue_7d": "2024-06-07 09:00"}, e.jobs(d.ID), "every reminder, in the same transaction")

		e.addReport(id, rep{"detailed", "KDDI株式会社", jst("2024-05-20T17:00:00+09:00")})
		d = e.deadlines(id)["KDDI株式会社 detailed"]
		require.NotNil(t, d.MetAt)
		assert.True(t, d.MetAt.Equal(jst("2024-05-20T17:00:00+09:00")))
		require.NotNil(t, d.MetByReportID)
		var kind string
		require.NoError(t, e.db.Raw("SELECT kind FROM reports WHERE id = ?", *d.MetByReportID).Scan(&kind).Error)
		assert.Equal(t, "detailed", kind)
	})

	t.Run("a quick report alone does not meet it; an amendment does", func(t *testing.T) {
		id := e.addCase(withRef(seriousCase, "T-AMEND"), rep{"quick", "KDDI株式会社", jst("2024-05-01T11:00:00+09:00")},
			rep{"quick", "KDDI株式会社", jst("2024-05-01T13:00:00+09:00")})
		assert.Nil(t, e.deadlines(id)["KDDI株式会社 detailed"].MetAt)
		e.addReport(id, rep{"amendment", "KDDI株式会社", jst("2024-06-03T09:00:00+09:00")})
		assert.NotNil(t, e.deadlines(id)["KDDI株式会社 detailed"].MetAt, "late, but met")
	})

	t.Run("reportable near-miss: detailed report due 30 days after occurrence", func(t *testing.T) {
		id := e.addCase(nearMissCase, rep{"quick", "株式会社NTTドコモ", jst("2024-04-01T08:00:00+09:00")})
		d := e.deadlines(id)["株式会社NTTドコモ detailed"]
		assert.Equal(t, "2024-04-30", d.DueOn)
		assert.Contains(t, d.Basis, "reportable_near_miss under near-miss rules 2023")
	})

	t.Run("quarterly-level accident: two months after the fiscal quarter ends", func(t *testing.T) {
		id := e.addCase(quarterlyCase, rep{"quick", "楽天モバイル株式会社", jst("2024-07-01T09:00:00+09:00")})
		ds := e.deadlines(id)
		require.Len(t, ds, 1)
		d := ds["楽天モバイル株式会社 quarterly"]
		assert.Equal(t, "2024-08-31", d.DueOn, "June 30, 23:00 JST is in Q1")
		assert.Contains(t, d.Basis, "quarterly_accident")
		e.addReport(id, rep{"quarterly_detailed", "楽天モバイル株式会社", jst("2024-08-01T09:00:00+09:00")})
		assert.NotNil(t, e.deadlines(id)["楽天モバイル株式会社 quarterly"].MetAt)
	})

	t.Run("a wholesale accident: one deadline per reporting organisation, each met by its own report", func(t *testing.T) {
		id := e.addCase(wholesaleCase, rep{"quick", "株式会社NTTドコモ", jst("2024-05-10T08:30:00+09:00")})
		ds := e.deadlines(id)
		require.Len(t, ds, 2)
		e.addReport(id, rep{"detailed", "株式会社NTTドコモ", jst("2024-06-01T09:00:00+09:00")})
		ds = e.deadlines(id)
		assert.NotNil(t, ds["株式会社NTTドコモ detailed"].MetAt)
		assert.Nil(t, ds["楽天モバイル株式会社 detailed"].MetAt, "the customer still owes its own")
	})

	t.Run("the secretariat's import is the whole record: nothing more is awaited", func(t *testing.T) {
		id := e.addCase(withRef(seriousCase, "T-IMPORTED"), rep{"import", "", jst("2024-05-05T09:00:00+09:00")})
		assert.Empty(t, e.deadlines(id), "an imported case owes nothing open: nothing is recorded")
		// An operator's report on it later: the deadline appears, met by the import.
		e.addReport(id, rep{"quick", "KDDI株式会社", jst("2024-05-06T09:00:00+09:00")})
		d := e.deadlines(id)["KDDI株式会社 detailed"]
		require.NotNil(t, d.MetAt)
		assert.True(t, d.MetAt.Equal(jst("2024-05-05T09:00:00+09:00")))
		assert.Empty(t, e.jobs(d.ID), "no reminder for a deadline met from the start")
	})

	t.Run("voluntary information owes nothing", func(t *testing.T) {
		id := e.addCase(`{"ref": "T-INFO", "kind": "information", "operators": [{"name": "KDDI株式会社"}],
			"occurred_at": "2024-05-01T10:00:00+09:00", "impacts": [], "summary": "試験"}`,
			rep{"information", "KDDI株式会社", jst("2024-05-01T12:00:00+09:00")})
		assert.Empty(t, e.deadlines(id))
	})

	t.Run("syncing again changes nothing and enqueues nothing", func(t *testing.T) {
		id := e.addCase(withRef(seriousCase, "T-AGAIN"), rep{"quick", "KDDI株式会社", jst("2024-05-01T12:00:00+09:00")})
		before := e.deadlines(id)["KDDI株式会社 detailed"]
		var jobs int64
		e.db.Raw("SELECT count(*) FROM river_job").Scan(&jobs)
		require.NoError(t, e.db.Transaction(func(tx *gorm.DB) error { return e.svc.Sync(context.Background(), tx, id) }))
		require.NoError(t, e.svc.Sync(context.Background(), e.db, id), "outside a transaction it makes its own")
		assert.Equal(t, before, e.deadlines(id)["KDDI株式会社 detailed"])
		var after int64
		e.db.Raw("SELECT count(*) FROM river_job").Scan(&after)
		assert.Equal(t, jobs, after)
	})

	t.Run("a rolled-back transaction leaves neither deadlines nor jobs", func(t *testing.T) {
		var jobs int64
		e.db.Raw("SELECT count(*) FROM river_job").Scan(&jobs)
		c, err := caseformat.DecodeCase([]byte(withRef(seriousCase, "T-ROLLBACK")))
		require.NoError(t, err)
		err = e.db.Transaction(func(tx *gorm.DB) error {
			nc := casestore.NewCase{Case: c, Hash: c.Hash(), Identity: "rollback", OrgIDs: []int64{e.orgs["KDDI株式会社"]},
				Report: e.report(rep{"quick", "KDDI株式会社", e.clock}, "x", 0)}
			if err := casestore.Insert(tx, []casestore.NewCase{nc}); err != nil {
				return err
			}
			var id int64
			tx.Raw("SELECT id FROM cases WHERE identity_key = 'rollback'").Scan(&id)
			if err := e.svc.Sync(context.Background(), tx, id); err != nil {
				return err
			}
			return assert.AnError
		})
		require.ErrorIs(t, err, assert.AnError)
		var after, ds int64
		e.db.Raw("SELECT count(*) FROM river_job").Scan(&after)
		e.db.Raw("SELECT count(*) FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE c.ref = 'T-ROLLBACK'").Scan(&ds)
		assert.Equal(t, jobs, after)
		assert.Zero(t, ds)
	})
}

func TestSyncFollowsJudgementAndLinks(t *testing.T) {
	e := newEnv(t)
	e.clock = jst("2024-05-02T12:00:00+09:00")

	t.Run("judged again as quarterly: the detailed deadline is dropped, a quarterly one appears", func(t *testing.T) {
		id := e.addCase(seriousCase, rep{"quick", "KDDI株式会社", jst("2024-05-01T10:40:00+09:00")})
		detailed := e.deadlines(id)["KDDI株式会社 detailed"]
		c, err := caseformat.DecodeCase([]byte(quarterlyCase))
		require.NoError(t, err)
		require.NoError(t, e.db.Transaction(func(tx *gorm.DB) error {
			c.Ref, c.Operators = "T-SERIOUS", []caseformat.Operator{{Name: "KDDI株式会社", Role: caseformat.RoleReporter}}
			c.OccurredAt, c.RecoveredAt = jst("2024-05-01T10:00:00+09:00"), nil
			c.Impacts[0].Timeline[0].From, c.Impacts[0].Timeline[0].To = jst("2024-05-01T10:00:00+09:00"), jst("2024-05-01T10:30:00+09:00")
			if err := casestore.ReplaceCopy(tx, id, c, "kddi-serious", []int64{e.orgs["KDDI株式会社"]}); err != nil {
				return err
			}
			return e.svc.Sync(context.Background(), tx, id)
		}))
		ds := e.deadlines(id)
		assert.NotNil(t, ds["KDDI株式会社 detailed"].DroppedAt)
		assert.Equal(t, detailed.ID, ds["KDDI株式会社 detailed"].ID, "kept, for the record")
		assert.Equal(t, "2024-08-31", ds["KDDI株式会社 quarterly"].DueOn)
		assert.Nil(t, ds["KDDI株式会社 quarterly"].DroppedAt)
	})

	t.Run("a case linked into another: its open deadlines move to the surviving case", func(t *testing.T) {
		provider := e.addCase(withRef(wholesaleCase, "T-PROVIDER"), rep{"quick", "株式会社NTTドコモ", jst("2024-05-10T09:00:00+09:00")})
		customer := e.addCase(withRef(seriousCase, "T-CUSTOMER"), rep{"quick", "KDDI株式会社", jst("2024-05-10T10:00:00+09:00")})
		require.NoError(t, e.db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("UPDATE reports SET case_id = ? WHERE case_id = ?", provider, customer).Error; err != nil {
				return err
			}
			if err := tx.Exec("UPDATE cases SET merged_into = ? WHERE id = ?", provider, customer).Error; err != nil {
				return err
			}
			return e.svc.Sync(context.Background(), tx, customer)
		}))
		assert.NotNil(t, e.deadlines(customer)["KDDI株式会社 detailed"].DroppedAt)
		ds := e.deadlines(provider)
		assert.Len(t, ds, 3, "the provider, its customer and the linked reporter each owe a detailed report")
		assert.Nil(t, ds["KDDI株式会社 detailed"].DroppedAt)
	})

	t.Run("an unknown case is an error", func(t *testing.T) {
		err := e.db.Transaction(func(tx *gorm.DB) error { return e.svc.Sync(context.Background(), tx, 999999) })
		assert.ErrorIs(t, err, casestore.ErrNotFound)
	})
}

// A deadline first known after some reminders' times gets only the latest
// of those, at once: no burst of stale reminders.
func TestLateDeadlineGetsOneReminder(t *testing.T) {
	e := newEnv(t)
	e.clock = jst("2024-06-02T12:00:00+09:00") // after the due day, before overdue_7d
	id := e.addCase(seriousCase, rep{"quick", "KDDI株式会社", jst("2024-06-02T11:00:00+09:00")})
	d := e.deadlines(id)["KDDI株式会社 detailed"]
	jobs := e.jobs(d.ID)
	assert.Equal(t, []string{"due", "overdue_7d"}, sortedKeys(jobs))
	assert.Equal(t, "2024-06-07 09:00", jobs["overdue_7d"])
	assert.Equal(t, "2024-06-02", jobs["due"][:10], "the missed stage goes out at once")
	_ = time.Now
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// A gorm session with prepared statements wraps the transaction; Sync
// still inserts the reminders into it.
func TestSyncInPreparedStatementSession(t *testing.T) {
	e := newEnv(t)
	e.clock = jst("2024-05-02T12:00:00+09:00")
	id := e.addCase(seriousCase, rep{"quick", "KDDI株式会社", jst("2024-05-01T10:40:00+09:00")})
	require.NoError(t, e.db.Exec("DELETE FROM river_job").Error)
	require.NoError(t, e.db.Exec("DELETE FROM deadlines").Error)
	prepared := e.db.Session(&gorm.Session{PrepareStmt: true})
	require.NoError(t, prepared.Transaction(func(tx *gorm.DB) error { return e.svc.Sync(context.Background(), tx, id) }))
	d := e.deadlines(id)["KDDI株式会社 detailed"]
	assert.Len(t, e.jobs(d.ID), 4)
}
