package report

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
)

// SheetWhatIf is the sheet of the what-if workbook.
const SheetWhatIf = "比較表"

// whatIfDocTime is the workbook's creation and modification time: fixed,
// so that the same study gives the same bytes whenever it is built.
const whatIfDocTime = "2025-01-01T00:00:00Z"

// serviceNames are the services as the workbook names them.
var serviceNames = map[caseformat.Service]string{
	caseformat.ServiceVoiceEmergency: "緊急通報を取り扱う音声伝送役務",
	caseformat.ServiceVoice:          "緊急通報を取り扱わない音声伝送役務",
	caseformat.ServiceFreeInternet:   "無料のインターネット関連サービス",
	caseformat.ServiceInternetAccess: "インターネット接続サービス・データ通信",
	caseformat.ServiceLPWA:           "LPWA",
	caseformat.ServiceOther:          "その他の電気通信役務",
}

// The workbook's layout: the header lines, the table's header row, then
// one row per fiscal year, the total and the average.
const (
	whatIfHeadRow  = 7
	whatIfFirstRow = whatIfHeadRow + 1
)

// XLSX is the study as a workbook: the sheet 比較表 with what was compared,
// one row per fiscal year (令和元年度(2019年度)), the total and the
// average, and a clustered column chart of the serious accidents in force
// and under the rule set, per year. The same table gives the same bytes.
func (t *WhatIfTable) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetWhatIf); err != nil {
		return nil, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:          "報告基準の比較(" + t.RuleSet.ID + ")",
		Subject:        "what-if study: " + t.RuleSet.TitleEN,
		Creator:        "Kenshō",
		LastModifiedBy: "Kenshō",
		Created:        whatIfDocTime,
		Modified:       whatIfDocTime,
		Language:       "ja-JP",
	}); err != nil {
		return nil, err
	}
	if err := t.writeSheet(f); err != nil {
		return nil, err
	}
	// Adding a drawing makes excelize list the image types in
	// [Content_Types].xml in a map's order, which varies from run to run:
	// sort them, so that the same study always gives the same bytes.
	if ct := f.ContentTypes; ct != nil {
		// (The element type is excelize's own and unexported: by reflection.)
		v := reflect.ValueOf(ct.Defaults)
		sort.SliceStable(ct.Defaults, func(i, j int) bool {
			return v.Index(i).FieldByName("Extension").String() < v.Index(j).FieldByName("Extension").String()
		})
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

func cell(col string, row int) string { return fmt.Sprintf("%s%d", col, row) }

// changedText lists the refs of the changed cases the reader may see and
// counts the others: 「K-1、K-2 ほか2件」.
func changedText(seen []ChangedCase, others int) string {
	refs := make([]string, len(seen))
	for i, c := range seen {
		refs[i] = c.Ref
	}
	s := strings.Join(refs, "、")
	switch {
	case others > 0 && s != "":
		s += fmt.Sprintf(" ほか%d件", others)
	case others > 0:
		s = fmt.Sprintf("%d件(閲覧権限のない事案)", others)
	}
	return s
}

func (t *WhatIfTable) writeSheet(f *excelize.File) error {
	sh := SheetWhatIf
	scope := "すべての事案"
	if t.Service != "" {
		scope = fmt.Sprintf("「%s」(%s)に影響のあった事案", serviceNames[t.Service], t.Service)
	}
	head := [][2]string{
		{"報告基準の比較(what-if)", ""},
		{"比較する基準", fmt.Sprintf("%s(%s)", t.RuleSet.Title, t.RuleSet.ID)},
		{"期間", jpdate.FiscalYearName(t.FromFY) + "〜" + jpdate.FiscalYearName(t.ToFY)},
		{"対象", scope},
		{"出典", "Kenshō の事案データベースから作成。各事案を発生日に施行されていた基準と " + t.RuleSet.ID + " の基準で判定した件数です。"},
	}
	for i, h := range head {
		if err := f.SetSheetRow(sh, cell("A", i+1), &[]any{h[0], h[1]}); err != nil {
			return err
		}
	}
	cols := []any{"年度", "判定した事案", "重大な事故(施行基準)", "重大な事故(" + t.RuleSet.ID + ")", "差", "追加された事案", "除外された事案"}
	if err := f.SetSheetRow(sh, cell("A", whatIfHeadRow), &cols); err != nil {
		return err
	}
	row := whatIfFirstRow
	for _, y := range t.Years {
		v := []any{jpdate.FiscalYearName(y.FiscalYear), y.Cases, y.InForce, y.Under, y.Difference,
			changedText(y.Added, y.AddedOthers), changedText(y.Removed, y.RemovedOthers)}
		if err := f.SetSheetRow(sh, cell("A", row), &v); err != nil {
			return err
		}
		row++
	}
	lastYear := row - 1
	total := []any{"合計", t.Total.Cases, t.Total.InForce, t.Total.Under, t.Total.Difference,
		fmt.Sprintf("%d件", t.Total.Added), fmt.Sprintf("%d件", t.Total.Removed)}
	if err := f.SetSheetRow(sh, cell("A", row), &total); err != nil {
		return err
	}
	avg := []any{fmt.Sprintf("年平均(%d年度)", t.Span()), float64(t.Average.Cases), float64(t.Average.InForce),
		float64(t.Average.Under), float64(t.Average.Difference)}
	if err := f.SetSheetRow(sh, cell("A", row+1), &avg); err != nil {
		return err
	}
	if err := t.styleSheet(f, lastYear, row); err != nil {
		return err
	}
	return f.AddChart(sh, cell("I", whatIfHeadRow), &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{
			{Name: fmt.Sprintf("'%s'!$C$%d", sh, whatIfHeadRow), Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", sh, whatIfFirstRow, lastYear),
				Values: fmt.Sprintf("'%s'!$C$%d:$C$%d", sh, whatIfFirstRow, lastYear)},
			{Name: fmt.Sprintf("'%s'!$D$%d", sh, whatIfHeadRow), Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", sh, whatIfFirstRow, lastYear),
				Values: fmt.Sprintf("'%s'!$D$%d:$D$%d", sh, whatIfFirstRow, lastYear)},
		},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "重大な事故の件数: 施行基準と " + t.RuleSet.ID}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 640, Height: 360},
	})
}

// styleSheet sets the widths, the bold header and total, the signed
// difference and the average's one decimal.
func (t *WhatIfTable) styleSheet(f *excelize.File, lastYear, totalRow int) error {
	sh := SheetWhatIf
	// A slice, not a map: the order of the columns' XML must not vary.
	for i, w := range []float64{26, 14, 20, 22, 8, 36, 36} {
		col := string(rune('A' + i))
		if err := f.SetColWidth(sh, col, col, w); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return err
	}
	signed := "+0;-0;0"
	diff, err := f.NewStyle(&excelize.Style{CustomNumFmt: &signed})
	if err != nil {
		return err
	}
	one := "0.0"
	avg, err := f.NewStyle(&excelize.Style{CustomNumFmt: &one})
	if err != nil {
		return err
	}
	signedOne := "+0.0;-0.0;0.0"
	avgDiff, err := f.NewStyle(&excelize.Style{CustomNumFmt: &signedOne})
	if err != nil {
		return err
	}
	for _, s := range []struct {
		from, to string
		style    int
	}{
		{"A1", "A1", bold},
		{"A2", "A5", bold},
		{cell("A", whatIfHeadRow), cell("G", whatIfHeadRow), head},
		{cell("E", whatIfFirstRow), cell("E", totalRow), diff},
		{cell("A", totalRow), cell("A", totalRow+1), bold},
		{cell("B", totalRow+1), cell("D", totalRow+1), avg},
		{cell("E", totalRow+1), cell("E", totalRow+1), avgDiff},
	} {
		if err := f.SetCellStyle(sh, s.from, s.to, s.style); err != nil {
			return err
		}
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: whatIfHeadRow, TopLeftCell: cell("A", whatIfFirstRow), ActivePane: "bottomLeft"})
}
