package deadline

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/identity"
)

func refs(items []Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Ref+" "+it.Kind)
	}
	return out
}

func TestQueue(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.clock = jst("2024-06-05T12:00:00+09:00")
	e.addCase(seriousCase, rep{"quick", "KDDI株式会社", jst("2024-05-01T10:40:00+09:00")}) // due 05-31: 5 days overdue
	e.addCase(replaceNearMiss("2024-05-20T23:30:00+09:00"), rep{"quick", "株式会社NTTドコモ", jst("2024-05-21T09:00:00+09:00")})
	later := e.addCase(withRef(replaceTimes(seriousCase, jst("2024-06-01T10:00:00+09:00")), "T-LATER"),
		rep{"quick", "KDDI株式会社", jst("2024-06-01T14:00:00+09:00")}) // due 07-01
	e.addCase(quarterlyCase, rep{"quarterly_detailed", "楽天モバイル株式会社", jst("2024-07-05T10:00:00+09:00")})               // met
	e.addCase(withRef(quarterlyCase, "T-Q-OPEN"), rep{"information", "楽天モバイル株式会社", jst("2024-07-01T10:00:00+09:00")}) // due 08-31
	e.addCase(withRef(seriousCase, "T-DONE"), rep{"quick", "KDDI株式会社", jst("2024-05-01T11:00:00+09:00")},
		rep{"detailed", "KDDI株式会社", jst("2024-05-30T11:00:00+09:00")})

	items, err := e.svc.Queue(ctx, Filter{})
	require.NoError(t, err)
	assert.Equal(t, []string{"T-SERIOUS detailed", "T-NEARMISS detailed", "T-LATER detailed"}, refs(items),
		"overdue first, then by due date; met ones and those beyond 30 days left out")
	first := items[0]
	assert.Equal(t, "2024-05-31", first.DueOn)
	assert.Equal(t, -5, first.DaysLeft)
	assert.True(t, first.Overdue)
	assert.Equal(t, "KDDI株式会社", first.Organisation)
	require.NotNil(t, first.MinutesToFirstReport)
	assert.Equal(t, int64(40), *first.MinutesToFirstReport, "the quick report came 40 minutes after occurrence")
	assert.Equal(t, 14, items[1].DaysLeft)
	assert.False(t, items[1].Overdue)
	assert.Equal(t, 26, items[2].DaysLeft)
	assert.Equal(t, later, items[2].CaseID)

	items, err = e.svc.Queue(ctx, Filter{OverdueOnly: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"T-SERIOUS detailed"}, refs(items))

	items, err = e.svc.Queue(ctx, Filter{WithinDays: 90})
	require.NoError(t, err)
	assert.Equal(t, []string{"T-SERIOUS detailed", "T-NEARMISS detailed", "T-LATER detailed", "T-Q-OPEN quarterly"}, refs(items))
	assert.Nil(t, items[3].MinutesToFirstReport, "no quick report: no elapsed time")

	e.clock = jst("2024-05-31T23:59:00+09:00")
	items, err = e.svc.Queue(ctx, Filter{OverdueOnly: true})
	require.NoError(t, err)
	assert.Empty(t, items, "due today is not overdue until the day ends")
	e.clock = jst("2024-06-01T00:00:00+09:00")
	items, err = e.svc.Queue(ctx, Filter{OverdueOnly: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"T-SERIOUS detailed"}, refs(items))
	assert.Equal(t, -1, items[0].DaysLeft)
}

func TestQueueVisibility(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.clock = jst("2024-06-05T12:00:00+09:00")
	e.addCase(seriousCase, rep{"quick", "KDDI株式会社", jst("2024-05-01T10:40:00+09:00")})
	e.addCase(replaceNearMiss("2024-05-20T23:30:00+09:00"), rep{"quick", "株式会社NTTドコモ", jst("2024-05-21T09:00:00+09:00")})
	e.addCase(withRef(wholesaleCase, "T-WHOLESALE"), rep{"quick", "株式会社NTTドコモ", jst("2024-05-10T09:00:00+09:00")})

	sec := e.user(identity.NewUser{Login: "sec", Role: "secretariat"})
	expert := e.user(identity.NewUser{Login: "exp", Role: "expert", Conflicts: []string{"KDDI株式会社"}})
	docomo := e.user(identity.NewUser{Login: "docomo-a", Role: "reporter", Org: "株式会社NTTドコモ"})
	rakuten := e.user(identity.NewUser{Login: "rakuten-a", Role: "reporter", Org: "楽天モバイル株式会社"})
	editor := e.user(identity.NewUser{Login: "ed", Role: "editor"})

	for _, tc := range []struct {
		name string
		sub  access.Subject
		want []string
	}{
		{"the secretariat sees every organisation's", sec, []string{"T-SERIOUS KDDI株式会社", "T-WHOLESALE 株式会社NTTドコモ",
			"T-WHOLESALE 楽天モバイル株式会社", "T-NEARMISS 株式会社NTTドコモ"}},
		{"an expert, less the cases of a declared conflict", expert, []string{"T-WHOLESALE 株式会社NTTドコモ",
			"T-WHOLESALE 楽天モバイル株式会社", "T-NEARMISS 株式会社NTTドコモ"}},
		{"a reporter, its own organisation's only", docomo, []string{"T-WHOLESALE 株式会社NTTドコモ", "T-NEARMISS 株式会社NTTドコモ"}},
		{"a wholesale customer, its own part of the joint case", rakuten, []string{"T-WHOLESALE 楽天モバイル株式会社"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, err := e.svc.Visible(ctx, tc.sub, Filter{})
			require.NoError(t, err)
			got := []string{}
			for _, it := range items {
				got = append(got, it.Ref+" "+it.Organisation)
			}
			assert.Equal(t, tc.want, got)
			assert.True(t, e.svc.MayRead(tc.sub))
		})
	}
	for name, sub := range map[string]access.Subject{"an editor": editor, "anonymous": access.Anonymous} {
		_, err := e.svc.Visible(ctx, sub, Filter{})
		assert.ErrorIs(t, err, ErrForbidden, name)
		assert.False(t, e.svc.MayRead(sub), name)
	}
}

func TestNotificationsAreOwn(t *testing.T) {
	e := newEnv(t)
	e.reporters()
	ctx := context.Background()
	_, d := e.overdueCase("T-NOTE")
	require.NoError(t, e.svc.remind(ctx, ReminderArgs{DeadlineID: d.ID, Stage: "overdue_7d", DueAt: d.DueAt.UTC()}))
	kddiA, _ := e.ids.ByLogin(ctx, "kddi-a")
	kddiB, _ := e.ids.ByLogin(ctx, "kddi-b")
	docomo, _ := e.ids.ByLogin(ctx, "docomo-a")
	sec, _ := e.ids.ByLogin(ctx, "sec")

	list, err := e.svc.Notifications(ctx, kddiB.Subject, false, 0)
	require.NoError(t, err)
	require.Len(t, list, 1, "a reminder is for the whole organisation, with or without an address")
	n := list[0]
	assert.Equal(t, "reminder.overdue_7d", n.MessageKey)
	assert.Equal(t, "T-NOTE", n.Params["ref"])
	assert.Contains(t, n.Text("ja"), "事案 T-NOTE：詳細な報告の提出期限")
	assert.Contains(t, n.Text("en"), "Case T-NOTE: the detailed report is 10 days overdue")
	unread, err := e.svc.Unread(ctx, kddiA.Subject)
	require.NoError(t, err)
	assert.Equal(t, int64(1), unread)

	others, err := e.svc.Notifications(ctx, docomo.Subject, false, 0)
	require.NoError(t, err)
	assert.Empty(t, others)
	_, err = e.svc.MarkRead(ctx, docomo.Subject, n.ID)
	assert.ErrorIs(t, err, ErrNotFound, "another organisation's notification is not found")
	_, err = e.svc.Notifications(ctx, sec.Subject, false, 0)
	assert.ErrorIs(t, err, ErrForbidden)
	unread, _ = e.svc.Unread(ctx, sec.Subject)
	assert.Zero(t, unread)

	read, err := e.svc.MarkRead(ctx, kddiA.Subject, n.ID)
	require.NoError(t, err)
	require.NotNil(t, read.ReadAt)
	again, err := e.svc.MarkRead(ctx, kddiB.Subject, n.ID)
	require.NoError(t, err)
	assert.True(t, read.ReadAt.Equal(*again.ReadAt), "the first reader's time is kept")
	unread, _ = e.svc.Unread(ctx, kddiB.Subject)
	assert.Zero(t, unread)
	list, _ = e.svc.Notifications(ctx, kddiB.Subject, true, 0)
	assert.Empty(t, list)

	entries, err := audit.List(ctx, e.db, audit.Query{Action: ActionNotificationRead})
	require.NoError(t, err)
	require.Len(t, entries, 1, "marking read is audited once")
	assert.Equal(t, kddiA.Subject.Key, entries[0].Actor)
}

// replaceNearMiss is the reportable near-miss at another time.
func replaceNearMiss(at string) string {
	return strings.ReplaceAll(nearMissCase, "2024-03-31T23:30:00+09:00", at)
}
