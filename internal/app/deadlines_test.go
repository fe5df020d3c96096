package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/app"
	"kensho/internal/stacktest"
)

func TestDeadlinesCommand(t *testing.T) {
	st := stacktest.New(t)
	now := time.Now()
	st.AddCase(t, stacktest.SeriousAccident("T-LATE", "KDDI株式会社", now.AddDate(0, 0, -35)),
		stacktest.Report{Kind: "quick", Org: "KDDI株式会社", At: now.AddDate(0, 0, -35).Add(2 * time.Hour)})
	st.AddCase(t, stacktest.SeriousAccident("T-SOON", "株式会社NTTドコモ", now.AddDate(0, 0, -25)),
		stacktest.Report{Kind: "quick", Org: "株式会社NTTドコモ", At: now.AddDate(0, 0, -25)})

	all := testRefs(decode[[]map[string]any](t, stacktest.Run(t, st.DBURL, "deadlines")))
	require.Len(t, all, 2)
	assert.Equal(t, "T-LATE", all[0]["ref"], "most urgent first")
	assert.Equal(t, float64(-5), all[0]["days_left"])
	assert.Equal(t, float64(120), all[0]["minutes_to_first_report"])
	assert.Equal(t, "T-SOON", all[1]["ref"])
	overdue := testRefs(decode[[]map[string]any](t, stacktest.Run(t, st.DBURL, "deadlines", "--overdue")))
	require.Len(t, overdue, 1)
	assert.Equal(t, "KDDI株式会社", overdue[0]["organisation"])
	assert.Len(t, testRefs(decode[[]map[string]any](t, stacktest.Run(t, st.DBURL, "deadlines", "--within", "1"))), 1)

	var out, errOut bytes.Buffer
	err := app.Run(context.Background(), []string{"deadlines", "--within", "400"}, stacktest.Env(st.DBURL), strings.NewReader(""), &out, &errOut)
	require.Error(t, err)
	assert.Equal(t, 2, app.ExitCode(err))
	assert.Contains(t, err.Error(), "--within")
}

// testRefs keeps the queue entries of this test's cases (refs T-…), not
// the demo's reports.
func testRefs(rows []map[string]any) []map[string]any {
	var out []map[string]any
	for _, r := range rows {
		if ref, _ := r["ref"].(string); strings.HasPrefix(ref, "T-") {
			out = append(out, r)
		}
	}
	return out
}

func TestUserCreateTakesAnEmail(t *testing.T) {
	c := newCLI(t)
	c.ok("", "migrate")
	c.ok("", "orgs", "load")
	c.ok("", "user", "create", "--login", "kddi-r", "--role", "reporter", "--org", "KDDI", "--email", "r@example.org")
	users := decode[[]map[string]any](t, c.ok("", "user", "list"))
	require.Len(t, users, 1)
	assert.Equal(t, "r@example.org", users[0]["email"])
	_, _, err := c.run("", "user", "create", "--login", "kddi-s", "--role", "reporter", "--org", "KDDI", "--email", "not-an-address")
	require.Error(t, err)
	assert.Equal(t, 2, app.ExitCode(err))
	assert.Contains(t, err.Error(), "--email:")
}
