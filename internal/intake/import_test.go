package intake_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/dbtest"
	"kensho/internal/intake"
)

func service(t *testing.T) (*intake.Service, *gorm.DB) {
	t.Helper()
	gdb, _ := dbtest.New(t)
	return intake.New(casestore.New(gdb), slog.New(slog.NewTextHandler(io.Discard, nil))), gdb
}

func devData(t *testing.T) []byte {
	t.Helper()
	data, err := configs.FS.ReadFile("demo/serious-2015-2020.json")
	require.NoError(t, err)
	return data
}

func count(t *testing.T, gdb *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, gdb.Table(table).Count(&n).Error)
	return n
}

// Import → export → import round-trips, and the same file twice imports
// nothing new.
func TestImportExportRoundTrip(t *testing.T) {
	svc, gdb := service(t)
	ctx := context.Background()
	data := devData(t)

	res, err := svc.Import(ctx, data, "serious-2015-2020.json")
	require.NoError(t, err)
	assert.Equal(t, intake.ImportResult{Imported: 28, Errors: []string{}}, res)
	assert.Equal(t, int64(28), count(t, gdb, "cases"))
	assert.Equal(t, int64(28), count(t, gdb, "reports"))

	res, err = svc.Import(ctx, data, "again.json")
	require.NoError(t, err)
	assert.Equal(t, intake.ImportResult{Skipped: 28, Errors: []string{}}, res)
	assert.Equal(t, int64(28), count(t, gdb, "reports"), "the same report submitted twice is one report")

	var out bytes.Buffer
	n, err := svc.Export(ctx, &out, casestore.Filter{})
	require.NoError(t, err)
	assert.Equal(t, 28, n)
	exported, err := caseformat.DecodeFile(out.Bytes())
	require.NoError(t, err)
	original, err := caseformat.DecodeFile(data)
	require.NoError(t, err)
	require.Len(t, exported.Cases, 28)
	for i := range original.Cases {
		assert.Equal(t, original.Cases[i].Hash(), exported.Cases[i].Hash(), original.Cases[i].Ref)
	}
	assert.Contains(t, out.String(), `"note": "users not countable`, "unknown fields are exported")

	res, err = svc.Import(ctx, out.Bytes(), "export.json")
	require.NoError(t, err)
	assert.Equal(t, intake.ImportResult{Skipped: 28, Errors: []string{}}, res)

	// The original submission is kept byte for byte.
	var body []byte
	require.NoError(t, gdb.Raw(`SELECT r.body FROM reports r JOIN cases c ON c.id = r.case_id WHERE c.ref = '2020-002'`).Row().Scan(&body))
	assert.True(t, bytes.HasPrefix(body, []byte("{\n   \"ref\": \"2020-002\",\n")), "kept with its own layout: %s", body)
	assert.Contains(t, string(body), `"note": "users not countable`)
}

// A file with any bad case writes nothing and lists every problem.
func TestImportIsAtomic(t *testing.T) {
	svc, gdb := service(t)
	in := `{"format":"kensho-case/v1","cases":[
	  {"ref":"a","kind":"accident","operators":[{"name":"甲通信"}],"occurred_at":"2021-01-01T00:00:00+09:00"},
	  {"ref":"b","kind":"accident","operators":[{"name":"乙通信"}],"occurred_at":"2021-01-01T00:00:00+09:00",
	   "impacts":[{"service":"voice","timeline":[{"from":"2021-01-01T02:00:00+09:00","to":"2021-01-01T01:00:00+09:00","users":5}]}]},
	  {"ref":"c","kind":"crash","operators":[{"name":"丙通信"}],"occurred_at":"2021-01-01T00:00:00+09:00"}
	]}`
	res, err := svc.Import(context.Background(), []byte(in), "bad.json")
	var errs caseformat.Errors
	require.True(t, errors.As(err, &errs))
	assert.Equal(t, 0, res.Imported)
	assert.Equal(t, []string{
		"cases[1].impacts[0].timeline[0].to: before from",
		`cases[2].kind: must be one of accident, near_miss, information; got "crash"`,
	}, res.Errors)
	for _, table := range []string{"cases", "reports", "organisations", "impacts"} {
		assert.Zero(t, count(t, gdb, table), table)
	}
}

const one = `{"ref":"2024-001","kind":"accident","operators":[{"name":"%s"}],"occurred_at":"2024-04-01T10:00:00+09:00",
  "recovered_at":"2024-04-01T12:00:00+09:00","summary":"%s",
  "impacts":[{"service":"voice_emergency","peak_users":40000,"timeline":[{"from":"2024-04-01T10:00:00+09:00","to":"2024-04-01T12:00:00+09:00","users":40000}]}]}`

func file(cases ...string) []byte {
	return []byte(`{"format":"kensho-case/v1","cases":[` + strings.Join(cases, ",") + `]}`)
}

func caseJSON(operator, summary string) string {
	return strings.Replace(strings.Replace(one, "%s", operator, 1), "%s", summary, 1)
}

// A changed report of a case already held adds a report and replaces the
// working copy; the older report again changes nothing.
func TestImportUpdatesAChangedCase(t *testing.T) {
	svc, gdb := service(t)
	ctx := context.Background()
	first := file(caseJSON("丁通信株式会社", "第一報"))
	second := file(caseJSON("丁通信株式会社", "詳細報告"))

	res, err := svc.Import(ctx, first, "1.json")
	require.NoError(t, err)
	assert.Equal(t, 1, res.Imported)
	res, err = svc.Import(ctx, second, "2.json")
	require.NoError(t, err)
	assert.Equal(t, intake.ImportResult{Updated: 1, Errors: []string{}}, res)
	assert.Equal(t, int64(1), count(t, gdb, "cases"))
	assert.Equal(t, int64(2), count(t, gdb, "reports"))
	assert.Equal(t, int64(1), count(t, gdb, "impacts"), "the working copy was replaced, not added to")
	var summary string
	require.NoError(t, gdb.Raw(`SELECT summary FROM cases`).Scan(&summary).Error)
	assert.Equal(t, "詳細報告", summary)

	res, err = svc.Import(ctx, first, "1-again.json")
	require.NoError(t, err)
	assert.Equal(t, intake.ImportResult{Skipped: 1, Errors: []string{}}, res)
}

// Within one file: an exact repeat is skipped, a conflicting one refused.
func TestImportRepeatsWithinAFile(t *testing.T) {
	svc, gdb := service(t)
	ctx := context.Background()
	res, err := svc.Import(ctx, file(caseJSON("戊通信", "x"), caseJSON("戊通信", "x")), "dup.json")
	require.NoError(t, err)
	assert.Equal(t, intake.ImportResult{Imported: 1, Skipped: 1, Errors: []string{}}, res)

	res, err = svc.Import(ctx, file(caseJSON("己通信", "x"), caseJSON("己通信", "y")), "conflict.json")
	require.Error(t, err)
	assert.Equal(t, []string{`cases[1]: same operators and ref "2024-001" as cases[0] but different content`}, res.Errors)
	assert.Equal(t, int64(1), count(t, gdb, "cases"))
}

// Operators are organisations: an alias names the same one, so the same
// ref from "ドコモ" and "株式会社NTTドコモ" is one case.
func TestImportResolvesAliases(t *testing.T) {
	svc, gdb := service(t)
	ctx := context.Background()
	regData, err := configs.FS.ReadFile("organisations.yaml")
	require.NoError(t, err)
	reg, err := intake.ParseRegistry(regData)
	require.NoError(t, err)
	rr, err := svc.LoadRegistry(ctx, reg)
	require.NoError(t, err)
	assert.Equal(t, 7, rr.Created)
	again, err := svc.LoadRegistry(ctx, reg)
	require.NoError(t, err)
	assert.Equal(t, intake.RegistryResult{}, again, "loading the registry twice changes nothing")

	_, err = svc.Import(ctx, file(caseJSON("ドコモ", "a")), "a.json")
	require.NoError(t, err)
	res, err := svc.Import(ctx, file(caseJSON("株式会社ＮＴＴドコモ", "a")), "b.json")
	require.NoError(t, err)
	assert.Equal(t, 1, res.Updated, "same organisation and ref: the same case, reported under another spelling")
	assert.Equal(t, int64(1), count(t, gdb, "cases"))
	assert.Equal(t, int64(7), count(t, gdb, "organisations"))

	var designated bool
	require.NoError(t, gdb.Raw(`SELECT o.designated FROM organisations o JOIN case_operators co ON co.organisation_id = o.id`).Scan(&designated).Error)
	assert.True(t, designated)

	// Two names of one organisation in one case is a mistake.
	twice := strings.Replace(caseJSON("NTT東日本", "z"), `[{"name":"NTT東日本"}]`, `[{"name":"NTT東日本"},{"name":"東日本電信電話株式会社"}]`, 1)
	res, err = svc.Import(ctx, file(twice), "twice.json")
	require.Error(t, err)
	assert.Equal(t, []string{`cases[0].operators[1].name: "東日本電信電話株式会社" is the same organisation as operators[0] ("NTT東日本")`}, res.Errors)
}

func TestRegistryRejectsConflicts(t *testing.T) {
	_, err := intake.ParseRegistry([]byte("organisations:\n  - name: A社\n    aliases: [共通]\n  - name: B社\n    aliases: [共通]\n"))
	assert.ErrorContains(t, err, `organisations[1].aliases[0]: "共通" already names "A社"`)
	_, err = intake.ParseRegistry([]byte("organisations:\n  - nam: A社\n"))
	assert.ErrorContains(t, err, "field nam not found")

	svc, _ := service(t)
	ctx := context.Background()
	_, err = svc.Import(ctx, file(caseJSON("甲", "a"), strings.Replace(caseJSON("乙", "a"), "2024-001", "2024-002", 1)), "x.json")
	require.NoError(t, err)
	reg, err := intake.ParseRegistry([]byte("organisations:\n  - name: 甲\n    aliases: [乙]\n"))
	require.NoError(t, err)
	_, err = svc.LoadRegistry(ctx, reg)
	assert.ErrorIs(t, err, intake.ErrRegistryConflict)
	assert.ErrorContains(t, err, "merge them first")
}

// Two imports of one file at once still make each case once.
func TestConcurrentImports(t *testing.T) {
	svc, gdb := service(t)
	data := devData(t)
	var wg sync.WaitGroup
	results := make([]intake.ImportResult, 3)
	errs := make([]error, 3)
	for i := range 3 {
		wg.Go(func() { results[i], errs[i] = svc.Import(context.Background(), data, "concurrent.json") })
	}
	wg.Wait()
	imported := 0
	for i := range 3 {
		require.NoError(t, errs[i])
		imported += results[i].Imported
	}
	assert.Equal(t, 28, imported)
	assert.Equal(t, int64(28), count(t, gdb, "cases"))
}
