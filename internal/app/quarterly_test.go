package app_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"kensho/internal/app"
)

func TestQuarterlyCommands(t *testing.T) {
	c := newCLI(t)
	c.ok("", "migrate")
	c.ok("", "policy", "load")
	c.ok("", "demo", "seed")
	dir := t.TempDir()
	file := filepath.Join(dir, "q.csv")
	head := "organisation,fiscal_year,quarter,form,equipment_type,prefecture,count\n"
	require.NoError(t, os.WriteFile(file, []byte(head+"KDDI,2024,1,simple,base_station,tokyo,12\nドコモ,2024,1,simple,dslam,tokyo,1\n"), 0o600))

	type result struct {
		Added, Updated, Unchanged int
		Errors                    []map[string]any
	}
	res := decode[result](t, c.ok("", "quarterly", "upload", file))
	assert.Equal(t, [3]int{2, 0, 0}, [3]int{res.Added, res.Updated, res.Unchanged})
	assert.Empty(t, res.Errors)
	res = decode[result](t, c.ok("", "quarterly", "upload", file))
	assert.Equal(t, [3]int{0, 0, 2}, [3]int{res.Added, res.Updated, res.Unchanged}, "the same file again adds nothing")

	// As a reporter: another organisation's row is refused, with exit 2 and one line.
	out, stderr, err := c.run("", "quarterly", "upload", "--as", "kddi", file)
	require.Error(t, err)
	assert.Equal(t, 2, app.ExitCode(err))
	res = decode[result](t, out)
	require.Len(t, res.Errors, 1)
	assert.EqualValues(t, 3, res.Errors[0]["row"])
	assert.Equal(t, "organisation", res.Errors[0]["column"])
	assert.Contains(t, app.OneLine(err), "nothing uploaded: row 3, column organisation: you may upload only your own organisation's rows (KDDI株式会社)")
	assert.Empty(t, stderr)

	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte(head+"KDDI,2024,1,simple,base_station,tokyo,twelve\n"), 0o600))
	_, _, err = c.run("", "quarterly", "upload", bad)
	assert.Equal(t, 2, app.ExitCode(err))
	assert.Contains(t, app.OneLine(err), "row 2, column count:")
	_, _, err = c.run("", "quarterly", "upload", "--as", "nobody", file)
	assert.Equal(t, 2, app.ExitCode(err))

	xlsx := c.ok("", "quarterly", "template")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx)))
	require.NoError(t, err)
	defer f.Close()
	dvs, err := f.GetDataValidations("四半期報告")
	require.NoError(t, err)
	assert.NotEmpty(t, dvs)
}
