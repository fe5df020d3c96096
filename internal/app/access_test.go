package app_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/db"
	"kensho/internal/dbtest"
)

func TestAccessCommands(t *testing.T) {
	c := newCLI(t)
	c.ok("", "migrate")
	c.ok("", "orgs", "load")
	c.ok("", "import", devFile)
	c.ok("", "import", devFile) // nothing changes: nothing to audit
	pol := decode[map[string]int](t, c.ok("", "policy", "load"))
	assert.Positive(t, pol["added"])
	assert.Equal(t, 0, decode[map[string]int](t, c.ok("", "policy", "load"))["added"], "loading twice changes nothing")

	// A password is generated and shown once, or read from stdin.
	u := decode[map[string]any](t, c.ok("", "user", "create", "--login", "kddi-taro", "--role", "reporter", "--org", "au"))
	assert.Len(t, u["password"], 20)
	u = decode[map[string]any](t, c.ok("a long enough password\n", "user", "create", "--login", "hanako", "--role", "expert",
		"--fields", "telecom_engineering,systems_audit", "--conflicts", "ソフトバンク,NTTドコモ", "--password-stdin"))
	assert.NotContains(t, u, "password")

	_, stderr, err := c.run("", "user", "create", "--login", "x2", "--role", "reporter", "--org", "Nonexistent Telecom")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--org:")
	_ = stderr

	users := decode[[]map[string]any](t, c.ok("", "user", "list"))
	require.Len(t, users, 2)
	assert.Equal(t, "hanako", users[0]["login"])
	assert.Equal(t, []any{"ソフトバンク株式会社", "株式会社NTTドコモ"}, users[0]["conflicts"])
	assert.Equal(t, "KDDI株式会社", users[1]["organisation"])

	assert.Contains(t, c.ok("", "user", "disable", "--login", "kddi-taro"), `"disabled": true`)
	assert.Contains(t, c.ok("", "user", "enable", "--login", "kddi-taro"), `"disabled": false`)
	_, _, err = c.run("", "user", "disable", "--login", "nobody")
	require.Error(t, err)
	token := strings.TrimSpace(c.ok("", "token", "create", "--user", "hanako"))
	assert.Regexp(t, `^kensho_[A-Za-z0-9_-]{43}$`, token)
	_, _, err = c.run("", "token", "create", "--user", "nobody")
	require.Error(t, err)
	tokens := decode[[]map[string]any](t, c.ok("", "token", "list", "--user", "hanako"))
	require.Len(t, tokens, 1)
	assert.Equal(t, token[:13], tokens[0]["prefix"])
	assert.NotContains(t, c.ok("", "token", "list"), token, "the list never shows a token")
	c.ok("", "token", "revoke", fmt.Sprint(tokens[0]["id"]))
	_, _, err = c.run("", "token", "revoke", fmt.Sprint(tokens[0]["id"]))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no such active token")

	// The audit trail holds all of it, chained; a changed row is named.
	res := decode[map[string]any](t, c.ok("", "audit", "verify"))
	assert.Equal(t, true, res["ok"])
	assert.GreaterOrEqual(t, res["entries"], 4.0)
	csv := c.ok("", "audit", "export")
	assert.Contains(t, csv, "user.create")
	assert.Contains(t, csv, "token.create")
	assert.Contains(t, csv, "policy.load")
	assert.Contains(t, csv, "registry.load")
	assert.Equal(t, 1, strings.Count(csv, ",import,"), "every write, and only writes")
	assert.NotContains(t, csv, token, "tokens are never logged")

	gdb, err := db.Open(t.Context(), dbtest.Config(c.env["KENSHO_DATABASE_URL"]), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer db.Close(gdb)
	require.NoError(t, gdb.Exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only").Error)
	require.NoError(t, gdb.Exec("UPDATE audit_log SET actor = 'someone-else' WHERE id = 2").Error)
	out, _, err := c.run("", "audit", "verify")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "audit chain broken at entry 2")
	assert.Contains(t, out, `"first_broken"`)
}
