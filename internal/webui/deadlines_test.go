package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/deadline"
	"kensho/internal/jpdate"
	"kensho/internal/stacktest"
)

func TestDeadlinesPage(t *testing.T) {
	s := stacktest.New(t)
	now := time.Now()
	late := now.AddDate(0, 0, -40)
	s.AddCase(t, stacktest.SeriousAccident("T-KDDI-LATE", "KDDI株式会社", late),
		stacktest.Report{Kind: "quick", Org: "KDDI株式会社", At: late.Add(95 * time.Minute)})
	soon := now.AddDate(0, 0, -20)
	s.AddCase(t, stacktest.SeriousAccident("T-DOCOMO-SOON", "株式会社NTTドコモ", soon),
		stacktest.Report{Kind: "quick", Org: "株式会社NTTドコモ", At: soon.Add(time.Hour)})
	lateDue, _ := jpdate.ParseDate(jpdate.DateOf(late.AddDate(0, 0, 30)))

	t.Run("the secretariat's queue: overdue in red, 和暦 with the Western year, days left", func(t *testing.T) {
		b := signedIn(t, s, "secretariat")
		r := b.get("/deadlines")
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		overdue := section(t, r.Body, "h-overdue")
		assert.Contains(t, overdue, "T-KDDI-LATE")
		assert.Contains(t, overdue, `<tr class="overdue">`)
		assert.Contains(t, overdue, "10日超過")
		assert.Contains(t, overdue, jpdate.Wareki(lateDue), "the due date as 令和N年(YYYY年)M月D日")
		assert.Contains(t, overdue, "1時間35分", "occurrence to quick report")
		assert.Contains(t, overdue, "詳細な報告")
		assert.Contains(t, overdue, fmt.Sprintf(`href="/cases/%d"`, s.Cases["T-KDDI-LATE"]))
		due := section(t, r.Body, "h-due")
		assert.Contains(t, due, "T-DOCOMO-SOON")
		assert.Contains(t, due, "あと10日")
		assert.NotContains(t, due, "T-KDDI-LATE")
		assert.Contains(t, r.Body, `href="/deadlines" aria-current="page"`)

		r = b.get("/deadlines?within=5")
		assert.NotContains(t, r.Body, "T-DOCOMO-SOON")
		r = b.get("/deadlines?within=abc")
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Contains(t, r.Body, "日数は1から366までの数字で指定してください。")

		// The demo's own reports may owe some too: the home page counts
		// what the queue lists as overdue.
		overdueRows := strings.Count(overdue, `<tr class="overdue">`)
		home := b.get("/home")
		assert.Contains(t, home.Body, fmt.Sprintf("期限超過の報告 %d 件", overdueRows))
	})

	t.Run("in English, ISO dates", func(t *testing.T) {
		b := signedIn(t, s, "secretariat")
		b.get("/lang?to=en")
		r := b.get("/deadlines")
		assert.Contains(t, r.Body, "10 days overdue")
		assert.Contains(t, r.Body, jpdate.DateOf(lateDue))
		assert.Contains(t, r.Body, "detailed report")
	})

	t.Run("a reporter sees its own organisation's, others are refused", func(t *testing.T) {
		r := signedIn(t, s, "kddi").get("/deadlines")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, "T-KDDI-LATE")
		assert.NotContains(t, r.Body, "T-DOCOMO-SOON")
		for _, who := range []string{"editor", "auditor", "admin"} {
			b := signedIn(t, s, who)
			assert.Equal(t, http.StatusForbidden, b.get("/deadlines").Status, who)
			assert.NotContains(t, b.get("/home").Body, `href="/deadlines"`, who)
		}
		anon := newBrowser(t, s)
		assert.Equal(t, "/login?next=%2Fdeadlines", anon.get("/deadlines").Location)
	})

	t.Run("a reporter's notifications: listed, counted on the home page, marked read", func(t *testing.T) {
		w, err := s.Deadlines.NewWorker(context.Background(), s.DBURL, deadline.WorkerConfig{Workers: 1, PollInterval: 200 * time.Millisecond})
		require.NoError(t, err)
		require.NoError(t, w.Start(context.Background()))
		defer func() { _ = w.Stop(context.Background()) }()
		b := signedIn(t, s, "kddi")
		until := time.Now().Add(30 * time.Second)
		for !strings.Contains(b.get("/home").Body, "未読の通知 1 件") {
			require.True(t, time.Now().Before(until), "the overdue reminder never came")
			time.Sleep(200 * time.Millisecond)
		}
		r := b.get("/notifications")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, "事案 T-KDDI-LATE：詳細な報告の提出期限")
		assert.Contains(t, r.Body, "10日過ぎています")
		m := regexp.MustCompile(`action="(/notifications/\d+/read)"`).FindStringSubmatch(r.Body)
		require.NotNil(t, m)

		other := signedIn(t, s, "docomo")
		assert.NotContains(t, other.get("/notifications").Body, "T-KDDI-LATE")
		assert.Equal(t, http.StatusNotFound, other.post(m[1], nil, "auto").Status, "another organisation's is not found")
		assert.Equal(t, http.StatusForbidden, b.post(m[1], nil, "").Status, "the form needs its token")

		r = b.post(m[1], nil, "auto")
		assert.Equal(t, http.StatusSeeOther, r.Status)
		assert.Equal(t, "/notifications?done=read", r.Location)
		r = b.get(r.Location)
		assert.Contains(t, r.Body, "既読にしました。")
		assert.NotContains(t, r.Body, m[1], "read: no button any more")
		assert.Contains(t, b.get("/home").Body, "未読の通知 0 件")
		assert.Equal(t, http.StatusForbidden, signedIn(t, s, "secretariat").get("/notifications").Status)
	})
}

// section is the HTML of the <section> whose heading has id.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `aria-labelledby="`+id+`"`)
	require.GreaterOrEqual(t, i, 0, "no section %s", id)
	j := strings.Index(body[i:], "</section>")
	require.GreaterOrEqual(t, j, 0)
	return body[i : i+j]
}
