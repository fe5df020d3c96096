package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/app"
)

// `kensho demo generate`: the file imports; the database path stores the
// same cases (compared through export) and adds nothing the second time;
// the rows' file uploads after the case file is imported.
func TestDemoGenerateCommand(t *testing.T) {
	dir := t.TempDir()
	file, qfile := filepath.Join(dir, "cases.json"), filepath.Join(dir, "rows.json")

	viaFile := newCLI(t)
	viaFile.ok("", "migrate")
	_, stderr, err := viaFile.run("", "demo", "generate", "--cases", "60", "--seed", "9", "--out", file,
		"--quarterly-rows", "25", "--quarterly-out", qfile)
	require.NoError(t, err, stderr)
	assert.Contains(t, stderr, "wrote 60 cases to "+file)
	res := decode[map[string]any](t, viaFile.ok("", "import", file))
	assert.Equal(t, 60.0, res["imported"])
	up := decode[map[string]any](t, viaFile.ok("", "quarterly", "upload", qfile))
	assert.Equal(t, 25.0, up["added"])

	direct := newCLI(t)
	direct.ok("", "migrate")
	gen := decode[map[string]any](t, direct.ok("", "demo", "generate", "--cases", "60", "--seed", "9", "--quarterly-rows", "25"))
	assert.Equal(t, 60.0, gen["imported"])
	assert.Equal(t, 25.0, gen["quarterly"].(map[string]any)["added"])
	assert.Greater(t, gen["rows"], 60.0)
	assert.Greater(t, gen["database_bytes"], 1e6)
	assert.Equal(t, viaFile.ok("", "export"), direct.ok("", "export"), "the database path stores what the import of the file stores")

	again := decode[map[string]any](t, direct.ok("", "demo", "generate", "--cases", "60", "--seed", "9", "--quarterly-rows", "25"))
	assert.Equal(t, 0.0, again["imported"])
	assert.Equal(t, 60.0, again["skipped"])
	assert.Equal(t, 25.0, again["quarterly"].(map[string]any)["unchanged"])

	// --out - is the file on stdout, which import - takes.
	stdout := direct.ok("", "demo", "generate", "--cases", "5", "--seed", "10", "--out", "-")
	assert.True(t, strings.HasPrefix(stdout, `{"format":"kensho-case/v1","cases":[`))
	res = decode[map[string]any](t, direct.ok(stdout, "import", "-"))
	assert.Equal(t, 5.0, res["imported"])

	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"ref":"GEN-9-0000001"`)
}

func TestDemoGenerateUsage(t *testing.T) {
	c := newCLI(t)
	for _, argv := range [][]string{
		{"demo", "generate"},
		{"demo", "generate", "--cases", "-3"},
		{"demo", "generate", "--cases", "3", "--quarterly-out", "q.json"},
		{"demo", "generate", "--cases", "3", "--out", "x.json", "--quarterly-rows", "2"},
		{"demo", "generate", "--cases", "many"},
	} {
		_, _, err := c.run("", argv...)
		require.Error(t, err, argv)
		assert.Equal(t, 2, app.ExitCode(err), "%v: %v", argv, err)
	}
	_, _, err := c.run("", "demo", "generate", "--cases", "3")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "kensho migrate", "an unmigrated database is refused with the fix")
}
