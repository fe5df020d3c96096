package quarterly

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The sheets of the XLSX template. Uploads read the first sheet.
const (
	SheetRows         = "四半期報告"
	SheetInstructions = "説明 Instructions"
	sheetLists        = "lists"
)

// templateRows is how far down the template's pull-downs reach.
const templateRows = 10_000

// Template is the XLSX file operators fill in: the header row on the
// first sheet with a pull-down on every code-list column (the Japanese
// labels, which uploads accept), the instructions in Japanese and English
// on the second, the lists themselves on a hidden third.
func (c *Catalog) Template() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetRows); err != nil {
		return nil, err
	}
	if err := c.rowsSheet(f); err != nil {
		return nil, err
	}
	if err := c.instructionsSheet(f); err != nil {
		return nil, err
	}
	if err := c.listsSheet(f); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

func colName(i int) string {
	n, _ := excelize.ColumnNumberToName(i + 1)
	return n
}

func (c *Catalog) rowsSheet(f *excelize.File) error {
	head := make([]any, len(Columns))
	for i, col := range Columns {
		head[i] = col.Header()
	}
	if err := f.SetSheetRow(SheetRows, "A1", &head); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F3"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return err
	}
	last := colName(len(Columns) - 1)
	if err := f.SetCellStyle(SheetRows, "A1", last+"1", bold); err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": the ref stays as typed (001 is not 1)
	if err != nil {
		return err
	}
	if err := f.SetColStyle(SheetRows, colName(colRef), text); err != nil {
		return err
	}
	for i, col := range Columns {
		w := 16.0
		switch col.ID {
		case "organisation", "summary":
			w = 30
		case "service", "occurred_at", "recovered_at", "equipment_type":
			w = 22
		}
		if err := f.SetColWidth(SheetRows, colName(i), colName(i), w); err != nil {
			return err
		}
	}
	if err := f.SetPanes(SheetRows, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	rng := func(col int) string { return fmt.Sprintf("%s2:%s%d", colName(col), colName(col), templateRows+1) }
	for i, col := range Columns {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = rng(i)
		switch {
		case col.List != "":
			dv.SetSqrefDropList(listName(col.List))
		case col.ID == "quarter":
			if err := dv.SetDropList([]string{"1", "2", "3", "4"}); err != nil {
				return err
			}
		case col.ID == "fiscal_year":
			if err := dv.SetRange(FirstFiscalYear, 2200, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
		case col.ID == "count" || col.ID == "users" || col.ID == "duration_minutes":
			if err := dv.SetRange(0, maxUsers, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
		default:
			continue
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, col.JA+" "+col.EN, "一覧から選ぶか、正しい値を入力してください。 / Pick from the list or enter a valid value.")
		dv.SetInput(col.JA, col.HelpJA)
		if err := f.AddDataValidation(SheetRows, dv); err != nil {
			return fmt.Errorf("template: %s: %w", col.ID, err)
		}
	}
	return nil
}

// listName is the defined name of a code list's cells on the lists sheet.
func listName(list string) string { return "list_" + list }

func (c *Catalog) listsSheet(f *excelize.File) error {
	if _, err := f.NewSheet(sheetLists); err != nil {
		return err
	}
	for i, nl := range c.lists() {
		col := colName(i)
		if err := f.SetCellValue(sheetLists, col+"1", nl.name); err != nil {
			return err
		}
		for j, e := range nl.list {
			if err := f.SetCellValue(sheetLists, fmt.Sprintf("%s%d", col, j+2), e.JA); err != nil {
				return err
			}
		}
		ref := fmt.Sprintf("'%s'!$%s$2:$%s$%d", sheetLists, col, col, len(nl.list)+1)
		if err := f.SetDefinedName(&excelize.DefinedName{Name: listName(nl.name), RefersTo: ref}); err != nil {
			return err
		}
	}
	return f.SetSheetVisible(sheetLists, false)
}

func (c *Catalog) instructionsSheet(f *excelize.File) error {
	s := SheetInstructions
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	simple := []string{}
	for _, e := range c.EquipmentTypes {
		if e.Simple {
			simple = append(simple, e.JA)
		}
	}
	lines := [][]any{
		{"四半期報告(簡易様式・詳細様式)の登録用ファイル"},
		{"1行目は見出しです。変更・削除しないでください。2行目から1行に1件を記入します。"},
		{"簡易様式: " + strings.Join(simple, "・") + "の故障件数を、四半期・都道府県・設備ごとに1行で記入します(件数列)。"},
		{"詳細様式: 利用者3万人以上または2時間以上(重大な事故を除く)の事故を1件1行で記入します(事故の整理番号〜概要の列)。"},
		{"提出期限は四半期の終了後2か月以内です(例: 第1四半期(4〜6月)は8月31日)。"},
		{"同じファイルを再度登録しても重複しません。同じキー(簡易様式は設備と都道府県、詳細様式は事故の整理番号)で値を変えて登録すると訂正になります。"},
		{"誤りのある行が1行でもあるとファイル全体が登録されず、誤りの行と列が示されます。"},
		{},
		{"Quarterly report upload file (simple and detailed forms)"},
		{"Row 1 is the header: do not change or delete it. Fill one row per entry from row 2."},
		{"Simple form: the number of failures (" + strings.Join(c.simpleEN(), ", ") + "), one row per quarter, prefecture and equipment type (the count column)."},
		{"Detailed form: one row per accident with ≥30,000 users or ≥2 hours that was not serious (the columns from Accident ref to Summary)."},
		{"Due within two months after the quarter ends (e.g. 31 August for Q1, April–June)."},
		{"Uploading the same file again adds nothing. Uploading a row with a known key (equipment and prefecture, or the accident ref) and other values corrects it."},
		{"A file with any wrong row is refused as a whole, with the row and column of every problem."},
		{},
		{"列 / Column", "見出し", "Heading", "説明", "Description"},
	}
	for _, col := range Columns {
		lines = append(lines, []any{col.ID, col.JA, col.EN, col.HelpJA, col.HelpEN})
	}
	for i, l := range lines {
		if len(l) == 0 {
			continue
		}
		if err := f.SetSheetRow(s, fmt.Sprintf("A%d", i+1), &l); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for _, cell := range []string{"A1", "A9", "A17", "B17", "C17", "D17", "E17"} {
		if err := f.SetCellStyle(s, cell, cell, bold); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(s, "A", "C", 20); err != nil {
		return err
	}
	return f.SetColWidth(s, "D", "E", 70)
}

func (c *Catalog) simpleEN() []string {
	var out []string
	for _, e := range c.EquipmentTypes {
		if e.Simple {
			out = append(out, e.EN)
		}
	}
	return out
}
