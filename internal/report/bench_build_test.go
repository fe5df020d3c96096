package report_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"kensho/internal/report"
	"kensho/internal/stacktest"
)

// benchYear is a fiscal year at the size of the real ones (SPEC §8): 70,000
// quarterly rows — 6,640 detailed-form accidents and 63,360 simple-form
// counts (110 operators × 4 quarters × 3 equipment types × 48 places) —
// and 15 published serious accidents, over the demo's ten years.
func benchYear(b *testing.B) (*stacktest.Stack, *report.Builder) {
	s := stacktest.New(b)
	db := s.DB
	exec := func(q string, args ...any) { require.NoError(b, db.Exec(q, args...).Error) }
	exec(`INSERT INTO organisations (name) SELECT 'ベンチ通信' || i || '株式会社' FROM generate_series(1, 110) i`)
	exec(`INSERT INTO quarterly_uploads (filename, format, sha256, rows, added, updated, uploaded_by)
		VALUES ('bench.json', 'json', repeat('0', 64), 70000, 70000, 0, 'bench')`)
	exec(`WITH o AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM organisations WHERE name LIKE 'ベンチ通信%'),
		p AS (SELECT 'p' || lpad(i::text, 2, '0') AS pref FROM generate_series(1, 48) i),
		e AS (SELECT unnest(ARRAY['base_station', 'remote_terminal', 'dslam']) AS eq),
		q AS (SELECT generate_series(1, 4) AS quarter)
		INSERT INTO quarterly_rows (organisation_id, fiscal_year, quarter, form, key, equipment_type, prefecture, count, upload_id)
		SELECT o.id, 2024, q.quarter, 'simple', e.eq || ':' || p.pref, e.eq, p.pref, (o.n * 7 + q.quarter) % 23,
			(SELECT max(id) FROM quarterly_uploads)
		FROM o, p, e, q`)
	exec(`WITH o AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM organisations WHERE name LIKE 'ベンチ通信%')
		INSERT INTO quarterly_rows (organisation_id, fiscal_year, quarter, form, key, equipment_type, prefecture, occurred_at,
			recovered_at, service, users, duration_minutes, cause_class, cause_archetype, summary, upload_id)
		SELECT o.id, 2024, 1 + i % 4, 'detailed', 'B-' || i, 'router', 'tokyo',
			timestamptz '2024-04-01 00:00+09' + (i % 4) * interval '3 months' + (i % 80) * interval '1 day',
			timestamptz '2024-04-01 00:00+09' + (i % 4) * interval '3 months' + (i % 80) * interval '1 day' + (30 + i % 1500) * interval '1 minute',
			'internet_access', 1000 + (i * 7919) % 1500000, 30 + i % 1500,
			(ARRAY['equipment', 'human', 'external'])[1 + i % 3], 'software_bug', 'ベンチマーク用の四半期報告事故', (SELECT max(id) FROM quarterly_uploads)
		FROM generate_series(1, 6640) i JOIN o ON o.n = 1 + i % 110`)
	imp := stacktest.Report{Kind: "import", At: time.Date(2025, 4, 10, 9, 0, 0, 0, time.UTC)}
	sec := subject(b, s, "secretariat")
	for i := range 15 {
		at := time.Date(2024, time.Month(4+i%12), 1+i, 10, 0, 0, 0, time.FixedZone("JST", 9*3600)).Format(time.RFC3339)
		id := s.AddCase(b, accident(fmt.Sprintf("B-%02d", i), "accident", []string{"KDDI株式会社", "株式会社NTTドコモ", "ソフトバンク株式会社"}[i%3],
			at, 150+i*10, "equipment", "internet_access", 50000+i*1000), imp)
		_, err := s.Stack.Cases.Publish(context.Background(), sec, id)
		require.NoError(b, err)
	}
	exec(`ANALYZE`)
	return s, builder(b, s)
}

// BenchmarkBuildReport builds fiscal 2024 at full size: "build" is
// everything but the PDF (the statistics from the database, the JSON and
// its hash, the workbook, the document, the charts and the leak scan),
// "pdf" the PDF of that document in the running Chromium.
// scripts/bench-report.sh runs it and prints the medians.
func BenchmarkBuildReport(b *testing.B) {
	s, bl := benchYear(b)
	ctx := context.Background()
	out := &report.Outputs{Printer: &report.Printer{ExecPath: os.Getenv("KENSHO_REPORT_CHROMIUM")}}
	b.Cleanup(func() { _ = out.Printer.Close() })
	sc, err := s.Stack.Cases.Scanner(ctx)
	require.NoError(b, err)
	var doc []byte
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			r, _, err := bl.Build(ctx, report.Input{FiscalYear: 2024, Edition: 1}, nil)
			require.NoError(b, err)
			content, err := report.Encode(r)
			require.NoError(b, err)
			xlsx, err := out.XLSX(r)
			require.NoError(b, err)
			doc, err = out.Document(r, report.HashOf(content), report.StatusDraft)
			require.NoError(b, err)
			_, err = report.Charts(r, "ja")
			require.NoError(b, err)
			_, err = report.Scan(sc, r, map[string][]byte{report.OutputJSON: content, report.OutputXLSX: xlsx, "html": doc})
			require.NoError(b, err)
		}
	})
	b.Run("pdf", func(b *testing.B) {
		if doc == nil {
			r, _, err := bl.Build(ctx, report.Input{FiscalYear: 2024, Edition: 1}, nil)
			require.NoError(b, err)
			doc, err = out.Document(r, "", report.StatusDraft)
			require.NoError(b, err)
		}
		_, err := out.PDF(ctx, doc) // the browser starts once, outside the count
		require.NoError(b, err)
		b.ResetTimer()
		for b.Loop() {
			_, err := out.PDF(ctx, doc)
			require.NoError(b, err)
		}
	})
}
