package quarterly

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

var testNow = time.Date(2025, 6, 15, 12, 0, 0, 0, jst)

func catalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := DefaultCatalog()
	require.NoError(t, err)
	return c
}

// parse runs the checks that need no database over a file.
func parse(t *testing.T, data []byte) ([]parsed, Errors) {
	t.Helper()
	recs, errs := decode(data, DetectFormat(data))
	rows, cerrs := catalog(t).check(recs, testNow)
	return rows, append(errs, cerrs...)
}

// where lists the errors as "row/column/code".
func where(errs Errors) []string {
	var out []string
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%d/%s/%s", e.Row, e.Column, e.Code))
	}
	return out
}

const goodCSV = "\ufeff事業者名,年度,四半期,様式,設備の種類,都道府県,件数,事故の整理番号,発生日時,復旧日時,役務,影響利用者数,継続時間(分),発生原因の区分,発生原因の類型,概要\r\n" +
	"KDDI,2024,1,簡易様式,基地局,東京都,12,,,,,,,,,\r\n" +
	",令和6年度,Q2,simple,dslam,13,\"1,204\",,,,,,,,,\r\n" +
	"KDDI,2024,1,detailed,switching,全国,,A-001,2024-05-01 13:45,2024/05/01 16:15,voice,45000,,equipment,software_bug,\"交換機の不具合\n再起動で復旧\"\r\n" +
	",,,,,,,,,,,,,,,\r\n"

func TestCSVWithBOMJapaneseHeadersAndLabels(t *testing.T) {
	rows, errs := parse(t, []byte(goodCSV))
	require.Empty(t, errs, errs.Strings())
	require.Len(t, rows, 3, "the blank last row is skipped")

	s := rows[0]
	assert.Equal(t, 2, s.line)
	assert.Equal(t, "KDDI", s.org)
	assert.Equal(t, Row{FiscalYear: 2024, Quarter: 1, Form: FormSimple, Key: "base_station:tokyo",
		EquipmentType: "base_station", Prefecture: "tokyo", Count: 12}, s.Row)

	s2 := rows[1]
	assert.Equal(t, "", s2.org, "empty: the uploader's own organisation")
	assert.Equal(t, 2024, s2.FiscalYear, "令和6年度")
	assert.Equal(t, 2, s2.Quarter, "Q2")
	assert.Equal(t, "dslam:tokyo", s2.Key, "JIS code 13 is Tokyo")
	assert.EqualValues(t, 1204, s2.Count, "thousands separator")

	d := rows[2].Row
	assert.Equal(t, FormDetailed, d.Form)
	assert.Equal(t, "A-001", d.Key)
	assert.Equal(t, "nationwide", d.Prefecture)
	assert.True(t, d.OccurredAt.Equal(time.Date(2024, 5, 1, 13, 45, 0, 0, jst)))
	assert.True(t, d.RecoveredAt.Equal(time.Date(2024, 5, 1, 16, 15, 0, 0, jst)))
	assert.EqualValues(t, 150, d.DurationMinutes, "empty duration: occurrence to recovery")
	assert.EqualValues(t, 45000, d.Users)
	assert.Equal(t, "交換機の不具合\n再起動で復旧", d.Summary)
}

func TestCSVErrorsNameRowAndColumn(t *testing.T) {
	csv := "organisation,fiscal_year,quarter,form,equipment_type,prefecture,count,ref,occurred_at,recovered_at,service,users,duration_minutes,cause_class,cause_archetype,summary\n" +
		"KDDI,2024,1,simple,base_station,tokyo,3,,,,,,,,,\n" + // row 2: fine
		"KDDI,2024,1,simple,base_station,大阪,3,,,,,,,,,\n" + // row 3: prefecture
		"KDDI,2024,5,simple,switching,osaka,-1,X,,,,,,,,\n" + // row 4: quarter, equipment, count, ref
		"KDDI,2024,2,detailed,switching,osaka,,B-1,2024-05-01 10:00,2024-05-01 09:00,voice,abc,,equipment,,\n" + // row 5
		"KDDI,2025,2,detailed,switching,osaka,,B-2,2025-07-01 10:00,2025-07-01 12:00,voice,1,200,equipment,unknown,\n" + // row 6
		"KDDI,2024,2,detailed,server,osaka,,B-3,2024-07-01 10:00,2024-07-01 12:00,sms,1,200,equipment,unknown,\n" // row 7
	_, errs := parse(t, []byte(csv))
	assert.Equal(t, []string{
		"3/prefecture/code.unknown",
		"4/quarter/quarter.invalid", "4/equipment_type/form.simple_equipment", "4/count/number.range", "4/ref/form.not_for",
		"5/occurred_at/quarter.outside", "5/recovered_at/time.before_occurred", "5/users/number.invalid", "5/cause_archetype/required",
		"6/quarter/quarter.future", "6/occurred_at/time.range", "6/recovered_at/time.range",
		"7/service/code.unknown", "7/duration_minutes/duration.too_long",
	}, where(sorted(errs)))
	assert.Contains(t, errs[0].Error(), `row 3, column prefecture: must be one of nationwide, hokkaido`)
	assert.Contains(t, errs[0].Error(), `not "大阪"`)
}

func sorted(errs Errors) Errors {
	r := &Result{}
	_, _ = r.refuse(errs)
	return r.Errors
}

func TestHeaderProblems(t *testing.T) {
	_, errs := parse(t, []byte("organisation,fiscal_year,quarter,prefecture,都道府県\nKDDI,2024,1,tokyo,tokyo\n"))
	assert.Equal(t, []string{"1/prefecture/header.duplicate"}, where(errs))

	_, errs = parse(t, []byte("organisation,year,quarter\nKDDI,2024,1\n"))
	assert.Equal(t, []string{"1/year/header.unknown"}, where(errs))

	_, errs = parse(t, []byte("KDDI,2024,1\n"))
	assert.Equal(t, []string{"1/KDDI/header.unknown", "1/2024/header.unknown", "1/1/header.unknown"}, where(errs), "no header row")

	_, errs = parse(t, []byte("organisation,fiscal_year\n"))
	assert.Equal(t, []string{"0//file.empty"}, where(errs))

	_, errs = parse(t, []byte("fiscal_year,quarter,form,equipment_type,prefecture,count\n2024,1,simple,dslam,tokyo,1,extra\n"))
	assert.Equal(t, []string{"2//cell.extra"}, where(errs))
}

func TestCSVNotUTF8(t *testing.T) {
	sjis := []byte{0x93, 0x8c, 0x8b, 0x9e, 0x93, 0x73, ',', '1', '\n'} // 東京都 in Shift_JIS
	_, errs := parse(t, sjis)
	require.Len(t, errs, 1)
	assert.Equal(t, "file.encoding", errs[0].Code)
	assert.Contains(t, errs[0].Message, "UTF-8")
	_, errs = parse(t, []byte("a,\"b\nc"))
	assert.Equal(t, "file.format", errs[0].Code)
}

func TestSimpleRowRefusesDetailedColumns(t *testing.T) {
	_, errs := parse(t, []byte("fiscal_year,quarter,form,equipment_type,prefecture,count,users,summary\n2024,3,simple,remote_terminal,hokkaido,1,100,x\n"))
	assert.Equal(t, []string{"2/users/form.not_for", "2/summary/form.not_for"}, where(errs))
	_, errs = parse(t, []byte("fiscal_year,quarter,form,equipment_type,prefecture\n2024,3,simple,remote_terminal,hokkaido\n"))
	assert.Equal(t, []string{"2/count/required"}, where(errs))
}

func TestJSON(t *testing.T) {
	doc := `{"format":"kensho-quarterly/v1","rows":[
		{"organisation":"KDDI","fiscal_year":2024,"quarter":1,"form":"simple","equipment_type":"base_station","prefecture":"tokyo","count":12},
		{"fiscal_year":"2024","quarter":"1","form":"detailed","equipment_type":"router","prefecture":"osaka","ref":"J-1",
		 "occurred_at":"2024-06-30T23:30:00+09:00","recovered_at":"2024-07-01T02:00:00+09:00","service":"internet_access",
		 "users":null,"duration_minutes":120,"cause_class":"external","cause_archetype":"natural_disaster"},
		{"fiscal_year":2024,"quarter":1,"form":"simple","equipment_type":"dslam","prefecture":"tokyo","count":true,"colour":"red"}
	]}`
	rows, errs := parse(t, []byte(doc))
	assert.Equal(t, []string{"2/users/required", "3/count/json.type", "3/colour/json.unknown_field"}, where(sorted(errs)))
	require.Len(t, rows, 3)
	assert.Equal(t, "base_station:tokyo", rows[0].Key)
	assert.False(t, rows[0].bad)
	assert.True(t, rows[1].bad)

	_, errs = parse(t, []byte(`{"format":"other","rows":[]}`))
	assert.Equal(t, []string{"0/format/file.format"}, where(errs))
	_, errs = parse(t, []byte("{\"format\":\"kensho-quarterly/v1\",\n\"rows\":[,]}"))
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Message, "line 2")
	_, errs = parse(t, []byte(`{"format":"kensho-quarterly/v1","rows":[],"extra":1}`))
	assert.Equal(t, "file.format", errs[0].Code)
}

// xlsx builds a workbook with rows on its first sheet.
func xlsx(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		require.NoError(t, f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r))
	}
	buf, err := f.WriteToBuffer()
	require.NoError(t, err)
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	head := []any{"事業者名 (organisation)", "年度 (fiscal_year)", "四半期 (quarter)", "様式 (form)", "設備の種類 (equipment_type)",
		"都道府県 (prefecture)", "件数 (count)", "事故の整理番号 (ref)", "発生日時 (occurred_at)", "復旧日時 (recovered_at)",
		"役務 (service)", "影響利用者数 (users)", "継続時間(分) (duration_minutes)", "発生原因の区分 (cause_class)",
		"発生原因の類型 (cause_archetype)", "概要 (summary)"}
	occurred := time.Date(2024, 10, 3, 8, 30, 0, 0, time.UTC) // Excel has no zone: the wall clock, read as JST
	data := xlsx(t, [][]any{
		head,
		{"ＫＤＤＩ", 2024, 3, "簡易様式", "遠隔収容装置", "沖縄県", 7},
		{},
		{"KDDI", 2024, 3, "詳細様式", "伝送設備", "北海道", nil, "X-9", occurred, "2024-10-03 11:00", "インターネット接続サービス", 31000, nil, "外的要因", "自然災害", "台風"},
		{"KDDI", 2024, 3, "詳細様式", "伝送設備", "北海道", nil, "X-10", "yesterday", "2024-10-03 11:00", "インターネット接続サービス", 31000, nil, "外的要因", "自然災害"},
	})
	assert.Equal(t, FormatXLSX, DetectFormat(data))
	rows, errs := parse(t, data)
	assert.Equal(t, []string{"5/occurred_at/time.invalid"}, where(errs), "row numbers are the sheet's, blank rows counted")
	require.Len(t, rows, 3)
	assert.Equal(t, "remote_terminal:okinawa", rows[0].Key)
	assert.Equal(t, 4, rows[1].line)
	assert.True(t, rows[1].OccurredAt.Equal(time.Date(2024, 10, 3, 8, 30, 0, 0, jst)), rows[1].OccurredAt.String())
	assert.EqualValues(t, 150, rows[1].DurationMinutes)
	assert.Equal(t, "natural_disaster", rows[1].CauseArchetype)

	_, errs = parse(t, []byte("PK\x03\x04 not really a zip"))
	assert.Equal(t, []string{"0//file.format"}, where(errs))
}

func TestTemplate(t *testing.T) {
	c := catalog(t)
	data, err := c.Template()
	require.NoError(t, err)
	f, err := excelize.OpenReader(strings.NewReader(string(data)))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{SheetRows, SheetInstructions, sheetLists}, f.GetSheetList())
	head, err := f.GetRows(SheetRows)
	require.NoError(t, err)
	require.Len(t, head, 1)
	assert.Equal(t, "都道府県 (prefecture)", head[0][colPrefecture])

	dvs, err := f.GetDataValidations(SheetRows)
	require.NoError(t, err)
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
	}
	for col, want := range map[int]string{colForm: "list_forms", colEquipmentType: "list_equipment_types",
		colPrefecture: "list_prefectures", colService: "list_services", colCauseClass: "list_cause_classes",
		colCauseArchetype: "list_cause_archetypes"} {
		assert.Contains(t, lists[colName(col)+"2"], want, Columns[col].ID)
	}
	assert.Contains(t, lists["C2"], "1,2,3,4", "quarter")
	prefs, err := f.GetRows(sheetLists)
	require.NoError(t, err)
	assert.Equal(t, "全国", prefs[1][1])
	visible, err := f.GetSheetVisible(sheetLists)
	require.NoError(t, err)
	assert.False(t, visible)
	help, err := f.GetRows(SheetInstructions)
	require.NoError(t, err)
	text := fmt.Sprint(help)
	assert.Contains(t, text, "提出期限は四半期の終了後2か月以内")
	assert.Contains(t, text, "Due within two months")

	// Filled in with the pull-downs' values, it uploads.
	require.NoError(t, f.SetSheetRow(SheetRows, "A2", &[]any{"KDDI", 2024, 4, "簡易様式", "DSLAM", "全国", 3}))
	buf, err := f.WriteToBuffer()
	require.NoError(t, err)
	rows, errs := parse(t, buf.Bytes())
	require.Empty(t, errs, errs.Strings())
	assert.Equal(t, "dslam:nationwide", rows[0].Key)
}

func TestCatalogValidation(t *testing.T) {
	_, err := ParseCatalog([]byte("equipment_types: [{id: X, ja: a, en: b}]\nprefectures: []\nforms: []\nservices: []\ncause_classes: []\ncause_archetypes: []\nextra: 1\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "extra")
	_, err = ParseCatalog([]byte(`equipment_types: [{id: X, ja: a, en: ""}]
prefectures: [{id: tokyo, ja: 東京都, en: Tokyo}]
forms: [{id: simple, ja: 簡易, en: Simple}]
services: []
cause_classes: []
cause_archetypes: []
`))
	require.Error(t, err)
	for _, want := range []string{`equipment_types[0].id: "X"`, "equipment_types[0]: ja and en labels are required",
		"forms: the ids must be simple, detailed", "services: empty", "prefectures: want the 47 prefectures and 全国, got 1",
		"none is marked simple"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestQuarterDates(t *testing.T) {
	assert.Equal(t, "2024-08-31", DueDate(2024, 1).Format(time.DateOnly))
	assert.Equal(t, "2024-11-30", DueDate(2024, 2).Format(time.DateOnly))
	assert.Equal(t, "2025-02-28", DueDate(2024, 3).Format(time.DateOnly))
	assert.Equal(t, "2024-02-29", DueDate(2023, 3).Format(time.DateOnly))
	assert.Equal(t, "2025-05-31", DueDate(2024, 4).Format(time.DateOnly))
	assert.False(t, Overdue(2024, 1, time.Date(2024, 8, 31, 23, 59, 0, 0, jst)))
	assert.True(t, Overdue(2024, 1, time.Date(2024, 9, 1, 0, 0, 0, 0, jst)))
	fy, q := QuarterOf(time.Date(2025, 3, 31, 23, 0, 0, 0, jst))
	assert.Equal(t, [2]int{2024, 4}, [2]int{fy, q})
	fy, q = QuarterOf(time.Date(2025, 4, 1, 0, 0, 0, 0, jst))
	assert.Equal(t, [2]int{2025, 1}, [2]int{fy, q})
}

// ErrorCodes lists every code the package reports, so that pages can
// translate each.
func TestErrorCodesComplete(t *testing.T) {
	used := regexp.MustCompile(`(?:Code: +|fail\([a-z]+, [a-zA-Z]+, |fail\()"([a-z_.]+)"`)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	found := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			found[m[1]] = true
		}
	}
	var codes []string
	for c := range found {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	assert.Equal(t, codes, ErrorCodes)
}
