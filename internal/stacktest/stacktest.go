// Package stacktest builds the whole Kenshō server on a fresh database for
// tests that go through HTTP or a browser: migrated, the policy loaded and
// the demo data seeded through the real `kensho` commands, with an API
// token for every demo user.
package stacktest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kensho/configs"
	"kensho/internal/app"
	"kensho/internal/config"
	"kensho/internal/dbtest"
	"kensho/internal/rules"
)

// Stack is a running server and what tests need to drive it.
type Stack struct {
	*app.Stack
	DBURL  string
	Server *httptest.Server
	// Tokens are API tokens by demo login.
	Tokens map[string]string
	// Cases are the demo case ids by ref.
	Cases map[string]int64
}

// Env is the environment the commands run with: the test database.
func Env(dbURL string) func(string) string {
	return func(k string) string {
		switch k {
		case "KENSHO_DATABASE_URL":
			return dbURL
		case "KENSHO_LOG_LEVEL":
			return "error"
		}
		return ""
	}
}

// Run runs a kensho command against the test database and returns stdout.
func Run(t testing.TB, dbURL string, args ...string) string {
	t.Helper()
	return RunInput(t, dbURL, "", args...)
}

// RunInput is Run with stdin.
func RunInput(t testing.TB, dbURL, stdin string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := app.Run(context.Background(), args, Env(dbURL), strings.NewReader(stdin), &out, &errOut); err != nil {
		t.Fatalf("kensho %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// New starts a server over a fresh, seeded database.
func New(t testing.TB) *Stack { return NewWith(t, Options{}) }

// Options change the server New builds.
type Options struct {
	// Env are more environment variables for the server's configuration
	// (KENSHO_LLM_ENABLED…), read like the real ones.
	Env map[string]string
	// Log receives every log line of the server, at every level (nil:
	// discarded).
	Log io.Writer
}

// NewWith is New with options.
func NewWith(t testing.TB, o Options) *Stack {
	t.Helper()
	gdb, dbURL := dbtest.New(t)
	Run(t, dbURL, "policy", "load")
	Run(t, dbURL, "demo", "seed")
	env := Env(dbURL)
	cfg, err := config.Load(func(k string) string {
		if v, ok := o.Env[k]; ok {
			return v
		}
		return env(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := rules.Load(configs.FS)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if o.Log != nil {
		log = slog.New(slog.NewTextHandler(o.Log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	st, err := app.NewStack(context.Background(), gdb, cfg, cat, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	s := &Stack{Stack: st, DBURL: dbURL, Tokens: map[string]string{}, Cases: map[string]int64{}}
	s.Server = httptest.NewServer(st.Echo)
	t.Cleanup(s.Server.Close)
	for _, u := range app.DemoUsers {
		tok, err := st.Identity.CreateToken(context.Background(), u.Login, "test", "test")
		if err != nil {
			t.Fatal(err)
		}
		s.Tokens[u.Login] = tok
	}
	var rows []struct {
		ID  int64
		Ref string
	}
	if err := gdb.Raw("SELECT id, ref FROM cases").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		s.Cases[r.Ref] = r.ID
	}
	return s
}

// Do sends a request as login ("" for anonymous) and returns status and body.
func (s *Stack) Do(t testing.TB, login, method, path string, body string) (int, string) {
	t.Helper()
	return s.DoWith(t, login, method, path, body, nil)
}

// DoWith is Do with extra request headers (Idempotency-Key, say).
func (s *Stack) DoWith(t testing.TB, login, method, path string, body string, header map[string]string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.Server.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if login != "" {
		req.Header.Set("Authorization", "Bearer "+s.Tokens[login])
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
