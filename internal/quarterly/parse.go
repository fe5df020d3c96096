package quarterly

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// record is one data row of a file before validation: its row number and
// its cells by column.
type record struct {
	row   int
	cells [numColumns]string
	// excel marks rows of an XLSX file, whose date cells hold Excel's
	// serial day numbers.
	excel bool
	// flagged marks cells (bit = column) the decoder already reported, so
	// that the checks do not report them again.
	flagged uint32
}

// DetectFormat tells the format of an uploaded file from its first bytes:
// an XLSX file is a ZIP archive, a JSON file an object; anything else is
// read as CSV. Content types and file names lie more often than bytes.
func DetectFormat(data []byte) string {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return FormatXLSX
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(data, utf8BOM), " \t\r\n")
	if len(t) > 0 && t[0] == '{' {
		return FormatJSON
	}
	return FormatCSV
}

var utf8BOM = []byte("\ufeff")

// decode reads a file of the given format into records.
func decode(data []byte, format string) ([]record, Errors) {
	switch format {
	case FormatCSV:
		return decodeCSV(data)
	case FormatJSON:
		return decodeJSON(data)
	case FormatXLSX:
		return decodeXLSX(data)
	}
	return nil, Errors{{Code: "file.format", Message: "unknown format " + format, Args: []string{format}}}
}

func fileError(row int, format string, args ...any) Errors {
	msg := fmt.Sprintf(format, args...)
	return Errors{{Row: row, Code: "file.format", Message: msg, Args: []string{msg}}}
}

// header maps the cells of a header row to columns. A cell may give the
// column's id, its Japanese or English label, or "label (id)".
func header(cells []string) ([]int, Errors) {
	pos := make([]int, len(cells))
	seen := map[int]int{}
	var errs Errors
	known := 0
	for i, h := range cells {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		pos[i] = -1
		if h == "" {
			continue
		}
		c := columnOf(h)
		if c < 0 {
			errs = append(errs, RowError{Row: 1, Column: h, Code: "header.unknown",
				Message: fmt.Sprintf("unknown column %q (the first row must name the columns: %s)", h, strings.Join(columnIDs(), ", ")), Args: []string{h}})
			continue
		}
		if j, dup := seen[c]; dup {
			errs = append(errs, RowError{Row: 1, Column: Columns[c].ID, Code: "header.duplicate",
				Message: fmt.Sprintf("column %s appears twice (cells %d and %d)", Columns[c].ID, j+1, i+1), Args: []string{Columns[c].ID}})
			continue
		}
		seen[c] = i
		pos[i] = c
		known++
	}
	if known == 0 && len(errs) == 0 {
		errs = append(errs, RowError{Row: 1, Code: "header.none", Message: "the first row must name the columns: " + strings.Join(columnIDs(), ", ")})
	}
	return pos, errs
}

// columnOf is the index of the column a header cell names, or -1.
func columnOf(h string) int {
	k := normKey(h)
	for i, c := range Columns {
		if k == c.ID || k == normKey(c.JA) || k == normKey(c.EN) {
			return i
		}
	}
	// "都道府県 (prefecture)": the id in brackets decides.
	if i := strings.LastIndexByte(k, '('); i >= 0 && strings.HasSuffix(k, ")") {
		id := strings.TrimSpace(k[i+1 : len(k)-1])
		for i, c := range Columns {
			if id == c.ID {
				return i
			}
		}
	}
	return -1
}

func columnIDs() []string {
	out := make([]string, len(Columns))
	for i, c := range Columns {
		out[i] = c.ID
	}
	return out
}

// table turns rows of cells (the first one the header) into records,
// skipping blank rows: spreadsheets leave them at the end.
func table(rows func() ([]string, int, error), excel bool, sizeHint int) ([]record, Errors) {
	head, _, err := rows()
	if errors.Is(err, io.EOF) {
		return nil, Errors{{Code: "file.empty", Message: "the file is empty: it needs a header row and at least one row"}}
	}
	if err != nil {
		return nil, fileError(1, "%v", err)
	}
	pos, errs := header(head)
	if len(errs) > 0 {
		return nil, errs
	}
	out := make([]record, 0, min(sizeHint, MaxRows))
	for {
		cells, row, err := rows()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, append(errs, fileError(row, "%v", err)...)
		}
		blank := true
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		if len(out) == MaxRows {
			return nil, Errors{{Row: row, Code: "file.too_many", Message: fmt.Sprintf("more than %d rows: split the file", MaxRows),
				Args: []string{fmt.Sprint(MaxRows)}}}
		}
		r := record{row: row, excel: excel}
		for i, c := range cells {
			if i >= len(pos) || pos[i] < 0 {
				if strings.TrimSpace(c) != "" {
					errs = append(errs, RowError{Row: row, Code: "cell.extra",
						Message: fmt.Sprintf("cell %d has a value but no column in the header", i+1), Args: []string{fmt.Sprint(i + 1)}})
				}
				continue
			}
			r.cells[pos[i]] = c
		}
		out = append(out, r)
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = Errors{{Code: "file.empty", Message: "the file has a header row but no rows"}}
	}
	return out, errs
}

func decodeCSV(data []byte) ([]record, Errors) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		return nil, Errors{{Code: "file.encoding", Message: "the file is not UTF-8 text: save it as CSV UTF-8 (or upload the XLSX)"}}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, Errors{{Code: "file.encoding", Message: "the file is not a CSV, JSON or XLSX file"}}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	n := 0
	return table(func() ([]string, int, error) {
		rec, err := cr.Read()
		n++
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, n, fmt.Errorf("not valid CSV: %v", pe.Err)
		}
		return rec, n, err
	}, false, bytes.Count(data, []byte{'\n'}))
}

func decodeXLSX(data []byte) ([]record, Errors) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return nil, fileError(0, "not a readable XLSX file: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileError(0, "the workbook has no sheet")
	}
	// The rows are on the first sheet (the template's 四半期報告 sheet);
	// the others are its instructions and lists.
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fileError(0, "sheet %s: %v", sheets[0], err)
	}
	i := 0
	return table(func() ([]string, int, error) {
		if i >= len(rows) {
			return nil, i + 1, io.EOF
		}
		i++
		return rows[i-1], i, nil
	}, true, len(rows))
}

// jsonFile is the JSON format: {"format":"kensho-quarterly/v1","rows":[…]},
// each row an object keyed by column id.
type jsonFile struct {
	Format string                       `json:"format"`
	Rows   []map[string]json.RawMessage `json:"rows"`
}

func decodeJSON(data []byte) ([]record, Errors) {
	data = bytes.TrimPrefix(data, utf8BOM)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f jsonFile
	if err := dec.Decode(&f); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			return nil, fileError(0, "not valid JSON (line %d): %v", line, se)
		}
		return nil, fileError(0, "not a %s file: %v", FormatID, err)
	}
	if f.Format != FormatID {
		return nil, Errors{{Column: "format", Code: "file.format", Message: fmt.Sprintf("format must be %q, got %q", FormatID, f.Format),
			Args: []string{fmt.Sprintf("format must be %q", FormatID)}}}
	}
	if len(f.Rows) == 0 {
		return nil, Errors{{Code: "file.empty", Message: "rows is empty"}}
	}
	if len(f.Rows) > MaxRows {
		return nil, Errors{{Code: "file.too_many", Message: fmt.Sprintf("more than %d rows: split the file", MaxRows), Args: []string{fmt.Sprint(MaxRows)}}}
	}
	var errs Errors
	out := make([]record, 0, len(f.Rows))
	for i, obj := range f.Rows {
		r := record{row: i + 1}
		for k, raw := range obj {
			c := -1
			for j := range Columns {
				if Columns[j].ID == k {
					c = j
					break
				}
			}
			if c < 0 {
				errs = append(errs, RowError{Row: r.row, Column: k, Code: "json.unknown_field",
					Message: "unknown field (the fields are: " + strings.Join(columnIDs(), ", ") + ")"})
				continue
			}
			v, ok := jsonScalar(raw)
			if !ok {
				errs = append(errs, RowError{Row: r.row, Column: k, Code: "json.type", Message: "must be a string or a number"})
				r.flagged |= 1 << c
				continue
			}
			r.cells[c] = v
		}
		out = append(out, r)
	}
	return out, errs
}

// jsonScalar is a JSON string's text or a number's digits; null is empty.
func jsonScalar(raw json.RawMessage) (string, bool) {
	t := bytes.TrimSpace(raw)
	switch {
	case len(t) == 0 || string(t) == "null":
		return "", true
	case t[0] == '"':
		var s string
		return s, json.Unmarshal(t, &s) == nil
	case t[0] == '-' || (t[0] >= '0' && t[0] <= '9'):
		return string(t), true
	}
	return "", false
}
