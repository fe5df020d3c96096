// Package dbtest gives tests a fresh, migrated PostgreSQL database of their
// own — the real thing, never a double. The server is the one named by
// KENSHO_TEST_PG_URL, else one answering on 127.0.0.1:5432, else whatever
// scripts/pg-ensure.sh starts (the machine's cluster or a private one).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"kensho/internal/config"
	"kensho/internal/db"
)

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
)

// server finds (or starts) the test server once per test binary.
func server() (string, error) {
	serverOnce.Do(func() {
		if u := os.Getenv("KENSHO_TEST_PG_URL"); u != "" {
			serverURL = u
			return
		}
		const local = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
		if reachable(local) {
			serverURL = local
			return
		}
		script, err := findScript()
		if err != nil {
			serverErr = err
			return
		}
		out, err := exec.Command(script).Output()
		if err != nil {
			serverErr = fmt.Errorf("%s: %w (start PostgreSQL or set KENSHO_TEST_PG_URL)", script, err)
			return
		}
		serverURL = strings.TrimSpace(string(out))
	})
	if serverErr == nil {
		sweepOnce.Do(func() { sweep(serverURL) })
	}
	return serverURL, serverErr
}

var (
	sweepOnce sync.Once
	testDB    = regexp.MustCompile(`^kt_.*_(\d{10})_[0-9a-f]{8}$`)
)

// sweep drops test databases that an interrupted run left behind: those
// created more than six hours ago (the time is in the name) with no one
// connected.
func sweep(server string) {
	conn, err := sql.Open("pgx", server)
	if err != nil {
		return
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT datname FROM pg_database d
		WHERE datname LIKE 'kt\_%' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		if m := testDB.FindStringSubmatch(name); m != nil {
			if created, err := strconv.ParseInt(m[1], 10, 64); err == nil && time.Since(time.Unix(created, 0)) > 6*time.Hour {
				stale = append(stale, name)
			}
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = conn.Exec(`DROP DATABASE IF EXISTS "` + name + `"`)
	}
}

func reachable(u string) bool {
	conn, err := sql.Open("pgx", u)
	if err != nil {
		return false
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return conn.PingContext(ctx) == nil
}

// findScript walks up from the test's directory to the module root.
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "scripts", "pg-ensure.sh"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test directory")
		}
		dir = parent
	}
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9_]+`)

// URL creates a fresh, empty database for the test (UTF-8) and returns its
// URL; it is dropped when the test ends. Nothing is migrated.
func URL(t testing.TB) string {
	t.Helper()
	base, err := server()
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := unsafeChars.ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(name) > 30 {
		name = name[:30]
	}
	name = fmt.Sprintf("kt_%s_%d_%s", strings.Trim(name, "_"), time.Now().Unix(), hex.EncodeToString(rnd[:]))
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	u.Path = "/" + name
	dbURL := u.String()
	ctx := context.Background()
	if _, err := db.CreateDatabase(ctx, dbURL); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() {
		if os.Getenv("KENSHO_TEST_KEEP_DB") != "" {
			t.Logf("dbtest: kept database %s", dbURL)
			return
		}
		if err := db.DropDatabase(context.Background(), dbURL); err != nil {
			t.Logf("dbtest: drop %s: %v", name, err)
		}
	})
	return dbURL
}

// New returns a gorm handle on a fresh database with every migration
// applied, and the database's URL.
func New(t testing.TB) (*gorm.DB, string) {
	t.Helper()
	dbURL := URL(t)
	gdb, err := db.Open(context.Background(), Config(dbURL), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { _ = db.Close(gdb) })
	if _, err := db.Migrate(context.Background(), gdb); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return gdb, dbURL
}

// Config is a database configuration for a test URL.
func Config(dbURL string) config.Database {
	return config.Database{URL: dbURL, MaxOpenConns: 5, MaxIdleConns: 2, SlowQuery: time.Second}
}
