package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/deadline"
	"kensho/internal/stacktest"
)

type deadlineItems struct {
	Items []deadlineItem `json:"items"`
}

type deadlineItem struct {
	CaseID               int64  `json:"case_id"`
	Ref                  string `json:"ref"`
	Organisation         string `json:"organisation"`
	Kind                 string `json:"kind"`
	DueOn                string `json:"due_on"`
	DaysLeft             int    `json:"days_left"`
	Overdue              bool   `json:"overdue"`
	MinutesToFirstReport *int64 `json:"minutes_to_first_report"`
}

func TestDeadlinesAPI(t *testing.T) {
	st := stacktest.New(t)
	spec := loadSpec(t)
	now := time.Now()
	kddiCase := st.AddCase(t, stacktest.SeriousAccident("T-KDDI-LATE", "KDDI株式会社", now.AddDate(0, 0, -40)),
		stacktest.Report{Kind: "quick", Org: "KDDI株式会社", At: now.AddDate(0, 0, -40).Add(25 * time.Minute)})
	st.AddCase(t, stacktest.SeriousAccident("T-DOCOMO-SOON", "株式会社NTTドコモ", now.AddDate(0, 0, -20)),
		stacktest.Report{Kind: "quick", Org: "株式会社NTTドコモ", At: now.AddDate(0, 0, -20).Add(time.Hour)})

	get := func(who, path string) (int, deadlineItems) {
		t.Helper()
		status, body := st.Do(t, who, "GET", path, "")
		var out deadlineItems
		if status == http.StatusOK {
			require.NoError(t, json.Unmarshal([]byte(body), &out), body)
			var v any
			require.NoError(t, json.Unmarshal([]byte(body), &v))
			for _, it := range v.(map[string]any)["items"].([]any) {
				assert.NoError(t, spec.Components.Schemas["Deadline"].Value.VisitJSON(it), "%s as %s", path, who)
			}
			// The demo's own reports owe deadlines too; this test's cases are T-….
			out.Items = slices.DeleteFunc(out.Items, func(it deadlineItem) bool { return !strings.HasPrefix(it.Ref, "T-") })
		}
		return status, out
	}
	refsOf := func(d deadlineItems) []string {
		out := []string{}
		for _, it := range d.Items {
			out = append(out, it.Ref)
		}
		return out
	}

	t.Run("the secretariat sees every organisation's, the overdue first", func(t *testing.T) {
		status, d := get("secretariat", "/api/v1/deadlines")
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, []string{"T-KDDI-LATE", "T-DOCOMO-SOON"}, refsOf(d))
		first := d.Items[0]
		assert.Equal(t, kddiCase, first.CaseID)
		assert.Equal(t, "KDDI株式会社", first.Organisation)
		assert.Equal(t, "detailed", first.Kind)
		assert.Equal(t, -10, first.DaysLeft)
		assert.True(t, first.Overdue)
		require.NotNil(t, first.MinutesToFirstReport)
		assert.Equal(t, int64(25), *first.MinutesToFirstReport)
		assert.Equal(t, 10, d.Items[1].DaysLeft)

		_, d = get("secretariat", "/api/v1/deadlines?overdue=true")
		assert.Equal(t, []string{"T-KDDI-LATE"}, refsOf(d))
		_, d = get("expert", "/api/v1/deadlines?within=5")
		assert.Equal(t, []string{"T-KDDI-LATE"}, refsOf(d), "the committee sees them too")
	})
	t.Run("a reporter sees its own organisation's only", func(t *testing.T) {
		_, d := get("kddi", "/api/v1/deadlines")
		assert.Equal(t, []string{"T-KDDI-LATE"}, refsOf(d))
		_, d = get("docomo", "/api/v1/deadlines")
		assert.Equal(t, []string{"T-DOCOMO-SOON"}, refsOf(d))
		_, d = get("optage", "/api/v1/deadlines")
		assert.Empty(t, d.Items)
	})
	t.Run("anonymous is 401, roles without deadlines 403, bad input 422", func(t *testing.T) {
		status, _ := get("", "/api/v1/deadlines")
		assert.Equal(t, http.StatusUnauthorized, status)
		for _, who := range []string{"editor", "auditor", "admin"} {
			status, _ := get(who, "/api/v1/deadlines")
			assert.Equal(t, http.StatusForbidden, status, who)
		}
		status, body := st.Do(t, "secretariat", "GET", "/api/v1/deadlines?within=0", "")
		assert.Equal(t, http.StatusUnprocessableEntity, status)
		assert.Contains(t, body, `"path":"within"`)
	})

	t.Run("notifications: the organisation's own, marked read once", func(t *testing.T) {
		w, err := st.Deadlines.NewWorker(context.Background(), st.DBURL, deadline.WorkerConfig{Workers: 1, PollInterval: 200 * time.Millisecond})
		require.NoError(t, err)
		require.NoError(t, w.Start(context.Background()))
		defer func() { _ = w.Stop(context.Background()) }()

		var list struct {
			Items []map[string]any `json:"items"`
		}
		deadlineAt := time.Now().Add(30 * time.Second)
		for {
			status, body := st.Do(t, "kddi", "GET", "/api/v1/notifications", "")
			require.Equal(t, http.StatusOK, status, body)
			require.NoError(t, json.Unmarshal([]byte(body), &list))
			if len(list.Items) > 0 || time.Now().After(deadlineAt) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		require.Len(t, list.Items, 1, "the overdue reminder, in-app (no SMTP server configured)")
		n := list.Items[0]
		assert.NoError(t, spec.Components.Schemas["Notification"].Value.VisitJSON(n))
		assert.Equal(t, "reminder.overdue_7d", n["message_key"])
		assert.Contains(t, n["message"].(map[string]any)["en"], "Case T-KDDI-LATE: the detailed report is 10 days overdue")
		assert.Nil(t, n["read_at"])
		id := int64(n["id"].(float64))

		status, body := st.Do(t, "docomo", "GET", "/api/v1/notifications", "")
		assert.Equal(t, http.StatusOK, status)
		assert.NotContains(t, body, "T-KDDI-LATE", "another organisation's reminders are not listed")
		status, _ = st.Do(t, "docomo", "POST", fmt.Sprintf("/api/v1/notifications/%d/read", id), "")
		assert.Equal(t, http.StatusNotFound, status, "nor can it mark them")
		status, _ = st.Do(t, "secretariat", "GET", "/api/v1/notifications", "")
		assert.Equal(t, http.StatusForbidden, status)
		status, _ = st.Do(t, "", "GET", "/api/v1/notifications", "")
		assert.Equal(t, http.StatusUnauthorized, status)
		status, _ = st.Do(t, "kddi", "POST", "/api/v1/notifications/999999/read", "")
		assert.Equal(t, http.StatusNotFound, status)

		status, body = st.Do(t, "kddi", "POST", fmt.Sprintf("/api/v1/notifications/%d/read", id), "")
		require.Equal(t, http.StatusOK, status, body)
		var read map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &read))
		assert.NoError(t, spec.Components.Schemas["Notification"].Value.VisitJSON(read))
		assert.NotNil(t, read["read_at"])
		status, body = st.Do(t, "kddi", "GET", "/api/v1/notifications?unread=true", "")
		assert.Equal(t, http.StatusOK, status)
		assert.JSONEq(t, `{"items": []}`, body)
	})
}
