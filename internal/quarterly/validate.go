package quarterly

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// parsed is a row that passed every check that needs no database, with
// the organisation as the file named it (empty: the uploader's own).
type parsed struct {
	Row
	line int
	org  string
	// bad marks a row with a problem: kept only so that its organisation
	// is checked too.
	bad bool
}

// FirstFiscalYear is the first fiscal year of quarterly reports (the
// quarterly threshold exists since 2008-04).
const FirstFiscalYear = 2008

// checker validates records against the catalogue, collecting every
// problem with its row and column.
type checker struct {
	cat  *Catalog
	now  time.Time
	errs Errors
	// n counts problems, reported or not.
	n int
}

// check validates every record; rows with a problem are marked bad and
// the errors say why.
func (c *Catalog) check(recs []record, now time.Time) ([]parsed, Errors) {
	k := &checker{cat: c, now: now}
	out := make([]parsed, len(recs))
	for i := range recs {
		var ok bool
		out[i], ok = k.row(&recs[i])
		out[i].bad = !ok
	}
	return out, k.errs
}

func (k *checker) fail(r *record, col int, code, msg string, args ...string) {
	if r.flagged&(1<<col) != 0 {
		k.n++ // the decoder said what is wrong with this cell
		return
	}
	k.errs = append(k.errs, RowError{Row: r.row, Column: Columns[col].ID, Code: code, Message: msg, Args: args})
}

func cell(r *record, col int) string { return strings.TrimSpace(r.cells[col]) }

func (k *checker) row(r *record) (parsed, bool) {
	before := len(k.errs) + k.n
	if r.flagged != 0 {
		k.n++
	}
	p := parsed{line: r.row, org: cell(r, colOrganisation)}
	p.FiscalYear = k.fiscalYear(r)
	p.Quarter = k.quarter(r)
	if p.FiscalYear != 0 && p.Quarter != 0 && QuarterStart(p.FiscalYear, p.Quarter).After(k.now) {
		k.fail(r, colQuarter, "quarter.future", fmt.Sprintf("%s has not begun yet", quarterName(p.FiscalYear, p.Quarter)),
			quarterName(p.FiscalYear, p.Quarter))
	}
	p.Form = k.code(r, colForm, true)
	p.EquipmentType = k.code(r, colEquipmentType, true)
	p.Prefecture = k.code(r, colPrefecture, true)
	switch p.Form {
	case FormSimple:
		k.simple(r, &p)
	case FormDetailed:
		k.detailed(r, &p)
	}
	return p, len(k.errs)+k.n == before
}

func (k *checker) simple(r *record, p *parsed) {
	for col := range Columns {
		if Columns[col].Forms == FormDetailed && cell(r, col) != "" {
			k.fail(r, col, "form.not_for", "must be empty on a simple-form row", FormSimple)
		}
	}
	if p.EquipmentType != "" {
		if e, _ := k.cat.EquipmentTypes.Get(p.EquipmentType); !e.Simple {
			var ids []string
			for _, e := range k.cat.EquipmentTypes {
				if e.Simple {
					ids = append(ids, e.ID)
				}
			}
			k.fail(r, colEquipmentType, "form.simple_equipment",
				fmt.Sprintf("the simple form counts only %s failures; report this accident on the detailed form", strings.Join(ids, ", ")))
		}
	}
	p.Count = k.integer(r, colCount, maxCount, true)
	p.Key = SimpleKey(p.EquipmentType, p.Prefecture)
}

func (k *checker) detailed(r *record, p *parsed) {
	if cell(r, colCount) != "" {
		k.fail(r, colCount, "form.not_for", "must be empty on a detailed-form row", FormDetailed)
	}
	p.Key = k.text(r, colRef, maxRef, true)
	p.OccurredAt = k.datetime(r, colOccurredAt)
	p.RecoveredAt = k.datetime(r, colRecoveredAt)
	if !p.OccurredAt.IsZero() && p.FiscalYear != 0 && p.Quarter != 0 {
		start, end := QuarterStart(p.FiscalYear, p.Quarter), QuarterEnd(p.FiscalYear, p.Quarter)
		if p.OccurredAt.Before(start) || !p.OccurredAt.Before(end) {
			from, to := start.Format(time.DateOnly), end.AddDate(0, 0, -1).Format(time.DateOnly)
			k.fail(r, colOccurredAt, "quarter.outside", fmt.Sprintf("is not in %s (%s – %s, JST)",
				quarterName(p.FiscalYear, p.Quarter), from, to), quarterName(p.FiscalYear, p.Quarter), from, to)
		}
	}
	span := int64(-1)
	if !p.OccurredAt.IsZero() && !p.RecoveredAt.IsZero() {
		if p.RecoveredAt.Before(p.OccurredAt) {
			k.fail(r, colRecoveredAt, "time.before_occurred", "is before occurred_at")
		} else {
			span = int64(math.Ceil(p.RecoveredAt.Sub(p.OccurredAt).Minutes()))
		}
	}
	p.Service = k.code(r, colService, true)
	p.Users = k.integer(r, colUsers, maxUsers, true)
	if cell(r, colDurationMinutes) == "" {
		p.DurationMinutes = max(span, 0)
	} else {
		p.DurationMinutes = k.integer(r, colDurationMinutes, math.MaxInt32, false)
		if span >= 0 && p.DurationMinutes > span {
			k.fail(r, colDurationMinutes, "duration.too_long",
				fmt.Sprintf("%d minutes is longer than occurred_at to recovered_at (%d minutes)", p.DurationMinutes, span),
				strconv.FormatInt(p.DurationMinutes, 10), strconv.FormatInt(span, 10))
		}
	}
	p.CauseClass = k.code(r, colCauseClass, true)
	p.CauseArchetype = k.code(r, colCauseArchetype, true)
	p.Summary = k.text(r, colSummary, maxSum, false)
}

// required reports a missing value.
func (k *checker) required(r *record, col int) {
	k.fail(r, col, "required", "is required")
}

// code resolves a value of a code-list column (id, label or JIS code) to
// its id.
func (k *checker) code(r *record, col int, required bool) string {
	v := cell(r, col)
	if v == "" {
		if required {
			k.required(r, col)
		}
		return ""
	}
	list := Columns[col].List
	if id, ok := k.cat.lookup[list][v]; ok { // the id as written: no folding needed
		return id
	}
	if id, ok := k.cat.resolve(list, v); ok {
		return id
	}
	var l List
	for _, nl := range k.cat.lists() {
		if nl.name == list {
			l = nl.list
		}
	}
	k.fail(r, col, "code.unknown", fmt.Sprintf("must be one of %s (or their Japanese names), not %q", strings.Join(l.IDs(), ", "), v), list)
	return ""
}

// fold is NFKC (full-width digits and letters become ASCII), trimmed.
func fold(s string) string {
	return strings.TrimSpace(norm.NFKC.String(s))
}

// integer reads a whole number in 0..max; thousands separators and
// full-width digits are accepted, as spreadsheets write them.
func (k *checker) integer(r *record, col int, limit int64, required bool) int64 {
	v := cell(r, col)
	if v == "" {
		if required {
			k.required(r, col)
		}
		return 0
	}
	n, ok := parseInt(v)
	if !ok {
		k.fail(r, col, "number.invalid", fmt.Sprintf("%q is not a whole number", v))
		return 0
	}
	if n < 0 || n > limit {
		k.fail(r, col, "number.range", fmt.Sprintf("must be between 0 and %d", limit), "0", strconv.FormatInt(limit, 10))
		return 0
	}
	return n
}

func parseInt(v string) (int64, bool) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, true
	}
	v = strings.ReplaceAll(fold(v), ",", "")
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, true
	}
	// 12.0 from a spreadsheet's number cell.
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e15 {
		return 0, false
	}
	return int64(f), true
}

// fiscalYear reads 2024, FY2024, 2024年度 or 令和6年度 (平成 too).
func (k *checker) fiscalYear(r *record) int {
	v := cell(r, colFiscalYear)
	if v == "" {
		k.required(r, colFiscalYear)
		return 0
	}
	fy, ok := parseFiscalYear(v)
	if !ok {
		k.fail(r, colFiscalYear, "fiscal_year.invalid", fmt.Sprintf("%q is not a fiscal year such as 2024", v))
		return 0
	}
	last, _ := QuarterOf(k.now)
	if fy < FirstFiscalYear || fy > last {
		k.fail(r, colFiscalYear, "number.range", fmt.Sprintf("must be between %d and %d", FirstFiscalYear, last),
			strconv.Itoa(FirstFiscalYear), strconv.Itoa(last))
		return 0
	}
	return fy
}

func parseFiscalYear(v string) (int, bool) {
	s := strings.ToLower(fold(v))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "年度"), "年")
	s = strings.TrimSpace(strings.TrimPrefix(s, "fy"))
	base := 0
	for prefix, first := range map[string]int{"令和": 2019, "r": 2019, "平成": 1989, "h": 1989} {
		if rest, ok := strings.CutPrefix(s, prefix); ok {
			s, base = rest, first-1
			break
		}
	}
	if base != 0 && s == "元" {
		s = "1"
	}
	n, ok := parseInt(s)
	if !ok || n <= 0 || n > 9999 {
		return 0, false
	}
	if base != 0 {
		if n > 99 {
			return 0, false
		}
		return base + int(n), true
	}
	return int(n), true
}

// quarter reads 1–4, Q1 or 第1四半期.
func (k *checker) quarter(r *record) int {
	v := cell(r, colQuarter)
	if v == "" {
		k.required(r, colQuarter)
		return 0
	}
	s := strings.ToLower(fold(v))
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "第"), "q"), "四半期")
	s = strings.TrimSuffix(s, "q")
	n, ok := parseInt(s)
	if !ok || n < 1 || n > 4 {
		k.fail(r, colQuarter, "quarter.invalid", fmt.Sprintf("%q is not a quarter: 1 (Apr–Jun), 2 (Jul–Sep), 3 (Oct–Dec) or 4 (Jan–Mar)", v))
		return 0
	}
	return int(n)
}

// timeLayouts are the date-time spellings accepted, read in JST.
var timeLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05",
	"2006/1/2 15:04", "2006/1/2 15:04:05", "2006/01/02 15:04", "2006/01/02 15:04:05"}

// datetime reads a required date and time (JST unless it carries an
// offset). In an XLSX file a date cell holds a serial day number.
func (k *checker) datetime(r *record, col int) time.Time {
	v := cell(r, col)
	if v == "" {
		k.required(r, col)
		return time.Time{}
	}
	t, ok := parseTime(v, r.excel)
	if !ok {
		k.fail(r, col, "time.invalid", fmt.Sprintf("%q is not a date and time such as 2024-05-01 13:45 (JST)", v))
		return time.Time{}
	}
	if t.Year() < 2000 || t.After(k.now.Add(24*time.Hour)) {
		k.fail(r, col, "time.range", fmt.Sprintf("%s is not a plausible time (2000 until now)", t.Format("2006-01-02 15:04")))
		return time.Time{}
	}
	return t
}

func parseTime(v string, excel bool) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.In(jst), true
	}
	s := fold(v)
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, jst); err == nil {
			return t, true
		}
	}
	if excel {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f > 1 && f < 100_000 {
			// A serial day number holds the wall clock without a zone: it
			// is read as JST, to the nearest second.
			t, err := excelize.ExcelDateToTime(f, false)
			if err == nil {
				t = t.Round(time.Second)
				return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, jst), true
			}
		}
	}
	return time.Time{}, false
}

// text reads free text up to limit characters, without control characters
// other than line breaks and tabs.
func (k *checker) text(r *record, col, limit int, required bool) string {
	v := cell(r, col)
	if v == "" {
		if required {
			k.required(r, col)
		}
		return ""
	}
	if n := utf8.RuneCountInString(v); n > limit {
		k.fail(r, col, "text.too_long", fmt.Sprintf("is %d characters long; at most %d", n, limit), strconv.Itoa(limit))
		return ""
	}
	for _, c := range v {
		if unicode.IsControl(c) && c != '\n' && c != '\t' && c != '\r' {
			k.fail(r, col, "text.control", "contains a control character")
			return ""
		}
	}
	return v
}
