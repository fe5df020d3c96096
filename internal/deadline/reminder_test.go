package deadline

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/internal/identity"
)

// reporters creates KDDI's reporters (one with an address, one without,
// one stopped), NTT Docomo's and the secretariat.
func (e *env) reporters() {
	e.t.Helper()
	e.user(identity.NewUser{Login: "kddi-a", Role: "reporter", Org: "KDDI株式会社", Email: "kddi-a@example.org"})
	e.user(identity.NewUser{Login: "kddi-b", Role: "reporter", Org: "KDDI株式会社"})
	e.user(identity.NewUser{Login: "kddi-gone", Role: "reporter", Org: "KDDI株式会社", Email: "kddi-gone@example.org"})
	require.NoError(e.t, e.ids.SetDisabled(context.Background(), "kddi-gone", true, "test"))
	e.user(identity.NewUser{Login: "docomo-a", Role: "reporter", Org: "株式会社NTTドコモ", Email: "docomo-a@example.org"})
	e.user(identity.NewUser{Login: "sec", Role: "secretariat", Email: "sec@example.org"})
}

// overdueCase is a serious accident 40 days ago with only a quick report:
// its detailed report is overdue, and the one reminder due is overdue_7d.
func (e *env) overdueCase(ref string) (int64, Deadline) {
	e.t.Helper()
	now := time.Now()
	e.clock = now
	c := withRef(seriousCase, ref)
	occurred := now.AddDate(0, 0, -40)
	c = replaceTimes(c, occurred)
	id := e.addCase(c, rep{"quick", "KDDI株式会社", occurred.Add(time.Hour)})
	return id, e.deadlines(id)["KDDI株式会社 detailed"]
}

// replaceTimes moves seriousCase to start at t (same 5 h 36 min outage).
func replaceTimes(c string, t time.Time) string {
	c = strings.ReplaceAll(c, "2024-05-01T10:00:00+09:00", t.Format(time.RFC3339))
	return strings.ReplaceAll(c, "2024-05-01T15:36:00+09:00", t.Add(5*time.Hour+36*time.Minute).Format(time.RFC3339))
}

func (e *env) notifications(deadlineID int64) int {
	var n int64
	require.NoError(e.t, e.db.Raw("SELECT count(*) FROM notifications WHERE deadline_id = ?", deadlineID).Scan(&n).Error)
	return int(n)
}

func (e *env) worker(t *testing.T) *Worker {
	t.Helper()
	w, err := e.svc.NewWorker(context.Background(), e.url, WorkerConfig{Workers: 2, PollInterval: 200 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, w.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = w.Stop(ctx)
	})
	return w
}

// waitFor polls cond for up to 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Two server instances work the same database: the overdue reminder goes
// out once — one notification, one e-mail to the organisation's reporters
// who have an address and may sign in.
func TestOverdueReminderOnceAcrossTwoInstances(t *testing.T) {
	e := newEnv(t)
	e.reporters()
	e.worker(t)
	e.worker(t)
	_, d := e.overdueCase("T-TWO")
	require.Equal(t, []string{"overdue_7d"}, sortedKeys(e.jobs(d.ID)))

	waitFor(t, "the e-mail", func() bool { return len(e.smtp.Messages()) >= 1 })
	time.Sleep(2 * time.Second) // time for a second send, were there one
	msgs := e.smtp.Messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, 1, e.notifications(d.ID))
	m := msgs[0]
	assert.Equal(t, []string{"kddi-a@example.org"}, m.To)
	assert.Equal(t, "kensho@example.org", m.From)
	assert.Contains(t, m.Header("Subject"), "事案 T-TWO：詳細な報告の提出期限")
	assert.Contains(t, m.Body(), "Case T-TWO: the detailed report is 10 days overdue")
	var emailed int
	require.NoError(t, e.db.Raw("SELECT emailed_to FROM notifications WHERE deadline_id = ?", d.ID).Scan(&emailed).Error)
	assert.Equal(t, 1, emailed)
	var state string
	require.NoError(t, e.db.Raw("SELECT state FROM river_job WHERE (args->>'deadline_id')::bigint = ?", d.ID).Scan(&state).Error)
	assert.Equal(t, "completed", state)
}

// Jobs are rows in PostgreSQL: a job enqueued while one instance ran, which
// stopped before its time, is worked by the next instance to start.
func TestReminderSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	e.reporters()
	_, d := e.overdueCase("T-RESTART")
	require.NoError(t, e.db.Exec("DELETE FROM river_job").Error) // only the job below

	first, err := e.svc.NewWorker(context.Background(), e.url, WorkerConfig{Workers: 1, PollInterval: 200 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, first.Start(context.Background()))
	at := time.Now().Add(2 * time.Second)
	require.NoError(t, e.db.Transaction(func(tx *gorm.DB) error {
		_, err := e.svc.jobs.InsertTx(context.Background(), tx.Statement.ConnPool.(*sql.Tx),
			ReminderArgs{DeadlineID: d.ID, Stage: "overdue_7d", DueAt: d.DueAt.UTC()}, &river.InsertOpts{ScheduledAt: at})
		return err
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	require.NoError(t, first.Stop(ctx))
	cancel()
	time.Sleep(time.Until(at) + time.Second)
	assert.Zero(t, e.notifications(d.ID), "nobody worked it while no instance ran")
	assert.Empty(t, e.smtp.Messages())

	e.worker(t) // the restart
	waitFor(t, "the reminder after the restart", func() bool { return e.notifications(d.ID) == 1 && len(e.smtp.Messages()) == 1 })
	time.Sleep(time.Second)
	assert.Len(t, e.smtp.Messages(), 1)
}

// The notification row is the guard: two runs of one stage at once (a
// retry racing a slow first attempt, a duplicate job) send once.
func TestConcurrentRunsOfOneStageSendOnce(t *testing.T) {
	e := newEnv(t)
	e.reporters()
	_, d := e.overdueCase("T-RACE")
	args := ReminderArgs{DeadlineID: d.ID, Stage: "overdue_7d", DueAt: d.DueAt.UTC()}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.svc.remind(context.Background(), args)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, e.notifications(d.ID))
	assert.Len(t, e.smtp.Messages(), 1)
}

func TestReminderSkipsWhatIsNoLongerOwed(t *testing.T) {
	e := newEnv(t)
	e.reporters()
	ctx := context.Background()

	t.Run("met meanwhile", func(t *testing.T) {
		id, d := e.overdueCase("T-MET")
		e.addReport(id, rep{"detailed", "KDDI株式会社", time.Now()})
		require.NoError(t, e.svc.remind(ctx, ReminderArgs{DeadlineID: d.ID, Stage: "overdue_7d", DueAt: d.DueAt.UTC()}))
		assert.Zero(t, e.notifications(d.ID))
	})
	t.Run("moved since the job was enqueued", func(t *testing.T) {
		_, d := e.overdueCase("T-MOVED")
		require.NoError(t, e.svc.remind(ctx, ReminderArgs{DeadlineID: d.ID, Stage: "overdue_7d", DueAt: d.DueAt.Add(-24 * time.Hour).UTC()}))
		assert.Zero(t, e.notifications(d.ID))
	})
	t.Run("the case was linked into another", func(t *testing.T) {
		id, d := e.overdueCase("T-LINKED")
		other, _ := e.overdueCase("T-SURVIVOR")
		require.NoError(t, e.db.Exec("UPDATE cases SET merged_into = ? WHERE id = ?", other, id).Error)
		require.NoError(t, e.svc.remind(ctx, ReminderArgs{DeadlineID: d.ID, Stage: "overdue_7d", DueAt: d.DueAt.UTC()}))
		assert.Zero(t, e.notifications(d.ID))
	})
	t.Run("a stage removed from the configuration", func(t *testing.T) {
		_, d := e.overdueCase("T-OLDSTAGE")
		require.NoError(t, e.svc.remind(ctx, ReminderArgs{DeadlineID: d.ID, Stage: "before_30d", DueAt: d.DueAt.UTC()}))
		assert.Zero(t, e.notifications(d.ID))
	})
	assert.Empty(t, e.smtp.Messages())
}

// A refused e-mail leaves no notification: River retries the job, and the
// retry notifies and sends.
func TestFailedEmailIsRetried(t *testing.T) {
	e := newEnv(t)
	e.reporters()
	_, d := e.overdueCase("T-SMTPFAIL")
	args := ReminderArgs{DeadlineID: d.ID, Stage: "overdue_7d", DueAt: d.DueAt.UTC()}
	e.smtp.SetReject(true)
	err := e.svc.remind(context.Background(), args)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "RCPT TO kddi-a@example.org")
	assert.Zero(t, e.notifications(d.ID))
	e.smtp.SetReject(false)
	require.NoError(t, e.svc.remind(context.Background(), args))
	assert.Equal(t, 1, e.notifications(d.ID))
	assert.Len(t, e.smtp.Messages(), 1)
}

// Without an SMTP server the reminder is in-app only.
func TestInAppOnlyWithoutSMTP(t *testing.T) {
	e := newEnv(t)
	e.reporters()
	e.svc.Mail = nil
	_, d := e.overdueCase("T-INAPP")
	require.NoError(t, e.svc.remind(context.Background(), ReminderArgs{DeadlineID: d.ID, Stage: "overdue_7d", DueAt: d.DueAt.UTC()}))
	assert.Equal(t, 1, e.notifications(d.ID))
	assert.Empty(t, e.smtp.Messages())
}
