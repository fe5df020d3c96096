package casegen_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/internal/caseformat"
	"kensho/internal/casegen"
	"kensho/internal/casestore"
	"kensho/internal/dbtest"
	"kensho/internal/intake"
	"kensho/internal/quarterly"
)

func generator(t testing.TB, seed uint64) *casegen.Generator {
	t.Helper()
	g, err := casegen.New(seed, nil)
	require.NoError(t, err)
	return g
}

func caseFile(t testing.TB, g *casegen.Generator, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, g.WriteCases(context.Background(), &buf, n))
	return buf.Bytes()
}

func export(t *testing.T, gdb *gorm.DB) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := intake.New(casestore.New(gdb), nil).Export(context.Background(), &buf, casestore.Filter{})
	require.NoError(t, err)
	return buf.Bytes()
}

// storedReport is what the database holds of a case and its report, with
// organisations by name (ids depend on the order they were created in).
type storedReport struct {
	Ref, Kind, Source, SourceName, BodySHA256, CanonicalSHA256 string
	FiscalYear, Sequence                                       int
	Identity                                                   string
	Body                                                       []byte
	OwnOrigin, NoOrganisation                                  bool
}

func stored(t *testing.T, gdb *gorm.DB) []storedReport {
	t.Helper()
	var out []storedReport
	require.NoError(t, gdb.Raw(`SELECT c.ref, r.kind, r.source, r.source_name, r.body_sha256, r.canonical_sha256,
			c.fiscal_year, r.sequence, r.body, r.origin_case_id = c.id AS own_origin, r.organisation_id IS NULL AS no_organisation,
			(SELECT string_agg(o.name, ',' ORDER BY o.name) FROM case_operators co JOIN organisations o ON o.id = co.organisation_id
			 WHERE co.case_id = c.id) || '|' || c.ref AS identity
		FROM cases c JOIN reports r ON r.case_id = c.id ORDER BY c.ref`).Scan(&out).Error)
	return out
}

// The identity key of every case is intake.IdentityKey of its operators'
// organisations and its ref, as the import computes it.
func checkIdentities(t *testing.T, gdb *gorm.DB) {
	t.Helper()
	var rows []struct {
		ID          int64
		Ref         string
		IdentityKey string
	}
	require.NoError(t, gdb.Raw(`SELECT id, ref, identity_key FROM cases`).Scan(&rows).Error)
	orgs, err := casestore.OperatorOrgs(gdb, func() []int64 {
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		return ids
	}())
	require.NoError(t, err)
	for _, r := range rows {
		assert.Equal(t, intake.IdentityKey(orgs[r.ID], r.Ref), r.IdentityKey, r.Ref)
	}
}

func tableCounts(t *testing.T, gdb *gorm.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"cases", "case_operators", "causes", "impacts", "impact_periods", "reports", "organisations",
		"organisation_names", "quarterly_rows", "quarterly_uploads", "audit_log"} {
		var n int64
		require.NoError(t, gdb.Table(table).Count(&n).Error)
		out[table] = n
	}
	return out
}

// The bulk path writes exactly what `kensho import` of the generated file
// writes: the same working copies (compared through export), the same
// reports byte for byte, identity keys and fiscal years, organisations and
// row counts; and one audit entry like the import's.
func TestLoadWritesWhatImportWrites(t *testing.T) {
	ctx := context.Background()
	g := generator(t, 11)
	const n = 700
	data := caseFile(t, g, n)

	imported, _ := dbtest.New(t)
	res, err := intake.New(casestore.New(imported), slog.New(slog.NewTextHandler(io.Discard, nil))).As("tester").
		Import(ctx, data, g.SourceName())
	require.NoError(t, err)
	require.Equal(t, n, res.Imported)

	loaded, _ := dbtest.New(t)
	lres, err := g.Load(ctx, loaded, casegen.LoadOptions{Cases: n, Actor: "tester", BatchSize: 150})
	require.NoError(t, err)
	assert.Equal(t, intake.ImportResult{Imported: n, Errors: []string{}}, lres.ImportResult)

	a, b := export(t, imported), export(t, loaded)
	assert.Equal(t, len(a), len(b))
	assert.True(t, bytes.Equal(a, b), "the exports of the imported and the loaded case bases differ")
	sa, sb := stored(t, imported), stored(t, loaded)
	require.Len(t, sb, n)
	assert.Equal(t, sa, sb)
	for _, r := range sb {
		assert.True(t, r.OwnOrigin && r.NoOrganisation && r.Sequence == 1 && r.Kind == "import" && r.Source == "import", r.Ref)
		assert.True(t, strings.HasPrefix(r.Ref, "GEN-11-"), r.Ref)
	}
	checkIdentities(t, imported)
	checkIdentities(t, loaded)
	ca, cb := tableCounts(t, imported), tableCounts(t, loaded)
	assert.Equal(t, ca, cb)
	assert.Equal(t, int64(1), cb["audit_log"])
	var rowsWritten int64
	for _, table := range []string{"cases", "case_operators", "causes", "impacts", "impact_periods", "reports"} {
		rowsWritten += cb[table]
	}
	assert.Equal(t, rowsWritten, lres.Rows)

	var detail string
	require.NoError(t, loaded.Raw(`SELECT detail::text FROM audit_log WHERE action = 'import' AND object = 'cases'`).Scan(&detail).Error)
	assert.Contains(t, detail, fmt.Sprintf(`"imported":%d`, n))
	assert.Contains(t, detail, `"source":"`+g.SourceName()+`"`)

	// The fiscal year stored is the one of the occurrence in JST.
	var wrong int64
	require.NoError(t, loaded.Raw(`SELECT count(*) FROM cases WHERE fiscal_year <>
		extract(year FROM (occurred_at AT TIME ZONE 'Asia/Tokyo') - interval '3 months')`).Scan(&wrong).Error)
	assert.Zero(t, wrong)
}

// Loading the same seed and count again adds nothing; a larger count adds
// only the new cases; a file import of the same cases is skipped too.
func TestLoadIsIdempotent(t *testing.T) {
	ctx := context.Background()
	g := generator(t, 5)
	gdb, _ := dbtest.New(t)
	res, err := g.Load(ctx, gdb, casegen.LoadOptions{Cases: 300, QuarterlyRows: 120})
	require.NoError(t, err)
	assert.Equal(t, 300, res.Imported)
	require.NotNil(t, res.Quarterly)
	assert.Equal(t, 120, res.Quarterly.Added)
	before := tableCounts(t, gdb)

	again, err := g.Load(ctx, gdb, casegen.LoadOptions{Cases: 300, QuarterlyRows: 120})
	require.NoError(t, err)
	assert.Equal(t, intake.ImportResult{Skipped: 300, Errors: []string{}}, again.ImportResult)
	assert.Equal(t, 0, again.Quarterly.Added)
	assert.Equal(t, 120, again.Quarterly.Unchanged)
	assert.Zero(t, again.Rows)
	assert.Equal(t, before, tableCounts(t, gdb), "nothing written, not even an audit entry")

	ires, err := intake.New(casestore.New(gdb), nil).Import(ctx, caseFile(t, g, 300), g.SourceName())
	require.NoError(t, err)
	assert.Equal(t, 300, ires.Skipped)

	more, err := g.Load(ctx, gdb, casegen.LoadOptions{Cases: 450})
	require.NoError(t, err)
	assert.Equal(t, 150, more.Imported)
	assert.Equal(t, 300, more.Skipped)
}

// The rows Load writes are those `kensho quarterly upload` of the
// generated file writes, with the same upload record and audit entry.
func TestLoadRowsAreWhatUploadWrites(t *testing.T) {
	ctx := context.Background()
	g := generator(t, 21)
	const n, m = 200, 400
	var qfile bytes.Buffer
	require.NoError(t, g.WriteQuarterly(&qfile, m, n))

	uploaded, _ := dbtest.New(t)
	_, err := intake.New(casestore.New(uploaded), nil).Import(ctx, caseFile(t, g, n), g.SourceName())
	require.NoError(t, err)
	svc, err := quarterly.New(uploaded, nil)
	require.NoError(t, err)
	ures, err := svc.Upload(ctx, quarterly.Caller{Actor: "tester", System: true}, quarterly.Upload{Filename: g.QuarterlyFileName(), Data: qfile.Bytes()})
	require.NoError(t, err, "%v", ures)
	assert.Equal(t, m, ures.Added)

	loaded, _ := dbtest.New(t)
	lres, err := g.Load(ctx, loaded, casegen.LoadOptions{Cases: n, QuarterlyRows: m, Actor: "tester", BatchSize: 90})
	require.NoError(t, err)
	assert.Equal(t, m, lres.Quarterly.Added)
	assert.Equal(t, ures.Quarters, lres.Quarterly.Quarters)

	rows := func(gdb *gorm.DB) []string {
		var out []string
		require.NoError(t, gdb.Raw(`SELECT concat_ws('|', o.name, q.fiscal_year, q.quarter, q.form, q.key, q.equipment_type,
				q.prefecture, q.occurred_at AT TIME ZONE 'UTC', q.recovered_at AT TIME ZONE 'UTC', q.service, q.users,
				q.duration_minutes, q.cause_class, q.cause_archetype, q.summary, q.report_id IS NULL)
			FROM quarterly_rows q JOIN organisations o ON o.id = q.organisation_id ORDER BY q.key`).Scan(&out).Error)
		return out
	}
	assert.Equal(t, rows(uploaded), rows(loaded))
	upload := func(gdb *gorm.DB) string {
		var s string
		require.NoError(t, gdb.Raw(`SELECT concat_ws('|', filename, format, sha256, rows, added, updated, uploaded_by, organisation_id IS NULL)
			FROM quarterly_uploads`).Scan(&s).Error)
		return s
	}
	assert.Equal(t, upload(uploaded), upload(loaded))
	audits := func(gdb *gorm.DB) []string {
		var out []string
		require.NoError(t, gdb.Raw(`SELECT (detail::jsonb - 'organisations')::text FROM audit_log WHERE object LIKE 'quarterly_upload:%'`).Scan(&out).Error)
		return out
	}
	assert.Equal(t, audits(uploaded), audits(loaded))
	assert.Len(t, audits(loaded), 1)
}

// A larger base loads batch by batch, every kind of case in it.
func TestLoadStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 10,000 cases")
	}
	ctx := context.Background()
	g := generator(t, 3)
	gdb, _ := dbtest.New(t)
	start := time.Now()
	res, err := g.Load(ctx, gdb, casegen.LoadOptions{Cases: 10000, BatchSize: 1500, Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, 10000, res.Imported)
	t.Logf("10,000 cases, %d rows in %s (waiting for cases %s, checking %s, copying %s)", res.Rows,
		time.Since(start).Round(time.Millisecond), res.Waited.Round(time.Millisecond), res.Checking.Round(time.Millisecond),
		res.Copying.Round(time.Millisecond))
	var kinds []string
	require.NoError(t, gdb.Raw(`SELECT DISTINCT kind FROM cases ORDER BY kind`).Scan(&kinds).Error)
	assert.True(t, slices.Equal([]string{"accident", "information", "near_miss"}, kinds), kinds)
}

// A held case whose content differs from what the generator makes now
// (an older generator, or an edited import) gets the generated content as
// a new report and working copy, as a re-import would do.
func TestLoadUpdatesChangedCases(t *testing.T) {
	ctx := context.Background()
	g := generator(t, 6)
	gdb, _ := dbtest.New(t)
	old := g.Case(3)
	old.Summary = "古い版の概要。"
	data, err := caseformat.EncodeFile([]caseformat.Case{old})
	require.NoError(t, err)
	_, err = intake.New(casestore.New(gdb), nil).Import(ctx, data, "old.json")
	require.NoError(t, err)

	res, err := g.Load(ctx, gdb, casegen.LoadOptions{Cases: 10})
	require.NoError(t, err)
	assert.Equal(t, intake.ImportResult{Imported: 9, Updated: 1, Errors: []string{}}, res.ImportResult)
	var summary string
	var reports int64
	require.NoError(t, gdb.Raw(`SELECT summary FROM cases WHERE ref = ?`, g.Ref(3)).Scan(&summary).Error)
	require.NoError(t, gdb.Raw(`SELECT count(*) FROM reports r JOIN cases c ON c.id = r.case_id WHERE c.ref = ?`, g.Ref(3)).Scan(&reports).Error)
	assert.Equal(t, g.Case(3).Summary, summary)
	assert.Equal(t, int64(2), reports, "the old report is kept, the new one added")
}
