package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/granttest"
	"kensho/internal/intake"
	"kensho/internal/report"
	"kensho/internal/rules"
)

// whatIfFixture are ten hand-made cases of fiscal 2019–2021 (and two just
// outside), one period each, judged by hand below. Under the rules in
// force (2019) internet access is "other": ≥2 h and ≥30,000, or ≥1 h and
// ≥1,000,000. The 2025 draft gives it ≥2 h/30,000 or ≥1 h/100,000; the UK
// ≥8 h/10,000 or ≥1 h/100,000 for data only (no voice line); the EU
// 1,000,000 user-hours (never under 1 h or 25,000 users), data only.
var whatIfFixture = []spec{
	{"W-0", "2019-03-31", "internet_access", 100, 120000},  // FY2018: outside
	{"W-1", "2019-06-01", "internet_access", 90, 200000},   // draft and UK add it
	{"W-2", "2019-08-01", "internet_access", 180, 40000},   // serious; UK, EU: not (short of 8 h, 120,000 user-hours)
	{"W-3", "2019-10-01", "voice_emergency", 70, 50000},    // serious; UK, EU: no voice line
	{"W-4", "2020-01-15", "other", 30, 10000},              // nothing anywhere (FY2019)
	{"W-5", "2020-05-01", "internet_access", 65, 150000},   // draft and UK add it
	{"W-6", "2020-09-01", "internet_access", 600, 50000},   // serious, UK too; EU: 500,000 user-hours
	{"W-7", "2021-02-01", "internet_access", 59, 2000000},  // 59 min is not 1 h anywhere (FY2020)
	{"W-8", "2021-04-01", "internet_access", 300, 300000},  // serious everywhere (EU: 1.5 M user-hours)
	{"W-9", "2021-07-01", "voice", 130, 40000},             // serious; UK, EU: no voice line
	{"W-10", "2022-03-31", "internet_access", 100, 120000}, // draft and UK add it (FY2021)
	{"W-11", "2022-04-01", "internet_access", 100, 120000}, // FY2022: outside
}

type studyEnv struct {
	svc                 *report.WhatIfService
	secretariat, editor access.Subject
	reporter, expert    access.Subject
	ids                 map[string]int64
	db                  *gorm.DB
	countAudit          func() int64
}

func studySetup(t *testing.T) studyEnv {
	t.Helper()
	ctx := context.Background()
	gdb, _ := granttest.New(t, false)
	store := casestore.New(gdb)
	_, err := intake.New(store, slog.New(slog.NewTextHandler(io.Discard, nil))).Import(ctx, synthetic(whatIfFixture), "w.json")
	require.NoError(t, err)
	var rows []struct {
		ID  int64
		Ref string
	}
	require.NoError(t, gdb.Raw("SELECT id, ref FROM cases").Scan(&rows).Error)
	ids := map[string]int64{}
	for _, r := range rows {
		ids[r.Ref] = r.ID
	}
	// W-10 is the one case of 試験通信4 (refs of four characters).
	w10, err := casestore.FindOrganisation(gdb, "試験通信4")
	require.NoError(t, err)
	for _, q := range []string{
		`INSERT INTO casbin_rule (ptype, v0, v1, source) VALUES ('g', 'user:1', 'role:secretariat', 'user'),
		  ('g', 'user:2', 'role:editor', 'user'), ('g', 'user:3', 'role:reporter', 'user'), ('g', 'user:4', 'role:expert', 'user')`,
		// The expert declared a conflict with W-10's operator.
		`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, source) VALUES ('p', 'user:4', 'owner:org:` + itoa(w10.ID) + `', '*', '*', 'deny', 'user')`,
		// W-5 is published: the editor sees its overview, nothing else.
		`UPDATE cases SET published_at = now(), published_by = 'test' WHERE ref = 'W-5'`,
	} {
		require.NoError(t, gdb.Exec(q).Error)
	}
	ac, err := access.New(ctx, gdb, nil)
	require.NoError(t, err)
	cat, err := rules.Load(configs.FS)
	require.NoError(t, err)
	svc := report.NewWhatIf(store, cat, &casefile.Service{DB: gdb, Access: ac}, ac)
	return studyEnv{svc: svc, ids: ids, db: gdb,
		secretariat: access.UserSubject(1, 0), editor: access.UserSubject(2, 0), reporter: access.UserSubject(3, w10.ID), expert: access.UserSubject(4, 0),
		countAudit: func() int64 {
			var n int64
			require.NoError(t, gdb.Model(&audit.Entry{}).Where("object = 'whatif'").Count(&n).Error)
			return n
		}}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// refs are the refs of changed cases.
func refs(cs []report.ChangedCase) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Ref)
	}
	return out
}

// row is a fiscal year as the test writes it: cases, in force, under,
// difference, added and removed (as the secretariat sees them).
type row struct {
	fy, cases, inForce, under, diff int
	added, removed                  []string
}

func checkTable(t *testing.T, tab *report.WhatIfTable, want []row, total report.WhatIfTotal, avg report.WhatIfAverage) {
	t.Helper()
	require.Len(t, tab.Years, len(want))
	for i, w := range want {
		y := tab.Years[i]
		assert.Equal(t, w, row{y.FiscalYear, y.Cases, y.InForce, y.Under, y.Difference, refs(y.Added), refs(y.Removed)}, "FY%d", w.fy)
		assert.Zero(t, y.AddedOthers+y.RemovedOthers, "the secretariat sees every case")
	}
	assert.Equal(t, total, tab.Total)
	assert.Equal(t, avg, tab.Average)
}

func TestWhatIfStudyTables(t *testing.T) {
	env := studySetup(t)
	ctx := context.Background()
	study := func(ruleSet, service string) *report.WhatIfTable {
		t.Helper()
		q := report.WhatIfQuery{RuleSet: ruleSet, FromFY: 2019, ToFY: 2021}
		q.Service = caseformat.Service(service)
		tab, err := env.svc.Study(ctx, env.secretariat, q)
		require.NoError(t, err)
		return tab
	}
	none := []string{}

	t.Run("proposal-2025 adds the data cases of 1 h and 100,000", func(t *testing.T) {
		tab := study("proposal-2025", "")
		assert.Equal(t, "proposal-2025", tab.RuleSet.ID)
		assert.Equal(t, rules.StatusProposal, tab.RuleSet.Status)
		checkTable(t, tab, []row{
			{2019, 4, 2, 3, 1, []string{"W-1"}, none},
			{2020, 3, 1, 2, 1, []string{"W-5"}, none},
			{2021, 3, 2, 3, 1, []string{"W-10"}, none},
		}, report.WhatIfTotal{Cases: 10, InForce: 5, Under: 8, Difference: 3, Added: 3},
			report.WhatIfAverage{Cases: 3.3, InForce: 1.7, Under: 2.7, Difference: 1.0})
	})
	t.Run("only the cases that hit internet access: the ministry's data-services line", func(t *testing.T) {
		tab := study("proposal-2025", "internet_access")
		assert.Equal(t, "internet_access", string(tab.Service))
		checkTable(t, tab, []row{
			{2019, 2, 1, 2, 1, []string{"W-1"}, none},
			{2020, 3, 1, 2, 1, []string{"W-5"}, none},
			{2021, 2, 1, 2, 1, []string{"W-10"}, none},
		}, report.WhatIfTotal{Cases: 7, InForce: 3, Under: 6, Difference: 3, Added: 3},
			report.WhatIfAverage{Cases: 2.3, InForce: 1.0, Under: 2.0, Difference: 1.0})
	})
	t.Run("UK: adds 1 h/100,000, drops what is short of 8 h and voice", func(t *testing.T) {
		checkTable(t, study("uk", ""), []row{
			{2019, 4, 2, 1, -1, []string{"W-1"}, []string{"W-2", "W-3"}},
			{2020, 3, 1, 2, 1, []string{"W-5"}, none},
			{2021, 3, 2, 2, 0, []string{"W-10"}, []string{"W-9"}},
		}, report.WhatIfTotal{Cases: 10, InForce: 5, Under: 5, Difference: 0, Added: 3, Removed: 3},
			report.WhatIfAverage{Cases: 3.3, InForce: 1.7, Under: 1.7, Difference: 0.0})
	})
	t.Run("EU: only 1,000,000 user-hours stays", func(t *testing.T) {
		checkTable(t, study("eu", ""), []row{
			{2019, 4, 2, 0, -2, none, []string{"W-2", "W-3"}},
			{2020, 3, 1, 0, -1, none, []string{"W-6"}},
			{2021, 3, 2, 1, -1, none, []string{"W-9"}},
		}, report.WhatIfTotal{Cases: 10, InForce: 5, Under: 1, Difference: -4, Removed: 4},
			report.WhatIfAverage{Cases: 3.3, InForce: 1.7, Under: 0.3, Difference: -1.3})
	})
	t.Run("JSON: averages with one decimal, ids of the changed cases", func(t *testing.T) {
		b, err := json.Marshal(study("proposal-2025", ""))
		require.NoError(t, err)
		assert.Contains(t, string(b), `"average":{"cases":3.3,"in_force":1.7,"under":2.7,"difference":1.0}`)
		assert.Contains(t, string(b), `"added":[{"id":`+itoa(env.ids["W-1"])+`,"ref":"W-1","operators":["試験通信3"]}]`)
		assert.Contains(t, string(b), `"service":""`)
	})
}

// The study counts every case; the cases that change are named only for
// those who may see them, the rest counted without a ref.
func TestWhatIfStudyShowsOnlyVisibleCases(t *testing.T) {
	env := studySetup(t)
	ctx := context.Background()
	q := report.WhatIfQuery{RuleSet: "proposal-2025", FromFY: 2019, ToFY: 2021, Via: "test"}
	before := env.countAudit()

	ed, err := env.svc.Study(ctx, env.editor, q)
	require.NoError(t, err)
	assert.Equal(t, 8, ed.Total.Under, "the editor's counts are the whole base's")
	assert.Equal(t, []report.ChangedCase{}, ed.Years[0].Added)
	assert.Equal(t, 1, ed.Years[0].AddedOthers)
	assert.Equal(t, []string{"W-5"}, refs(ed.Years[1].Added), "published")
	assert.Equal(t, 0, ed.Years[1].AddedOthers)
	assert.Equal(t, 1, ed.Years[2].AddedOthers)
	assert.Equal(t, 3, ed.Total.Added)

	ex, err := env.svc.Study(ctx, env.expert, q)
	require.NoError(t, err)
	assert.Equal(t, []string{"W-1"}, refs(ex.Years[0].Added))
	assert.Empty(t, ex.Years[2].Added, "W-10's operator is the expert's declared conflict")
	assert.Equal(t, 1, ex.Years[2].AddedOthers)

	_, err = env.svc.Study(ctx, env.reporter, q)
	assert.ErrorIs(t, err, report.ErrWhatIfForbidden)
	_, err = env.svc.Study(ctx, access.Anonymous, q)
	assert.ErrorIs(t, err, report.ErrWhatIfForbidden)
	assert.Equal(t, before+2, env.countAudit(), "each study run is audited, refused ones are not")
}

func TestWhatIfQueryProblems(t *testing.T) {
	cat, err := rules.Load(configs.FS)
	require.NoError(t, err)
	parse := func(raw string) (report.WhatIfQuery, report.InputErrors) {
		v, err := url.ParseQuery(raw)
		require.NoError(t, err)
		q, err := report.ParseWhatIfQuery(cat, v.Get)
		if err == nil {
			return q, nil
		}
		var errs report.InputErrors
		require.ErrorAs(t, err, &errs)
		return q, errs
	}
	fields := func(errs report.InputErrors) map[string]string {
		out := map[string]string{}
		for _, e := range errs {
			out[e.Field] = e.Code
		}
		return out
	}
	q, errs := parse("rules=uk&from_fy=2019&to_fy=2023&service=internet_access")
	assert.Nil(t, errs)
	assert.Equal(t, report.WhatIfQuery{RuleSet: "uk", FromFY: 2019, ToFY: 2023, Service: "internet_access"}, q)

	for raw, want := range map[string]map[string]string{
		"":                                              {"rules": "whatif.rules.required", "from_fy": "whatif.fy.required", "to_fy": "whatif.fy.required"},
		"rules=2099&from_fy=2019&to_fy=2020":            {"rules": "whatif.rules.unknown"},
		"rules=uk&from_fy=abc&to_fy=2,020":              {"from_fy": "whatif.fy.number", "to_fy": "whatif.fy.number"},
		"rules=uk&from_fy=2021&to_fy=2019":              {"to_fy": "whatif.to.before"},
		"rules=uk&from_fy=1990&to_fy=2020":              {"to_fy": "whatif.span.long"},
		"rules=uk&from_fy=1991&to_fy=2020":              {},
		"rules=uk&from_fy=1900&to_fy=2020":              {"from_fy": "whatif.fy.range"},
		"rules=uk&from_fy=2019&to_fy=2020&service=data": {"service": "whatif.service.unknown"},
	} {
		_, errs := parse(raw)
		assert.Equal(t, want, fields(errs), raw)
	}
	_, errs = parse("rules=2099&from_fy=x&to_fy=2020")
	require.Len(t, errs, 2)
	assert.Equal(t, "rules", errs[0].Field, "in parameter order")
	assert.Contains(t, errs[0].Message, `unknown rule set "2099"`)
	assert.Equal(t, `"x" is not a whole number (a fiscal year such as 2019)`, errs[1].Message)
}

func TestWhatIfRuleSetGroups(t *testing.T) {
	cat, err := rules.Load(configs.FS)
	require.NoError(t, err)
	var got [][]string
	for _, g := range report.RuleSetGroups(cat) {
		var ids []string
		for _, rs := range g.RuleSets {
			ids = append(ids, rs.ID)
		}
		got = append(got, append([]string{g.Group}, ids...))
	}
	assert.Equal(t, []string{"enacted", "2019", "2015", "2008", "2004", "1985"}, got[0])
	assert.Equal(t, []string{"proposal", "proposal-2025"}, got[1])
	assert.ElementsMatch(t, []string{"foreign", "de", "eu", "fr", "uk", "us"}, got[2])
	total := 0
	for _, g := range got {
		total += len(g) - 1
	}
	assert.Equal(t, len(cat.RuleSets()), total, "every rule set of the catalogue")
}

// The workbook: the sheet 比較表 with the header, one row per fiscal year
// in 和暦, the total and the average, a native chart, and the same bytes
// for the same study.
func TestWhatIfXLSX(t *testing.T) {
	env := studySetup(t)
	tab, err := env.svc.Study(context.Background(), env.editor, report.WhatIfQuery{RuleSet: "proposal-2025", FromFY: 2019, ToFY: 2021, Service: "internet_access"})
	require.NoError(t, err)
	data, err := tab.XLSX()
	require.NoError(t, err)

	f, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{report.SheetWhatIf}, f.GetSheetList())
	get := func(c string) string {
		v, err := f.GetCellValue(report.SheetWhatIf, c)
		require.NoError(t, err)
		return v
	}
	assert.Contains(t, get("B2"), "(proposal-2025)")
	assert.Equal(t, "令和元年度(2019年度)〜令和3年度(2021年度)", get("B3"))
	assert.Contains(t, get("B4"), "internet_access")
	assert.Contains(t, get("B5"), "事案データベース")
	assert.Equal(t, []string{"年度", "判定した事案", "重大な事故(施行基準)", "重大な事故(proposal-2025)", "差", "追加された事案", "除外された事案"},
		[]string{get("A7"), get("B7"), get("C7"), get("D7"), get("E7"), get("F7"), get("G7")})
	for i, want := range [][]string{
		{"令和元年度(2019年度)", "2", "1", "2", "+1", "1件(閲覧権限のない事案)", ""},
		{"令和2年度(2020年度)", "3", "1", "2", "+1", "W-5", ""},
		{"令和3年度(2021年度)", "2", "1", "2", "+1", "1件(閲覧権限のない事案)", ""},
		{"合計", "7", "3", "6", "+3", "3件", "0件"},
		{"年平均(3年度)", "2.3", "1.0", "2.0", "+1.0", "", ""},
	} {
		r := itoa(int64(8 + i))
		got := []string{get("A" + r), get("B" + r), get("C" + r), get("D" + r), get("E" + r), get("F" + r), get("G" + r)}
		assert.Equal(t, want, got, "row %s", r)
	}

	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var chart string
	for _, zf := range zr.File {
		if zf.Name == "xl/charts/chart1.xml" {
			rc, err := zf.Open()
			require.NoError(t, err)
			b, _ := io.ReadAll(rc)
			chart = string(b)
		}
	}
	require.NotEmpty(t, chart, "a native chart")
	assert.Contains(t, chart, "<barChart>")
	assert.Contains(t, chart, `<barDir val="col">`)
	assert.Contains(t, chart, `<grouping val="clustered">`)
	assert.Contains(t, chart, "$C$8:$C$10")
	assert.Contains(t, chart, "$D$8:$D$10")

	// Byte-identical: the same table built again, and the same study run again.
	again, err := tab.XLSX()
	require.NoError(t, err)
	tab2, err := env.svc.Study(context.Background(), env.editor, report.WhatIfQuery{RuleSet: "proposal-2025", FromFY: 2019, ToFY: 2021, Service: "internet_access"})
	require.NoError(t, err)
	third, err := tab2.XLSX()
	require.NoError(t, err)
	assert.Equal(t, sha256.Sum256(data), sha256.Sum256(again))
	assert.Equal(t, sha256.Sum256(data), sha256.Sum256(third))
}

// A case linked into another (one real accident reported twice) counts
// once, as the case it was linked into.
func TestWhatIfStudyCountsLinkedCasesOnce(t *testing.T) {
	env := studySetup(t)
	require.NoError(t, env.db.Exec(`UPDATE cases SET merged_into = ? WHERE ref = 'W-1'`, env.ids["W-2"]).Error)
	tab, err := env.svc.Study(context.Background(), env.secretariat, report.WhatIfQuery{RuleSet: "proposal-2025", FromFY: 2019, ToFY: 2019})
	require.NoError(t, err)
	y := tab.Years[0]
	assert.Equal(t, row{2019, 3, 2, 2, 0, []string{}, []string{}}, row{y.FiscalYear, y.Cases, y.InForce, y.Under, y.Difference, refs(y.Added), refs(y.Removed)})
}
