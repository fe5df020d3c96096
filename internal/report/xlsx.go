package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"kensho/internal/jpdate"
)

// The report's statistics and lists as a workbook (Japanese), with native
// Excel charts. Numbers are numbers; a suppressed cell is the text 「—」
// with the footnote under its table.
//
// The bytes follow from the Report alone: the document properties carry
// the end of the fiscal year as created and modified, and excelize writes
// no clock time of its own (its zip entries carry no modification time and
// are written in a fixed order); the one part it orders at random, the
// image types of [Content_Types].xml, is sorted before writing. The tests
// build twice and compare.

// xlsxSheets are the workbook's sheets, in order.
var xlsxSheets = []string{"概要", "重大な事故の推移", "四半期報告事故", "簡易様式", "重大な事故一覧", "おそれ事態", "教訓", "行政指導", "フォローアップ調査"}

// XLSX writes the report's workbook to w.
func XLSX(r *Report, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxWriter{f: f, r: r}
	if err := x.write(); err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	return nil
}

type xlsxWriter struct {
	f   *excelize.File
	r   *Report
	err error
	// styles
	head, title, text, wrap, num, pct, date, note, total, dash int
}

// set writes one cell; the first error sticks.
func (x *xlsxWriter) set(sheet string, col, row int, v any, style int) {
	if x.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		x.err = err
		return
	}
	if v != nil {
		if x.err = x.f.SetCellValue(sheet, cell, v); x.err != nil {
			return
		}
	}
	if style != 0 {
		x.err = x.f.SetCellStyle(sheet, cell, cell, style)
	}
}

// count writes a count, or 「—」 when suppressed.
func (x *xlsxWriter) count(sheet string, col, row int, v *int) {
	if v == nil {
		x.set(sheet, col, row, Suppressed, x.dash)
		return
	}
	x.set(sheet, col, row, *v, x.num)
}

// header writes a header row.
func (x *xlsxWriter) header(sheet string, row int, cols ...string) {
	for i, c := range cols {
		x.set(sheet, i+1, row, c, x.head)
	}
}

// freeze keeps the first rows in view.
func (x *xlsxWriter) freeze(sheet string, rows int) {
	if x.err != nil {
		return
	}
	x.err = x.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: rows, TopLeftCell: fmt.Sprintf("A%d", rows+1), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: fmt.Sprintf("A%d", rows+1), ActiveCell: fmt.Sprintf("A%d", rows+1), Pane: "bottomLeft"}}})
}

func (x *xlsxWriter) widths(sheet string, widths ...float64) {
	for i, w := range widths {
		if x.err != nil {
			return
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		x.err = x.f.SetColWidth(sheet, col, col, w)
	}
}

func (x *xlsxWriter) chart(sheet, cell string, c *excelize.Chart, combo ...*excelize.Chart) {
	if x.err != nil {
		return
	}
	x.err = x.f.AddChart(sheet, cell, c, combo...)
}

// ref is an absolute range of sheet: 'シート'!$C$2:$C$11.
func ref(sheet string, col1, row1, col2, row2 int) string {
	a, _ := excelize.CoordinatesToCellName(col1, row1, true)
	b, _ := excelize.CoordinatesToCellName(col2, row2, true)
	return "'" + strings.ReplaceAll(sheet, "'", "''") + "'!" + a + ":" + b
}

func (x *xlsxWriter) styles() {
	border := []excelize.Border{{Type: "left", Color: "C9D1DB", Style: 1}, {Type: "right", Color: "C9D1DB", Style: 1},
		{Type: "top", Color: "C9D1DB", Style: 1}, {Type: "bottom", Color: "C9D1DB", Style: 1}}
	font := func(bold bool, size float64, colour string) *excelize.Font {
		return &excelize.Font{Bold: bold, Size: size, Family: "Yu Gothic", Color: colour}
	}
	mk := func(s *excelize.Style) int {
		if x.err != nil {
			return 0
		}
		id, err := x.f.NewStyle(s)
		x.err = err
		return id
	}
	x.head = mk(&excelize.Style{Font: font(true, 10, "1D2733"), Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE6F0"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	x.title = mk(&excelize.Style{Font: font(true, 14, "1D2733")})
	x.text = mk(&excelize.Style{Font: font(false, 10, "1D2733"), Border: border, Alignment: &excelize.Alignment{Vertical: "top"}})
	x.wrap = mk(&excelize.Style{Font: font(false, 10, "1D2733"), Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	x.num = mk(&excelize.Style{Font: font(false, 10, "1D2733"), Border: border, NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "top"}}) // #,##0
	x.total = mk(&excelize.Style{Font: font(true, 10, "1D2733"), Border: border, NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "top"}})
	x.pct = mk(&excelize.Style{Font: font(false, 10, "1D2733"), Border: border, CustomNumFmt: ptr("0.0%"), Alignment: &excelize.Alignment{Vertical: "top"}})
	x.date = mk(&excelize.Style{Font: font(false, 10, "1D2733"), Border: border, CustomNumFmt: ptr("yyyy/mm/dd hh:mm"), Alignment: &excelize.Alignment{Vertical: "top"}})
	x.note = mk(&excelize.Style{Font: font(false, 9, "5B6B7B"), Alignment: &excelize.Alignment{Vertical: "top"}})
	x.dash = mk(&excelize.Style{Font: font(false, 10, "5B6B7B"), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}})
}

// excelTime is t's JST wall clock as a zone-less Excel date-time.
func excelTime(t time.Time) time.Time {
	j := t.In(jpdate.JST)
	return time.Date(j.Year(), j.Month(), j.Day(), j.Hour(), j.Minute(), j.Second(), 0, time.UTC)
}

func (x *xlsxWriter) write() error {
	f := x.f
	if err := f.SetSheetName("Sheet1", xlsxSheets[0]); err != nil {
		return err
	}
	for _, s := range xlsxSheets[1:] {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	x.styles()
	x.props()
	x.summary()
	x.seriousTrend()
	x.quarterly()
	x.simple()
	x.seriousList()
	x.nearMisses()
	x.lessons()
	x.guidance()
	x.surveys()
	if x.err == nil {
		f.SetActiveSheet(0)
	}
	// excelize adds the image types of [Content_Types].xml from a map, in
	// a random order, when a drawing is added: sort them.
	if ct := f.ContentTypes; ct != nil {
		sort.SliceStable(ct.Defaults, func(i, j int) bool { return ct.Defaults[i].Extension < ct.Defaults[j].Extension })
	}
	return x.err
}

// props: title and the like from the report; created and modified at the
// end of its fiscal year, so that the bytes do not depend on the day.
func (x *xlsxWriter) props() {
	if x.err != nil {
		return
	}
	r := x.r
	end := jpdate.FiscalYearStart(r.FiscalYear + 1).UTC().Format(time.RFC3339)
	x.err = x.f.SetDocProps(&excelize.DocProperties{
		Title:          ReportTitle(r, LangJA),
		Subject:        "統計・一覧 (" + Format + ")",
		Creator:        msg(LangJA, "committee"),
		LastModifiedBy: msg(LangJA, "committee"),
		Identifier:     fmt.Sprintf("%s FY%d edition %d", Format, r.FiscalYear, r.Edition),
		Revision:       fmt.Sprint(r.Edition),
		Language:       "ja-JP",
		Created:        end,
		Modified:       end,
	})
	if x.err == nil {
		x.err = x.f.SetAppProps(&excelize.AppProperties{Application: "Kenshō", Company: msg(LangJA, "committee"), DocSecurity: 0, ScaleCrop: false})
	}
}

func (x *xlsxWriter) footnote(sheet string, row int, show bool) {
	if show {
		x.set(sheet, 1, row, suppressedNote(LangJA, x.r.Statistics.MinOperators), x.note)
	}
}

func (x *xlsxWriter) summary() {
	const s = "概要"
	r, st := x.r, &x.r.Statistics
	x.set(s, 1, 1, ReportTitle(r, LangJA), x.title)
	rows := []struct {
		k string
		v any
	}{
		{"年度", fyName(LangJA, r.FiscalYear)},
		{"対象期間", dateName(LangJA, r.From) + " ～ " + dateName(LangJA, r.To)},
		{"版", r.Edition},
	}
	if r.Correction != "" {
		rows = append(rows, struct {
			k string
			v any
		}{"訂正内容", r.Correction})
	}
	row := 3
	for _, kv := range rows {
		x.set(s, 1, row, kv.k, x.head)
		st := x.wrap
		if _, ok := kv.v.(int); ok {
			st = x.num
		}
		x.set(s, 2, row, kv.v, st)
		row++
	}
	row++
	x.header(s, row, "集計（"+fyName(LangJA, r.FiscalYear)+"）", "件数")
	row++
	yearOf := func(ycs []YearCount) *int {
		for _, yc := range ycs {
			if yc.FiscalYear == r.FiscalYear {
				return yc.Count
			}
		}
		return nil
	}
	totals := []struct {
		k string
		v *int
	}{
		{"重大な事故", yearOf(st.Serious)},
		{"四半期報告事故（詳細様式）", yearOf(st.Quarterly)},
		{"簡易様式による報告件数", st.Simple},
		{"報告事業者数", &st.ReportingOperators},
		{"おそれ事態の報告件数", &st.NearMisses},
		{"うち概要を公表したもの", &st.NearMissesPublished},
		{"行政指導", ptr(len(r.Guidance))},
	}
	for _, t := range totals {
		x.set(s, 1, row, t.k, x.text)
		x.count(s, 2, row, t.v)
		row++
	}
	row++
	x.set(s, 1, row, suppressedNote(LangJA, st.MinOperators), x.note)
	x.set(s, 1, row+1, "形式: "+Format+"。日時は日本標準時。", x.note)
	x.widths(s, 30, 60)
}

// trendRows writes the years in columns A (Western) and B (和暦) from row
// 2 and returns the last row.
func (x *xlsxWriter) trendRows(sheet string) int {
	for i, y := range x.r.Statistics.Years {
		x.set(sheet, 1, i+2, y, x.text)
		x.set(sheet, 2, i+2, fyName(LangJA, y), x.text)
	}
	return len(x.r.Statistics.Years) + 1
}

func yearCol(ycs []YearCount, i int) *int {
	if i < len(ycs) {
		return ycs[i].Count
	}
	return nil
}

func seriesVal(s Series, i int) *int {
	if i < len(s.Values) {
		return s.Values[i]
	}
	return nil
}

func (x *xlsxWriter) seriousTrend() {
	const s = "重大な事故の推移"
	st := &x.r.Statistics
	cols := []string{"年度", "年度（和暦）", "合計"}
	for _, c := range st.SeriousByCause {
		cols = append(cols, "発生原因別: "+c.JA)
	}
	for _, c := range st.SeriousByService {
		cols = append(cols, "役務別: "+c.JA)
	}
	x.header(s, 1, cols...)
	last := x.trendRows(s)
	for i := range st.Years {
		x.count(s, 3, i+2, yearCol(st.Serious, i))
		for k, c := range st.SeriousByCause {
			x.count(s, 4+k, i+2, seriesVal(c, i))
		}
		for k, c := range st.SeriousByService {
			x.count(s, 4+len(st.SeriousByCause)+k, i+2, seriesVal(c, i))
		}
	}
	x.set(s, 1, last+1, "役務別: 一つの事故が複数の役務に重大な影響を与えた場合は、役務ごとに計上。", x.note)
	x.footnote(s, last+2, hasSuppressed(st.SeriousByCause, nil, st.Serious) || hasSuppressed(st.SeriousByService, nil, nil))
	x.freeze(s, 1)
	w := []float64{8, 20, 8}
	for range cols[3:] {
		w = append(w, 14)
	}
	x.widths(s, w...)
	if err := x.f.SetRowHeight(s, 1, 48); err != nil && x.err == nil {
		x.err = err
	}
	if len(st.Years) == 0 || len(st.SeriousByCause) == 0 {
		return
	}
	c := &excelize.Chart{Type: excelize.ColStacked, Dimension: excelize.ChartDimension{Width: 720, Height: 360},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "重大な事故の発生件数の推移（発生原因別）"}}},
		Legend: excelize.ChartLegend{Position: "bottom"}, YAxis: excelize.ChartAxis{MajorGridLines: true}, ShowBlanksAs: "gap"}
	for k := range st.SeriousByCause {
		c.Series = append(c.Series, excelize.ChartSeries{Name: ref(s, 4+k, 1, 4+k, 1), Categories: ref(s, 1, 2, 1, last), Values: ref(s, 4+k, 2, 4+k, last),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{xlsxPalette[k%len(xlsxPalette)]}}})
	}
	x.chart(s, fmt.Sprintf("B%d", last+4), c)
}

var xlsxPalette = []string{"0B5CAD", "E07B39", "3D9970", "8E99A6", "B3261E", "7E57C2"}

func (x *xlsxWriter) quarterly() {
	const s = "四半期報告事故"
	r, st := x.r, &x.r.Statistics
	cols := []string{"年度", "年度（和暦）", "合計"}
	for _, c := range st.QuarterlyByCause {
		cols = append(cols, "発生原因別: "+c.JA)
	}
	x.header(s, 1, cols...)
	last := x.trendRows(s)
	for i := range st.Years {
		x.count(s, 3, i+2, yearCol(st.Quarterly, i))
		for k, c := range st.QuarterlyByCause {
			x.count(s, 4+k, i+2, seriesVal(c, i))
		}
	}
	// This year's bands, to the right.
	year := fyName(LangJA, r.FiscalYear)
	band := func(col int, head string, cells []Cell) int {
		x.set(s, col, 1, head+"（"+year+"）", x.head)
		x.set(s, col+1, 1, "件数", x.head)
		for i, c := range cells {
			x.set(s, col, i+2, c.JA, x.text)
			x.count(s, col+1, i+2, c.Count)
		}
		return len(cells) + 1
	}
	c0 := len(cols) + 2
	durLast := band(c0, "継続時間", st.QuarterlyDuration)
	band(c0+3, "影響利用者数", st.QuarterlyUsers)
	band(c0+6, "発生原因", st.QuarterlyCause)
	x.footnote(s, max(last, durLast)+1, hasSuppressed(st.QuarterlyByCause, st.QuarterlyCause, st.Quarterly) ||
		hasSuppressed(nil, st.QuarterlyDuration, nil) || hasSuppressed(nil, st.QuarterlyUsers, nil))
	x.freeze(s, 1)
	w := []float64{8, 20, 10}
	for range cols[3:] {
		w = append(w, 14)
	}
	w = append(w, 3, 22, 10, 3, 24, 10, 3, 16, 10)
	x.widths(s, w...)
	if err := x.f.SetRowHeight(s, 1, 36); err != nil && x.err == nil {
		x.err = err
	}
	at := max(last, durLast) + 4
	if len(st.Years) > 0 && len(st.Quarterly) > 0 {
		x.chart(s, fmt.Sprintf("B%d", at), &excelize.Chart{Type: excelize.Col, Dimension: excelize.ChartDimension{Width: 600, Height: 340},
			Title:    excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "四半期報告事故の件数の推移"}}},
			Legend:   excelize.ChartLegend{Position: "none"},
			PlotArea: excelize.ChartPlotArea{ShowVal: true}, YAxis: excelize.ChartAxis{MajorGridLines: true}, ShowBlanksAs: "gap",
			Series: []excelize.ChartSeries{{Name: ref(s, 3, 1, 3, 1), Categories: ref(s, 1, 2, 1, last), Values: ref(s, 3, 2, 3, last),
				Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{xlsxPalette[0]}}}}})
	}
	if len(st.QuarterlyDuration) > 0 {
		colName, _ := excelize.ColumnNumberToName(c0)
		x.chart(s, fmt.Sprintf("%s%d", colName, at), &excelize.Chart{Type: excelize.Bar, Dimension: excelize.ChartDimension{Width: 560, Height: 340},
			Title:    excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "四半期報告事故の継続時間別件数（" + year + "）"}}},
			Legend:   excelize.ChartLegend{Position: "none"},
			PlotArea: excelize.ChartPlotArea{ShowVal: true}, XAxis: excelize.ChartAxis{ReverseOrder: true}, ShowBlanksAs: "gap",
			Series: []excelize.ChartSeries{{Name: ref(s, c0+1, 1, c0+1, 1), Categories: ref(s, c0, 2, c0, durLast), Values: ref(s, c0+1, 2, c0+1, durLast),
				Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{xlsxPalette[0]}}}}})
	}
}

func (x *xlsxWriter) simple() {
	const s = "簡易様式"
	r, st := x.r, &x.r.Statistics
	year := fyName(LangJA, r.FiscalYear)
	x.header(s, 1, "設備の種類（"+year+"）", "件数", "", "四半期（"+year+"）", "件数")
	for i, c := range st.SimpleEquipment {
		x.set(s, 1, i+2, c.JA, x.text)
		x.count(s, 2, i+2, c.Count)
	}
	for i, c := range st.SimpleQuarter {
		x.set(s, 4, i+2, c.JA, x.text)
		x.count(s, 5, i+2, c.Count)
	}
	row := max(len(st.SimpleEquipment), len(st.SimpleQuarter)) + 2
	x.set(s, 1, row, "合計", x.head)
	x.count(s, 2, row, st.Simple)
	x.set(s, 4, row, "合計", x.head)
	x.count(s, 5, row, st.Simple)
	x.footnote(s, row+2, st.Simple == nil || hasSuppressed(nil, st.SimpleEquipment, nil) || hasSuppressed(nil, st.SimpleQuarter, nil))
	x.freeze(s, 1)
	x.widths(s, 24, 12, 3, 26, 12)
}

func (x *xlsxWriter) seriousList() {
	const s = "重大な事故一覧"
	x.header(s, 1, "番号", "整理番号", "事業者", "発生日時", "発生日時（和暦）", "復旧日時", "継続時間（分）", "継続時間（時間:分）",
		"影響利用者数", "影響地域", "影響を受けた役務", "発生原因の区分", "概要", "再発防止策", "検証会議の教訓", "判定に用いた基準")
	for i, a := range x.r.Serious {
		row := i + 2
		x.set(s, 1, row, a.Number, x.num)
		x.set(s, 2, row, a.Ref, x.text)
		x.set(s, 3, row, strings.Join(a.Operators, "、"), x.wrap)
		x.set(s, 4, row, excelTime(a.OccurredAt), x.date)
		x.set(s, 5, row, dateTimeName(LangJA, a.OccurredAt), x.wrap)
		if a.RecoveredAt != nil {
			x.set(s, 6, row, excelTime(*a.RecoveredAt), x.date)
		} else {
			x.set(s, 6, row, Suppressed, x.dash)
		}
		if a.DurationMinutes != nil {
			x.set(s, 7, row, *a.DurationMinutes, x.num)
			x.set(s, 8, row, durationHM(*a.DurationMinutes), x.text)
		} else {
			x.set(s, 7, row, Suppressed, x.dash)
			x.set(s, 8, row, Suppressed, x.dash)
		}
		if a.PeakUsers != nil {
			x.set(s, 9, row, *a.PeakUsers, x.num)
		} else {
			x.set(s, 9, row, Suppressed, x.dash)
		}
		x.set(s, 10, row, a.Area, x.wrap)
		x.set(s, 11, row, labelsJA(a.Services), x.wrap)
		x.set(s, 12, row, a.Cause.JA, x.text)
		x.set(s, 13, row, a.Summary, x.wrap)
		x.set(s, 14, row, a.Measures, x.wrap)
		x.set(s, 15, row, lessonRefsJA(a.Lessons), x.wrap)
		x.set(s, 16, row, a.RuleSet, x.text)
	}
	x.freeze(s, 1)
	x.widths(s, 6, 11, 22, 17, 26, 17, 10, 10, 12, 18, 26, 12, 50, 50, 60, 10)
}

func labelsJA(ls []Label) string {
	names := make([]string, len(ls))
	for i, l := range ls {
		names[i] = l.JA
	}
	return strings.Join(names, "、")
}

func lessonRefsJA(ls []LessonRef) string {
	lines := make([]string, len(ls))
	for i, l := range ls {
		tag := "新規"
		if l.Recurring {
			tag = "再発"
		}
		lines[i] = fmt.Sprintf("【%s】%s（%s）", tag, l.JA, l.ID)
	}
	return strings.Join(lines, "\n")
}

func (x *xlsxWriter) nearMisses() {
	const s = "おそれ事態"
	x.header(s, 1, "番号", "発生月", "発生月（和暦）", "事態の類型", "発生原因の区分", "原因の類型", "事態の概要（匿名化）", "教訓")
	for i, n := range x.r.NearMisses {
		row := i + 2
		x.set(s, 1, row, n.Number, x.num)
		x.set(s, 2, row, n.Month, x.text)
		x.set(s, 3, row, monthName(LangJA, n.Month), x.text)
		x.set(s, 4, row, n.Situation.JA, x.wrap)
		x.set(s, 5, row, n.Cause.JA, x.text)
		x.set(s, 6, row, n.CauseArchetype.JA, x.text)
		x.set(s, 7, row, n.Text, x.wrap)
		x.set(s, 8, row, lessonRefsJA(n.Lessons), x.wrap)
	}
	x.freeze(s, 1)
	x.widths(s, 6, 9, 18, 24, 12, 16, 60, 60)
}

func (x *xlsxWriter) lessons() {
	const s = "教訓"
	x.header(s, 1, "テーマ", "区分", "教訓ID", "教訓", "初出年度", "初出年度（和暦）", "本年度の該当事案数")
	row := 2
	for _, th := range x.r.Lessons {
		for _, g := range []struct {
			tag string
			ls  []Lesson
		}{{"新規", th.New}, {"再発", th.Recurring}} {
			for _, l := range g.ls {
				x.set(s, 1, row, th.JA, x.text)
				x.set(s, 2, row, g.tag, x.text)
				x.set(s, 3, row, l.ID, x.text)
				x.set(s, 4, row, l.JA, x.wrap)
				x.set(s, 5, row, l.FirstYear, x.text)
				x.set(s, 6, row, fyName(LangJA, l.FirstYear), x.text)
				x.set(s, 7, row, l.Cases, x.num)
				row++
			}
		}
	}
	x.freeze(s, 1)
	x.widths(s, 22, 7, 14, 70, 9, 20, 10)
}

func (x *xlsxWriter) guidance() {
	const s = "行政指導"
	x.header(s, 1, "年月日", "年月日（和暦）", "事業者", "文書番号", "指導の内容", "対象事案")
	for i, g := range x.r.Guidance {
		row := i + 2
		if t, err := jpdate.ParseDate(g.IssuedOn); err == nil {
			x.set(s, 1, row, excelTime(t), x.date)
		} else {
			x.set(s, 1, row, g.IssuedOn, x.text)
		}
		x.set(s, 2, row, dateName(LangJA, g.IssuedOn), x.text)
		x.set(s, 3, row, g.Organisation, x.wrap)
		x.set(s, 4, row, g.Reference, x.text)
		x.set(s, 5, row, g.Measures, x.wrap)
		x.set(s, 6, row, g.CaseRef, x.text)
	}
	x.freeze(s, 1)
	x.widths(s, 17, 24, 22, 16, 70, 11)
}

func (x *xlsxWriter) surveys() {
	const s = "フォローアップ調査"
	x.header(s, 1, "調査", "調査締切", "回答事業者数", "教訓ID", "教訓", "回答数", "新規に実施", "見直しを実施", "実施予定", "実施したいが困難",
		"実施予定なし", "実施した数", "有効と回答した数", "実施率", "有効率", "区分", "区分の基準")
	row := 2
	type span struct{ from, to int }
	var spans []span
	for _, sv := range x.r.Surveys {
		from := row
		for _, l := range sv.Lessons {
			x.set(s, 1, row, sv.Title, x.wrap)
			x.set(s, 2, row, dateName(LangJA, sv.ClosedOn), x.text)
			x.set(s, 3, row, sv.Respondents, x.num)
			x.set(s, 4, row, l.ID, x.text)
			x.set(s, 5, row, l.JA, x.wrap)
			for k, v := range []int{l.Answers, l.NewlyDone, l.Revised, l.Planned, l.WantedButHard, l.NotPlanned, l.Implemented, l.Effective} {
				x.set(s, 6+k, row, v, x.num)
			}
			x.set(s, 14, row, l.ImplementedShare, x.pct)
			if l.EffectiveShare != nil {
				x.set(s, 15, row, *l.EffectiveShare, x.pct)
			} else {
				x.set(s, 15, row, Suppressed, x.dash)
			}
			x.set(s, 16, row, surveyClassName(LangJA, l.Class, sv.ClassThreshold()), x.text)
			x.set(s, 17, row, sv.ClassThreshold(), x.pct)
			row++
		}
		if row > from {
			spans = append(spans, span{from, row - 1})
		}
	}
	x.set(s, 1, row+1, msg(LangJA, "sv.note"), x.note)
	x.freeze(s, 1)
	x.widths(s, 28, 22, 9, 12, 60, 8, 9, 9, 9, 10, 9, 9, 10, 9, 9, 24, 9)
	if err := x.f.SetRowHeight(s, 1, 36); err != nil && x.err == nil {
		x.err = err
	}
	at := row + 3
	for i, sp := range spans {
		c := &excelize.Chart{Type: excelize.Col, Dimension: excelize.ChartDimension{Width: 640, Height: 340},
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "実施率・有効率（" + x.r.Surveys[i].Title + "）"}}},
			Legend: excelize.ChartLegend{Position: "bottom"}, PlotArea: excelize.ChartPlotArea{ShowVal: true},
			YAxis: excelize.ChartAxis{MajorGridLines: true, Minimum: ptr(0.0), Maximum: ptr(1.0), NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
			Series: []excelize.ChartSeries{
				{Name: ref(s, 14, 1, 14, 1), Categories: ref(s, 4, sp.from, 4, sp.to), Values: ref(s, 14, sp.from, 14, sp.to),
					Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{xlsxPalette[0]}}},
				{Name: ref(s, 15, 1, 15, 1), Categories: ref(s, 4, sp.from, 4, sp.to), Values: ref(s, 15, sp.from, 15, sp.to),
					Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{xlsxPalette[1]}}},
			}}
		line := &excelize.Chart{Type: excelize.Line, Series: []excelize.ChartSeries{{Name: ref(s, 17, 1, 17, 1),
			Categories: ref(s, 4, sp.from, 4, sp.to), Values: ref(s, 17, sp.from, 17, sp.to),
			Line:   excelize.LineOptions{Dash: excelize.LineDashDash, Width: 1.5, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"B3261E"}}},
			Marker: excelize.ChartMarker{Symbol: "none"}}}}
		x.chart(s, fmt.Sprintf("E%d", at), c, line)
		at += 19
	}
}
