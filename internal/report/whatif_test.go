package report_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/casestore"
	"kensho/internal/dbtest"
	"kensho/internal/intake"
	"kensho/internal/jpdate"
	"kensho/internal/report"
	"kensho/internal/rules"
)

func setup(t testing.TB) (*report.Service, *intake.Service) {
	t.Helper()
	gdb, _ := dbtest.New(t)
	store := casestore.New(gdb)
	cat, err := rules.Load(configs.FS)
	require.NoError(t, err)
	return report.New(store, cat), intake.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func day(t testing.TB, s string) time.Time {
	d, err := jpdate.ParseDate(s)
	require.NoError(t, err)
	return d
}

// The dev cases were all serious under the rule sets in force; under the
// 2008 rules three would not have been.
func TestWhatIfOnDevData(t *testing.T) {
	rep, in := setup(t)
	ctx := context.Background()
	data, err := configs.FS.ReadFile("demo/serious-2015-2020.json")
	require.NoError(t, err)
	_, err = in.Import(ctx, data, "dev.json")
	require.NoError(t, err)

	years, err := rep.WhatIf(ctx, "2008", day(t, "2015-04-01"), day(t, "2021-03-31"))
	require.NoError(t, err)
	assert.Equal(t, []rules.WhatIfYear{
		{FiscalYear: 2015, Cases: 8, InForce: 8, Under: 6, Difference: -2, Added: []string{}, Removed: []string{"2015-001", "2016-001"}},
		{FiscalYear: 2016, Cases: 5, InForce: 5, Under: 5, Added: []string{}, Removed: []string{}},
		{FiscalYear: 2017, Cases: 4, InForce: 4, Under: 4, Added: []string{}, Removed: []string{}},
		{FiscalYear: 2018, Cases: 4, InForce: 4, Under: 4, Added: []string{}, Removed: []string{}},
		{FiscalYear: 2019, Cases: 3, InForce: 3, Under: 2, Difference: -1, Added: []string{}, Removed: []string{"2020-002"}},
		{FiscalYear: 2020, Cases: 4, InForce: 4, Under: 4, Added: []string{}, Removed: []string{}},
	}, years)

	// Without dates: the whole case base.
	all, err := rep.WhatIf(ctx, "proposal-2025", time.Time{}, time.Time{})
	require.NoError(t, err)
	require.Len(t, all, 6)
	assert.Equal(t, 2015, all[0].FiscalYear)
	// A span inside one fiscal year, and dates counted inclusively.
	one, err := rep.WhatIf(ctx, "2008", day(t, "2015-04-02"), day(t, "2015-04-02"))
	require.NoError(t, err)
	assert.Equal(t, []rules.WhatIfYear{{FiscalYear: 2015, Cases: 1, InForce: 1, Under: 0, Difference: -1, Added: []string{}, Removed: []string{"2015-001"}}}, one)

	_, err = rep.WhatIf(ctx, "2099", time.Time{}, time.Time{})
	assert.ErrorContains(t, err, `unknown rule set "2099"`)
}

// The draft adds data-service accidents that were quarterly-report ones.
func TestWhatIfProposalAddsDataCases(t *testing.T) {
	rep, in := setup(t)
	ctx := context.Background()
	_, err := in.Import(ctx, synthetic([]spec{
		{"q-1", "2022-06-01", "internet_access", 70, 150000},  // 2019: quarterly; draft: serious
		{"q-2", "2022-07-01", "internet_access", 50, 150000},  // short of 1 h under both
		{"q-3", "2023-01-10", "voice_emergency", 61, 30000},   // serious under both
		{"q-4", "2023-04-01", "internet_access", 120, 100000}, // FY2023, serious under both
	}), "q.json")
	require.NoError(t, err)
	years, err := rep.WhatIf(ctx, "proposal-2025", day(t, "2022-04-01"), day(t, "2024-03-31"))
	require.NoError(t, err)
	assert.Equal(t, []rules.WhatIfYear{
		{FiscalYear: 2022, Cases: 3, InForce: 1, Under: 2, Difference: 1, Added: []string{"q-1"}, Removed: []string{}},
		{FiscalYear: 2023, Cases: 1, InForce: 1, Under: 1, Added: []string{}, Removed: []string{}},
	}, years)
}

type spec struct {
	ref, date, service string
	minutes            int
	users              int64
}

func synthetic(specs []spec) []byte {
	var cases []string
	for _, s := range specs {
		from := s.date + "T10:00:00+09:00"
		t, _ := time.Parse(time.RFC3339, from)
		to := t.Add(time.Duration(s.minutes) * time.Minute).Format(time.RFC3339)
		cases = append(cases, fmt.Sprintf(`{"ref":%q,"kind":"accident","operators":[{"name":"試験通信%d"}],"occurred_at":%q,"recovered_at":%q,
		  "impacts":[{"service":%q,"peak_users":%d,"timeline":[{"from":%q,"to":%q,"users":%d}]}]}`,
			s.ref, len(s.ref)%7, from, to, s.service, s.users, from, to, s.users))
	}
	return []byte(`{"format":"kensho-case/v1","cases":[` + strings.Join(cases, ",") + "]}")
}

// randomCases makes n quarterly-report-like cases over ten fiscal years,
// each with one to three impacts of one to four periods.
func randomCases(n int) []byte {
	r := rand.New(rand.NewPCG(42, 7))
	services := []string{"voice_emergency", "voice", "free_internet", "internet_access", "lpwa", "other"}
	start := time.Date(2014, 4, 1, 0, 0, 0, 0, jpdate.JST)
	var b strings.Builder
	b.WriteString(`{"format":"kensho-case/v1","cases":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		at := start.Add(time.Duration(r.IntN(10*365*24*60)) * time.Minute)
		end := at
		var impacts []string
		for range 1 + r.IntN(3) {
			var periods []string
			t := at
			var peak int64
			for range 1 + r.IntN(4) {
				d := time.Duration(5+r.IntN(180)) * time.Minute
				u := int64(1000 + r.IntN(200000))
				peak = max(peak, u)
				periods = append(periods, fmt.Sprintf(`{"from":%q,"to":%q,"users":%d}`, t.Format(time.RFC3339), t.Add(d).Format(time.RFC3339), u))
				t = t.Add(d + time.Duration(r.IntN(60))*time.Minute)
				end = maxTime(end, t)
			}
			impacts = append(impacts, fmt.Sprintf(`{"service":%q,"peak_users":%d,"timeline":[%s]}`, services[r.IntN(len(services))], peak, strings.Join(periods, ",")))
		}
		fmt.Fprintf(&b, `{"ref":"B-%d","kind":"accident","operators":[{"name":"事業者%d"}],"occurred_at":%q,"recovered_at":%q,"impacts":[%s],"summary":"設備故障により一部の利用者がサービスを利用できなかった。"}`,
			i, r.IntN(110), at.Format(time.RFC3339), end.Format(time.RFC3339), strings.Join(impacts, ","))
	}
	b.WriteString("]}")
	return []byte(b.String())
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// benchSize is the case base of the what-if benchmark: KENSHO_BENCH_CASES,
// default 10,000.
func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("KENSHO_BENCH_CASES")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// BenchmarkImport imports a file of KENSHO_BENCH_CASES cases into an empty
// database (one op = the whole file, in one transaction).
func BenchmarkImport(b *testing.B) {
	data := randomCases(benchSize())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		_, in := setup(b)
		b.StartTimer()
		res, err := in.Import(context.Background(), data, "bench.json")
		if err != nil || res.Imported != benchSize() {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

// BenchmarkWhatIf re-judges a case base of KENSHO_BENCH_CASES cases under
// the draft, ten fiscal years (one op = the whole study).
func BenchmarkWhatIf(b *testing.B) {
	rep, in := setup(b)
	if _, err := in.Import(context.Background(), randomCases(benchSize()), "bench.json"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		years, err := rep.WhatIf(context.Background(), "proposal-2025", time.Time{}, time.Time{})
		if err != nil || len(years) < 10 {
			b.Fatalf("%v %v", years, err)
		}
	}
}
