package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/app"
	"kensho/internal/dbtest"
)

// cli runs kensho in-process against one database.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, env: map[string]string{"KENSHO_DATABASE_URL": dbtest.URL(t), "KENSHO_LOG_LEVEL": "warn"}}
}

func (c *cli) run(stdin string, args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	err := app.Run(context.Background(), args, func(k string) string { return c.env[k] }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func (c *cli) ok(stdin string, args ...string) string {
	c.t.Helper()
	out, stderr, err := c.run(stdin, args...)
	require.NoError(c.t, err, "kensho %v\nstderr: %s", args, stderr)
	return out
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(s), &v), s)
	return v
}

const devFile = "../../configs/demo/serious-2015-2020.json"

const quarterlyCase = `{"ref":"q","kind":"accident","operators":[{"name":"A"}],
  "occurred_at":"2022-07-02T01:00:00+09:00","recovered_at":"2022-07-02T07:00:00+09:00",
  "impacts":[{"service":"internet_access","timeline":[
    {"from":"2022-07-02T01:00:00+09:00","to":"2022-07-02T01:49:00+09:00","users":45000},
    {"from":"2022-07-02T01:49:00+09:00","to":"2022-07-02T07:00:00+09:00","users":12000}]}]}`

func TestClassifyCommand(t *testing.T) {
	c := &cli{t: t, env: map[string]string{}} // no database needed
	res := decode[map[string]any](t, c.ok(quarterlyCase, "classify"))
	assert.Equal(t, "2019", res["rule_set"])
	assert.Equal(t, false, res["serious"])
	assert.Equal(t, true, res["quarterly"])
	assert.Equal(t, "timeline", res["basis"])
	assert.Equal(t, []any{}, res["met"])
	assert.Contains(t, res["closest"].(map[string]any)["missing"], "needed ≥120 min at ≥30,000 users; had 49 min")

	res = decode[map[string]any](t, c.ok(quarterlyCase, "classify", "--rules", "proposal-2025"))
	assert.Equal(t, "proposal-2025", res["rule_set"])

	serious := strings.Replace(quarterlyCase, `"users":12000`, `"users":120000`, 1)
	res = decode[map[string]any](t, c.ok(serious, "classify"))
	assert.Equal(t, true, res["serious"])
	met := res["met"].([]any)[0].(map[string]any)
	assert.Equal(t, "internet_access", met["service"])
	assert.Equal(t, 360.0, met["minutes"])
	assert.Equal(t, 30000.0, met["users"])

	nm := `{"ref":"n","kind":"near_miss","operators":[{"name":"A"}],"occurred_at":"2024-02-01T00:00:00+09:00",
	  "near_miss":{"situation":"failover_failure","noticed_promptly":true,"switched_promptly":false}}`
	res = decode[map[string]any](t, c.ok(nm, "classify"))
	assert.Equal(t, false, res["near_miss_reportable"])
	assert.Contains(t, res["near_miss_reason"], "noticed promptly")
	res = decode[map[string]any](t, c.ok(nm, "classify", "--rules", "proposal-2025"))
	assert.Equal(t, true, res["near_miss_reportable"])

	bad := strings.Replace(quarterlyCase, `"to":"2022-07-02T07:00:00+09:00"`, `"to":"2022-07-02T01:00:00+09:00"`, 1)
	_, _, err := c.run(bad, "classify")
	require.Error(t, err)
	assert.Equal(t, 2, app.ExitCode(err))
	assert.Equal(t, "impacts[0].timeline[1].to: before from", app.OneLine(err))

	_, _, err = c.run(quarterlyCase, "classify", "--rules", "mars")
	assert.Equal(t, 2, app.ExitCode(err))
	assert.Contains(t, app.OneLine(err), `unknown rule set "mars"`)

	_, _, err = c.run("", "classify", "--bogus")
	assert.Equal(t, 2, app.ExitCode(err))
}

func TestRulesCommand(t *testing.T) {
	c := &cli{t: t, env: map[string]string{}}
	list := decode[[]map[string]any](t, c.ok("", "rules"))
	require.Len(t, list, 11)
	byID := map[string]map[string]any{}
	for _, rs := range list {
		byID[rs["id"].(string)] = rs
	}
	assert.Equal(t, "2019-03-26", byID["2019"]["in_force_from"])
	assert.Equal(t, "in_force", byID["2019"]["status"])
	assert.Equal(t, "superseded", byID["1985"]["status"])
	assert.Nil(t, byID["proposal-2025"]["in_force_from"])
	assert.Equal(t, "proposal", byID["proposal-2025"]["status"])
	assert.Equal(t, "foreign", byID["eu"]["status"])
}

func TestDatabaseCommandsEndToEnd(t *testing.T) {
	c := newCLI(t)

	// Before migration the commands that need the schema say what to do.
	_, _, err := c.run("", "import", devFile)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "run `kensho migrate` first")

	out := c.ok("", "migrate")
	assert.Contains(t, out, "applied 00001_foundation.sql")
	assert.Contains(t, c.ok("", "migrate"), "the database schema is current")
	assert.Regexp(t, `00001_foundation.sql\s+applied `, c.ok("", "migrate", "status"))
	assert.Contains(t, c.ok("", "db", "create"), "exists")
	assert.Contains(t, c.ok("", "orgs", "load"), `"created": 7`)

	res := decode[map[string]any](t, c.ok("", "import", devFile))
	assert.Equal(t, map[string]any{"imported": 28.0, "updated": 0.0, "skipped": 0.0, "errors": []any{}}, res)
	res = decode[map[string]any](t, c.ok("", "import", devFile))
	assert.Equal(t, 28.0, res["skipped"])

	// A bad file: every error listed with its path, nothing written, exit 2.
	badFile := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(badFile, []byte(`{"format":"kensho-case/v1","cases":[
	  {"ref":"new-ok","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2021-01-01T00:00:00+09:00"},
	  {"ref":"x","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2021-01-01T00:00:00+09:00",
	   "impacts":[{"service":"voice","timeline":[{"from":"2021-01-01T01:00:00+09:00","to":"2021-01-01T02:00:00+09:00","users":1},
	     {"from":"2021-01-01T03:00:00+09:00","to":"2021-01-01T02:00:00+09:00","users":1}]}]}]}`), 0o600))
	stdout, _, err := c.run("", "import", badFile)
	require.Error(t, err)
	assert.Equal(t, 2, app.ExitCode(err))
	res = decode[map[string]any](t, stdout)
	assert.Equal(t, 0.0, res["imported"])
	assert.Equal(t, []any{"cases[1].impacts[0].timeline[1].to: before from"}, res["errors"])
	export := c.ok("", "export")
	assert.NotContains(t, export, "new-ok", "nothing of the bad file was written")

	// export → import round-trips.
	exported := filepath.Join(t.TempDir(), "export.json")
	require.NoError(t, os.WriteFile(exported, []byte(export), 0o600))
	res = decode[map[string]any](t, c.ok("", "import", exported))
	assert.Equal(t, 28.0, res["skipped"])
	assert.Equal(t, 0.0, res["imported"])
	part := c.ok("", "export", "--from", "2020-04-01", "--to", "2020-12-31")
	assert.Equal(t, 4, strings.Count(part, `"ref":`))

	years := decode[[]map[string]any](t, c.ok("", "whatif", "--rules", "2008", "--from", "2015-04-01", "--to", "2021-03-31"))
	require.Len(t, years, 6)
	assert.Equal(t, 2015.0, years[0]["fiscal_year"])
	assert.Equal(t, 8.0, years[0]["in_force"])
	assert.Equal(t, 6.0, years[0]["under"])
	assert.Equal(t, -2.0, years[0]["difference"])
	assert.Equal(t, []any{"2015-001", "2016-001"}, years[0]["removed"])
	assert.Equal(t, []any{}, years[0]["added"])

	_, _, err = c.run("", "whatif", "--from", "2015-04-01")
	assert.Equal(t, 2, app.ExitCode(err))
	assert.Contains(t, err.Error(), "--rules is required")
	_, _, err = c.run("", "whatif", "--rules", "eu", "--from", "2015/04/01")
	assert.Equal(t, 2, app.ExitCode(err))
	assert.Contains(t, err.Error(), "2006-01-02")
	_, _, err = c.run("", "import", "/no/such/file.json")
	assert.Equal(t, 2, app.ExitCode(err))
}

func TestConfigCommandMasksSecrets(t *testing.T) {
	c := &cli{t: t, env: map[string]string{"KENSHO_DATABASE_URL": "postgres://kensho:hunter2@db.example:5432/kensho"}}
	out := c.ok("", "config")
	assert.NotContains(t, out, "hunter2")
	assert.Contains(t, out, "db.example")

	c.env["KENSHO_ADDR"] = "nonsense"
	_, _, err := c.run("", "rules")
	require.Error(t, err)
	assert.Equal(t, 2, app.ExitCode(err))
	assert.Contains(t, err.Error(), "http.addr (KENSHO_ADDR)")
}

// syncBuffer is a buffer the server goroutine writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serve prints its URL, answers, and stops cleanly when its context ends.
func TestServeAndGracefulShutdown(t *testing.T) {
	c := newCLI(t)
	c.ok("", "migrate")
	c.env["KENSHO_ADDR"] = "127.0.0.1:0"
	c.env["KENSHO_LOG_LEVEL"] = "info"
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, []string{"serve"}, func(k string) string { return c.env[k] }, strings.NewReader(""), &out, &errOut)
	}()
	var url string
	require.Eventually(t, func() bool {
		s := out.String()
		if i := strings.Index(s, "http://"); i >= 0 {
			url = strings.TrimSpace(s[i:])
			return true
		}
		return false
	}, 10*time.Second, 20*time.Millisecond, "stderr: %s", errOut.String())
	assert.Contains(t, url, "http://localhost:")

	for _, path := range []string{"/healthz", "/readyz", "/api/v1/rules", "/"} {
		resp, err := http.Get(url + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, body)
	}
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	assert.Contains(t, errOut.String(), "msg=stopped")
	assert.Contains(t, errOut.String(), "path=/api/v1/rules status=200", "one log line per request")
}

// The real binary: JSON on stdout, one line on stderr, exit status 2 for
// bad input.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "kensho")
	build := exec.Command("go", "build", "-o", bin, "kensho/cmd/kensho")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	cmd := exec.Command(bin, "classify")
	cmd.Stdin = strings.NewReader(quarterlyCase)
	out, err := cmd.Output()
	require.NoError(t, err)
	assert.Equal(t, "2019", decode[map[string]any](t, string(out))["rule_set"])

	cmd = exec.Command(bin, "classify")
	cmd.Stdin = strings.NewReader(`{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2022-07-02T01:00:00+09:00",
	  "impacts":[{"service":"voice","timeline":[{"from":"2022-07-02T01:00:00+09:00","to":"2022-07-02T02:00:00+09:00","users":1},
	  {"from":"2022-07-02T03:00:00+09:00","to":"2022-07-02T02:30:00+09:00","users":1}]}]}`)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Empty(t, out)
	assert.Equal(t, "kensho: impacts[0].timeline[1].to: before from\n", stderr.String())
}

func TestImportCheckNeedsNoDatabase(t *testing.T) {
	c := &cli{t: t, env: map[string]string{"KENSHO_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}}
	res := decode[map[string]any](t, c.ok("", "import", "--check", devFile))
	assert.Equal(t, map[string]any{"cases": 28.0, "errors": []any{}}, res)
	stdout, _, err := c.run(`{"format":"kensho-case/v1","cases":[{"ref":"x"}]}`, "import", "--check", "-")
	assert.Equal(t, 2, app.ExitCode(err))
	assert.Contains(t, stdout, `"cases[0].kind: required"`)
}
