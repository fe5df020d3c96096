package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	require.NoError(t, err)
	assert.Equal(t, ":8080", c.HTTP.Addr)
	assert.Equal(t, 15*time.Second, c.HTTP.ShutdownTimeout)
	assert.Equal(t, "info", c.Log.Level)
	assert.Contains(t, c.Database.URL, "/kensho")
}

func TestEnvironmentOverrides(t *testing.T) {
	c, err := Load(env(map[string]string{
		"KENSHO_DATABASE_URL":          "postgres://kensho:s3cret@db:5432/k",
		"KENSHO_ADDR":                  "127.0.0.1:9090",
		"KENSHO_LOG_LEVEL":             "debug",
		"KENSHO_HTTP_SHUTDOWN_TIMEOUT": "3s",
	}))
	require.NoError(t, err)
	assert.Equal(t, "postgres://kensho:s3cret@db:5432/k", c.Database.URL)
	assert.Equal(t, "127.0.0.1:9090", c.HTTP.Addr)
	assert.Equal(t, "debug", c.Log.Level)
	assert.Equal(t, 3*time.Second, c.HTTP.ShutdownTimeout)
	assert.NotContains(t, c.Redacted().Database.URL, "s3cret")
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	require.NoError(t, os.WriteFile(good, []byte("http:\n  addr: \":7070\"\n"), 0o600))
	c, err := Load(env(map[string]string{"KENSHO_CONFIG": good}))
	require.NoError(t, err)
	assert.Equal(t, ":7070", c.HTTP.Addr)
	// The environment beats the file.
	c, err = Load(env(map[string]string{"KENSHO_CONFIG": good, "KENSHO_ADDR": ":6060"}))
	require.NoError(t, err)
	assert.Equal(t, ":6060", c.HTTP.Addr)

	typo := filepath.Join(dir, "typo.yaml")
	require.NoError(t, os.WriteFile(typo, []byte("http:\n  adr: \":7070\"\n"), 0o600))
	_, err = Load(env(map[string]string{"KENSHO_CONFIG": typo}))
	assert.ErrorContains(t, err, `unknown key "http.adr"`)
}

// Each bad value is refused with the key and the variable that set it, and
// a password never appears in the message.
func TestValidationNamesTheKey(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"KENSHO_DATABASE_URL": "mysql://root:hunter2@x/y"}, []string{"database.url (KENSHO_DATABASE_URL)", "PostgreSQL URL"}},
		{map[string]string{"KENSHO_DATABASE_URL": "postgres://u:hunter2@x:5432/"}, []string{"database.url", "must name a database"}},
		{map[string]string{"KENSHO_ADDR": "8080"}, []string{"http.addr (KENSHO_ADDR)", "host:port"}},
		{map[string]string{"KENSHO_ADDR": ":99999"}, []string{"http.addr", "65535"}},
		{map[string]string{"KENSHO_LOG_LEVEL": "loud"}, []string{"log.level (KENSHO_LOG_LEVEL)", "debug, info, warn, error"}},
		{map[string]string{"KENSHO_HTTP_READ_TIMEOUT": "soon"}, []string{"http.read_timeout (KENSHO_HTTP_READ_TIMEOUT)"}},
		{map[string]string{"KENSHO_DATABASE_MAX_OPEN_CONNS": "0"}, []string{"database.max_open_conns", "at least 1"}},
		{map[string]string{"KENSHO_RULES_DIR": "/no/such/dir"}, []string{"rules.dir (KENSHO_RULES_DIR)", "existing directory"}},
		{map[string]string{"KENSHO_HTTP_BODY_LIMIT": "lots"}, []string{"http.body_limit", "10M"}},
	}
	for _, tt := range tests {
		_, err := Load(env(tt.env))
		require.Error(t, err, tt.env)
		for _, w := range tt.want {
			assert.Contains(t, err.Error(), w)
		}
		assert.NotContains(t, err.Error(), "hunter2")
	}
}
