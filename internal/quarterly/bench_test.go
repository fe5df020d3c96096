package quarterly_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"kensho/internal/access"
	"kensho/internal/casestore"
	"kensho/internal/dbtest"
	"kensho/internal/jpdate"
	"kensho/internal/quarterly"
)

// benchYear is one fiscal year of quarterly reports as SPEC §2 sizes it:
// 94 operators' simple-form counts (3 kinds of equipment × 48 prefectures
// × 4 quarters = 54,144 rows) and 5,856 detailed-form accidents from 110
// operators: 60,000 rows. The data is generated from a fixed seed.
type benchYear struct {
	orgs []string
	// kensho is the upload file (CSV, the format's header); table is the
	// same rows in quarterly_rows' column order for psql \copy, with
	// organisation ids and upload id 1.
	kensho []byte
	table  []byte
	rows   int
}

const benchRows = 60_000

func newBenchYear(t testing.TB, orgIDs map[string]int64, orgs []string) *benchYear {
	rng := rand.New(rand.NewPCG(2024, 4))
	y := &benchYear{orgs: orgs}
	var kb, tb bytes.Buffer
	kw, tw := csv.NewWriter(&kb), csv.NewWriter(&tb)
	cols := make([]string, len(quarterly.Columns))
	for i, c := range quarterly.Columns {
		cols[i] = c.ID
	}
	require.NoError(t, kw.Write(cols))
	cat, err := quarterly.DefaultCatalog()
	require.NoError(t, err)
	simple := []string{"base_station", "remote_terminal", "dslam"}
	prefs := cat.Prefectures.IDs()
	for o := range 94 {
		for q := 1; q <= 4; q++ {
			for _, e := range simple {
				for _, p := range prefs {
					n := strconv.Itoa(rng.IntN(40))
					org := orgs[o]
					require.NoError(t, kw.Write([]string{org, "2024", strconv.Itoa(q), "simple", e, p, n, "", "", "", "", "", "", "", "", ""}))
					require.NoError(t, tw.Write([]string{strconv.FormatInt(orgIDs[org], 10), "2024", strconv.Itoa(q), "simple",
						e + ":" + p, e, p, n, "", "", "", "", "", "", "", "", "1"}))
					y.rows++
				}
			}
		}
	}
	equipment := cat.EquipmentTypes.IDs()
	services := cat.Services.IDs()
	classes := cat.CauseClasses.IDs()
	archetypes := cat.CauseArchetypes.IDs()
	start := quarterly.QuarterStart(2024, 1)
	for i := 0; y.rows < benchRows; i++ {
		org := orgs[i%len(orgs)]
		occurred := start.Add(time.Duration(rng.IntN(365*24*60)) * time.Minute)
		fy, q := quarterly.QuarterOf(occurred)
		if fy != 2024 {
			continue
		}
		minutes := 30 + rng.IntN(600)
		recovered := occurred.Add(time.Duration(minutes) * time.Minute)
		users := strconv.Itoa(1000 + rng.IntN(200_000))
		ref := fmt.Sprintf("ACC-%05d", i)
		e, p := equipment[rng.IntN(len(equipment))], prefs[rng.IntN(len(prefs))]
		svc, cl, ar := services[rng.IntN(len(services))], classes[rng.IntN(len(classes))], archetypes[rng.IntN(len(archetypes))]
		summary := fmt.Sprintf("%sの%sで障害が発生し、%d分間サービスに影響した。", p, e, minutes)
		at := func(t time.Time) string { return t.In(jpdate.JST).Format("2006-01-02 15:04") }
		require.NoError(t, kw.Write([]string{org, "2024", strconv.Itoa(q), "detailed", e, p, "", ref, at(occurred), at(recovered),
			svc, users, strconv.Itoa(minutes), cl, ar, summary}))
		require.NoError(t, tw.Write([]string{strconv.FormatInt(orgIDs[org], 10), "2024", strconv.Itoa(q), "detailed", ref, e, p, "",
			occurred.Format(time.RFC3339), recovered.Format(time.RFC3339), svc, users, strconv.Itoa(minutes), cl, ar, summary, "1"}))
		y.rows++
	}
	kw.Flush()
	tw.Flush()
	y.kensho, y.table = kb.Bytes(), tb.Bytes()
	return y
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkUploadVsPsqlCopy measures the Kenshō write path (parse,
// validate, resolve, COPY, upload row and audit entry, from the file's
// bytes) against psql's \copy of the same rows into the same table,
// truncated before each run, alternating, KENSHO_BENCH_RUNS times each
// (default 5). It reports the medians: rows/s of each and their ratio.
// scripts/bench-quarterly.sh runs it.
func BenchmarkUploadVsPsqlCopy(b *testing.B) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.Skip("psql is needed to compare with \\copy")
	}
	runs := 5
	if v, err := strconv.Atoi(os.Getenv("KENSHO_BENCH_RUNS")); err == nil && v > 0 {
		runs = v
	}
	gdb, dbURL := dbtest.New(b)
	ctx := context.Background()
	var orgs []string
	for i := range 110 {
		orgs = append(orgs, fmt.Sprintf("ベンチ通信%03d株式会社", i+1))
	}
	ids, err := casestore.ResolveOrganisations(gdb, orgs)
	require.NoError(b, err)
	byName := map[string]int64{}
	for _, o := range orgs {
		f, err := casestore.FindOrganisation(gdb, o)
		require.NoError(b, err)
		byName[o] = f.ID
	}
	require.Len(b, ids, 110)
	y := newBenchYear(b, byName, orgs)
	require.Equal(b, benchRows, y.rows)
	tableFile := filepath.Join(b.TempDir(), "rows.csv")
	require.NoError(b, os.WriteFile(tableFile, y.table, 0o600))
	ac, err := access.New(ctx, gdb, nil)
	require.NoError(b, err)
	svc, err := quarterly.New(gdb, ac)
	require.NoError(b, err)
	svc.Now = func() time.Time { return time.Date(2025, 6, 15, 12, 0, 0, 0, jpdate.JST) }
	caller := quarterly.Caller{Actor: "bench", System: true}
	truncate := func() {
		require.NoError(b, gdb.Exec("TRUNCATE quarterly_rows, quarterly_uploads RESTART IDENTITY").Error)
	}
	copyCols := "organisation_id, fiscal_year, quarter, form, key, equipment_type, prefecture, count, occurred_at, " +
		"recovered_at, service, users, duration_minutes, cause_class, cause_archetype, summary, upload_id"

	for b.Loop() {
		var kensho, viaPsql []time.Duration
		for range runs {
			truncate()
			start := time.Now()
			res, err := svc.Upload(ctx, caller, quarterly.Upload{Filename: "bench.csv", Data: y.kensho})
			kensho = append(kensho, time.Since(start))
			require.NoError(b, err)
			require.Equal(b, benchRows, res.Added)

			truncate()
			require.NoError(b, gdb.Exec(`INSERT INTO quarterly_uploads (filename, format, sha256, rows, added, updated, uploaded_by)
				VALUES ('psql', 'csv', repeat('0', 64), 60000, 60000, 0, 'psql')`).Error)
			start = time.Now()
			out, err := exec.Command(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", dbURL, "-c",
				`\copy quarterly_rows (`+copyCols+`) FROM '`+tableFile+`' WITH (FORMAT csv, FORCE_NOT_NULL (summary))`).CombinedOutput()
			viaPsql = append(viaPsql, time.Since(start))
			require.NoError(b, err, string(out))
		}
		var n int64
		require.NoError(b, gdb.Raw("SELECT count(*) FROM quarterly_rows").Scan(&n).Error)
		require.EqualValues(b, benchRows, n)
		k, p := median(kensho), median(viaPsql)
		kr, pr := float64(benchRows)/k.Seconds(), float64(benchRows)/p.Seconds()
		b.ReportMetric(kr, "kensho_rows/s")
		b.ReportMetric(pr, "psql_copy_rows/s")
		b.ReportMetric(kr/pr, "ratio")
		b.Logf("%d rows (%d simple, %d detailed), upload file %.1f MB, \\copy file %.1f MB, median of %d runs each",
			benchRows, 54_144, benchRows-54_144, float64(len(y.kensho))/1e6, float64(len(y.table))/1e6, runs)
		b.Logf("kensho upload: %v = %.0f rows/s (runs %v)", k.Round(time.Millisecond), kr, roundAll(kensho))
		b.Logf("psql \\copy:    %v = %.0f rows/s (runs %v)", p.Round(time.Millisecond), pr, roundAll(viaPsql))
		b.Logf("ratio kensho/psql: %.2f", kr/pr)
	}
}

func roundAll(d []time.Duration) []time.Duration {
	out := make([]time.Duration, len(d))
	for i, x := range d {
		out[i] = x.Round(time.Millisecond)
	}
	return out
}

// BenchmarkParseValidate is the part of an upload that needs no database:
// decoding and checking the 60,000-row CSV.
func BenchmarkParseValidate(b *testing.B) {
	orgs := []string{}
	ids := map[string]int64{}
	for i := range 110 {
		n := fmt.Sprintf("ベンチ通信%03d株式会社", i+1)
		orgs = append(orgs, n)
		ids[n] = int64(i + 1)
	}
	y := newBenchYear(b, ids, orgs)
	cat, err := quarterly.DefaultCatalog()
	require.NoError(b, err)
	b.SetBytes(int64(len(y.kensho)))
	b.ReportAllocs()
	for b.Loop() {
		if errs := cat.Check(y.kensho, time.Date(2025, 6, 15, 0, 0, 0, 0, jpdate.JST)); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
