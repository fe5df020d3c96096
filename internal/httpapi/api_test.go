package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/db"
	"kensho/internal/dbtest"
	"kensho/internal/httpapi"
	"kensho/internal/rules"
)

func newServer(t *testing.T, migrated bool) (*echo.Echo, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	var deps httpapi.Deps
	if migrated {
		gdb, _ := dbtest.New(t)
		deps.DB = gdb
	} else {
		gdb, err := db.Open(context.Background(), dbtest.Config(dbtest.URL(t)), log)
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close(gdb) })
		deps.DB = gdb
	}
	cat, err := rules.Load(configs.FS)
	require.NoError(t, err)
	deps.Log, deps.Catalog = log, cat
	e := httpapi.NewEcho(log, "64K")
	httpapi.Register(e, deps)
	// A route that fails with an internal error, to see what a 500 shows.
	e.GET("/test/boom", func(echo.Context) error { return errors.New("pq: password authentication failed for user secretuser") })
	return e, &logs
}

const goodCase = `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-05-30T12:56:00+09:00",
  "recovered_at":"2020-05-30T18:32:00+09:00","impacts":[{"service":"internet_access","peak_users":2200000,
  "timeline":[{"from":"2020-05-30T12:56:00+09:00","to":"2020-05-30T18:32:00+09:00","users":2200000}]}]}`

func TestAPI(t *testing.T) {
	e, logs := newServer(t, true)
	tests := []struct {
		name, method, path, body string
		status                   int
		contains                 []string
		absent                   []string
	}{
		{"liveness", "GET", "/healthz", "", 200, []string{`"status":"ok"`}, nil},
		{"readiness", "GET", "/readyz", "", 200, []string{`"status":"ready"`}, nil},
		{"rule sets", "GET", "/api/v1/rules", "", 200, []string{`"id":"2019"`, `"status":"in_force"`, `"in_force_from":"2019-03-26"`, `"id":"proposal-2025"`, `"in_force_from":null`}, nil},
		{"classify", "POST", "/api/v1/classify", goodCase, 200, []string{`"rule_set":"2019"`, `"serious":true`, `"basis":"timeline"`, `"service":"internet_access"`}, nil},
		{"classify under the draft", "POST", "/api/v1/classify?rules=proposal-2025", goodCase, 200, []string{`"rule_set":"proposal-2025"`, `"category":"internet_access"`}, nil},
		{"classify: bad case", "POST", "/api/v1/classify",
			strings.Replace(goodCase, `"to":"2020-05-30T18:32:00+09:00"`, `"to":"2020-05-30T11:00:00+09:00"`, 1), 422,
			[]string{`"error":"invalid case: impacts[0].timeline[0].to: before from"`, `"path":"impacts[0].timeline[0].to"`, `"message":"before from"`}, nil},
		{"classify: not JSON", "POST", "/api/v1/classify", `{"ref":`, 422, []string{"invalid JSON at line 1"}, nil},
		{"classify: unknown rule set", "POST", "/api/v1/classify?rules=mars", goodCase, 400, []string{`unknown rule set \"mars\"`}, nil},
		{"classify: before any rule set", "POST", "/api/v1/classify", strings.ReplaceAll(goodCase, "2020-05-30", "1980-05-30"), 422, []string{"no rule set was in force on 1980-05-30"}, nil},
		{"classify: body too large", "POST", "/api/v1/classify", strings.Repeat(" ", 70*1024) + goodCase, 413, []string{`"error":"Request Entity Too Large"`}, nil},
		{"classify: wrong method", "GET", "/api/v1/classify", "", 405, []string{`"error":"Method Not Allowed"`}, nil},
		{"unknown route", "GET", "/api/v1/nothing", "", 404, []string{`"error":"Not Found"`}, nil},
		{"internal errors stay internal", "GET", "/test/boom", "", 500, []string{`"error":"internal server error"`, `"request_id":"`}, []string{"secretuser", "password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			body, _ := io.ReadAll(rec.Body)
			assert.Equal(t, tt.status, rec.Code, string(body))
			for _, c := range tt.contains {
				assert.Contains(t, string(body), c)
			}
			for _, a := range tt.absent {
				assert.NotContains(t, string(body), a)
			}
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			assert.NotEmpty(t, rec.Header().Get(echo.HeaderXRequestID))
		})
	}
	// The 500's cause is in the log, with the request id, for the operator.
	assert.Contains(t, logs.String(), "secretuser")
	assert.Contains(t, logs.String(), "request failed")
}

// Not ready while migrations are pending.
func TestReadyzWithPendingMigrations(t *testing.T) {
	e, _ := newServer(t, false)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Contains(t, rec.Body.String(), "migrations pending")
}
