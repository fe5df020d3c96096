package quarterly

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The two forms of a quarterly report (SPEC §2).
const (
	// FormSimple is a count of failures of one kind of equipment in one
	// prefecture (base stations, remote terminals, DSLAMs).
	FormSimple = "simple"
	// FormDetailed is one accident: ≥30,000 users or ≥2 hours, not serious.
	FormDetailed = "detailed"
)

// FormatID names the JSON upload format.
const FormatID = "kensho-quarterly/v1"

// The file formats an upload may come in.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
	FormatXLSX = "xlsx"
)

// Column is one column of the upload format. CSV and XLSX files name them
// in a header row (the id, the Japanese or English label, or "label (id)"
// as the template writes them); JSON rows use the id as the key.
type Column struct {
	ID, JA, EN string
	// Forms are the forms whose rows fill the column (empty: both).
	Forms string
	// HelpJA and HelpEN explain the column on the template's second sheet.
	HelpJA, HelpEN string
	// List is the code list of configs/quarterly.yaml the value comes from.
	List string
}

// Label is the column's name in lang.
func (c Column) Label(lang string) string {
	if lang == "en" {
		return c.EN
	}
	return c.JA
}

// Header is how the template's header row names the column.
func (c Column) Header() string { return c.JA + " (" + c.ID + ")" }

// Column indexes, in the order of Columns.
const (
	colOrganisation = iota
	colFiscalYear
	colQuarter
	colForm
	colEquipmentType
	colPrefecture
	colCount
	colRef
	colOccurredAt
	colRecoveredAt
	colService
	colUsers
	colDurationMinutes
	colCauseClass
	colCauseArchetype
	colSummary
	numColumns
)

// Columns is the layout of the format, in the order of the template and
// of the CSV layout documented in the README.
var Columns = [numColumns]Column{
	{ID: "organisation", JA: "事業者名", EN: "Organisation",
		HelpJA: "事業者の名称(登録名または略称)。事業者の担当者は空欄か自社名。事務局が複数の事業者の行を登録するときは必須。",
		HelpEN: "The operator (registered name or alias). Operators may leave it empty or give their own; required when the secretariat uploads rows of several operators."},
	{ID: "fiscal_year", JA: "年度", EN: "Fiscal year",
		HelpJA: "年度(4月〜翌3月)。西暦(2024)または和暦(令和6年度)。", HelpEN: "Fiscal year (April–March), e.g. 2024 (or 令和6年度)."},
	{ID: "quarter", JA: "四半期", EN: "Quarter",
		HelpJA: "1(4〜6月)、2(7〜9月)、3(10〜12月)、4(1〜3月)。", HelpEN: "1 (Apr–Jun), 2 (Jul–Sep), 3 (Oct–Dec), 4 (Jan–Mar)."},
	{ID: "form", JA: "様式", EN: "Form", List: "forms",
		HelpJA: "簡易様式(基地局・遠隔収容装置・DSLAMの故障件数)または詳細様式(事故1件ごと)。", HelpEN: "simple (a count of base-station, remote-terminal and DSLAM failures) or detailed (one accident per row)."},
	{ID: "equipment_type", JA: "設備の種類", EN: "Equipment type", List: "equipment_types",
		HelpJA: "故障した設備。簡易様式では基地局・遠隔収容装置・DSLAMのみ。", HelpEN: "The equipment that failed; the simple form takes base stations, remote terminals and DSLAMs only."},
	{ID: "prefecture", JA: "都道府県", EN: "Prefecture", List: "prefectures",
		HelpJA: "都道府県名、または全国。", HelpEN: "The prefecture, or nationwide (全国)."},
	{ID: "count", JA: "件数", EN: "Count", Forms: FormSimple,
		HelpJA: "簡易様式のみ:その四半期・都道府県・設備の故障件数(0以上の整数)。", HelpEN: "Simple form only: the number of failures in the quarter, prefecture and equipment type (a whole number ≥ 0)."},
	{ID: "ref", JA: "事故の整理番号", EN: "Accident ref", Forms: FormDetailed,
		HelpJA: "詳細様式のみ:事業者が事故ごとに付ける番号(同じ四半期で重複不可)。訂正は同じ番号で再提出。", HelpEN: "Detailed form only: the operator's reference of the accident, unique in the quarter; resubmit the same ref to correct it."},
	{ID: "occurred_at", JA: "発生日時", EN: "Occurred at", Forms: FormDetailed,
		HelpJA: "詳細様式のみ:発生日時(日本時間)。例 2024-05-01 13:45。四半期の期間内であること。", HelpEN: "Detailed form only: when it began (JST), e.g. 2024-05-01 13:45; within the quarter."},
	{ID: "recovered_at", JA: "復旧日時", EN: "Recovered at", Forms: FormDetailed,
		HelpJA: "詳細様式のみ:復旧日時(日本時間)。発生日時以後。", HelpEN: "Detailed form only: when service was restored (JST); not before the occurrence."},
	{ID: "service", JA: "役務", EN: "Service", Forms: FormDetailed, List: "services",
		HelpJA: "詳細様式のみ:影響を受けた電気通信役務。", HelpEN: "Detailed form only: the service affected."},
	{ID: "users", JA: "影響利用者数", EN: "Users affected", Forms: FormDetailed,
		HelpJA: "詳細様式のみ:影響を受けた利用者数の最大値(0以上の整数)。", HelpEN: "Detailed form only: the peak number of users affected (a whole number ≥ 0)."},
	{ID: "duration_minutes", JA: "継続時間(分)", EN: "Duration (minutes)", Forms: FormDetailed,
		HelpJA: "詳細様式のみ:役務が停止・低下していた時間(分)。空欄なら発生から復旧まで。", HelpEN: "Detailed form only: minutes the service was down or degraded; empty means from occurrence to recovery."},
	{ID: "cause_class", JA: "発生原因の区分", EN: "Cause class", Forms: FormDetailed, List: "cause_classes",
		HelpJA: "詳細様式のみ:設備要因・人為要因・外的要因。", HelpEN: "Detailed form only: equipment, human or external."},
	{ID: "cause_archetype", JA: "発生原因の類型", EN: "Cause archetype", Forms: FormDetailed, List: "cause_archetypes",
		HelpJA: "詳細様式のみ:原因の類型(不明も可)。", HelpEN: "Detailed form only: the kind of cause (unknown is allowed)."},
	{ID: "summary", JA: "概要", EN: "Summary", Forms: FormDetailed,
		HelpJA: "詳細様式のみ:事故の概要(任意、4,000字まで)。", HelpEN: "Detailed form only: what happened (optional, up to 4,000 characters)."},
}

// ColumnByID returns the column named id.
func ColumnByID(id string) (Column, bool) {
	for _, c := range Columns {
		if c.ID == id {
			return c, true
		}
	}
	return Column{}, false
}

// Limits of one upload.
const (
	// MaxRows is the most rows one file may hold: a year of simple counts
	// of all operators with room to spare.
	MaxRows = 200_000
	// maxErrors is how many problems are listed before the rest are
	// counted: a file with a wrong column has one per row.
	maxErrors = 500
	maxRef    = 100
	maxSum    = 4000
	maxUsers  = 200_000_000
	maxCount  = 1_000_000
)

// RowError is one problem of an uploaded file, with where it is: Row is
// the spreadsheet row (the header is row 1, so the first data row of a CSV
// or XLSX file is row 2; in JSON, row N is rows[N-1]) and Column the
// column's id. Row 0 is the file as a whole.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Args are the values a translated message needs (a code list's name,
	// a limit, the other row of a duplicate).
	Args []string `json:"-"`
}

func (e RowError) Error() string {
	switch {
	case e.Row == 0 && e.Column == "":
		return e.Message
	case e.Row == 0:
		return fmt.Sprintf("column %s: %s", e.Column, e.Message)
	case e.Column == "":
		return fmt.Sprintf("row %d: %s", e.Row, e.Message)
	}
	return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Message)
}

// ErrorCodes are the codes a RowError can carry, for transports that say
// the problem in the reader's language (a test keeps the list complete).
var ErrorCodes = []string{
	"cell.extra", "code.unknown", "duration.too_long", "errors.more", "file.empty", "file.encoding", "file.format",
	"file.too_many", "fiscal_year.invalid", "form.not_for", "form.simple_equipment", "header.duplicate", "header.none",
	"header.unknown", "json.type", "json.unknown_field", "number.invalid", "number.range", "organisation.forbidden",
	"organisation.required", "organisation.unknown", "quarter.future", "quarter.invalid", "quarter.outside", "required",
	"row.duplicate", "text.control", "text.too_long", "time.before_occurred", "time.invalid", "time.range",
}

// Errors are every problem of a file, in row order. A file with any
// problem writes nothing.
type Errors []RowError

func (es Errors) Error() string {
	parts := make([]string, 0, 3)
	for i, e := range es {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("… %d problems in all", len(es)))
			break
		}
		parts = append(parts, e.Error())
	}
	return strings.Join(parts, "; ")
}

// Strings are the problems as lines.
func (es Errors) Strings() []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Error()
	}
	return out
}

// Row is one validated row: a simple-form count or a detailed-form
// accident of one organisation in one quarter.
type Row struct {
	OrganisationID int64
	FiscalYear     int
	Quarter        int
	Form           string
	// Key is the natural key within (organisation, year, quarter, form):
	// "equipment_type:prefecture" for a count, the operator's ref for an
	// accident.
	Key           string
	EquipmentType string
	Prefecture    string
	// Count is the simple form's number of failures.
	Count int64
	// The detailed form's facts.
	OccurredAt      time.Time
	RecoveredAt     time.Time
	Service         string
	Users           int64
	DurationMinutes int64
	CauseClass      string
	CauseArchetype  string
	Summary         string
}

// SimpleKey is the natural key of a simple-form count.
func SimpleKey(equipment, prefecture string) string { return equipment + ":" + prefecture }

// sameValues reports whether two rows of one key say the same thing.
func sameValues(a, b *Row) bool {
	return a.EquipmentType == b.EquipmentType && a.Prefecture == b.Prefecture && a.Count == b.Count &&
		a.OccurredAt.Equal(b.OccurredAt) && a.RecoveredAt.Equal(b.RecoveredAt) && a.Service == b.Service &&
		a.Users == b.Users && a.DurationMinutes == b.DurationMinutes && a.CauseClass == b.CauseClass &&
		a.CauseArchetype == b.CauseArchetype && a.Summary == b.Summary
}

// rowKey identifies a row in the table.
type rowKey struct {
	org     int64
	fy, q   int
	form    string
	natural string
}

func (r *Row) key() rowKey {
	return rowKey{org: r.OrganisationID, fy: r.FiscalYear, q: r.Quarter, form: r.Form, natural: r.Key}
}

// QuarterStart is the first instant (JST) of quarter q (1–4) of fiscal year fy.
func QuarterStart(fy, q int) time.Time {
	return time.Date(fy, time.April+time.Month(3*(q-1)), 1, 0, 0, 0, 0, jst)
}

// QuarterEnd is the first instant after quarter q of fiscal year fy.
func QuarterEnd(fy, q int) time.Time { return QuarterStart(fy, q).AddDate(0, 3, 0) }

// DueDate is the last day on which a quarter's report is on time: two
// months after the quarter ends (SPEC §2), e.g. 31 August for Q1. It is
// the start of that day in JST.
func DueDate(fy, q int) time.Time { return QuarterEnd(fy, q).AddDate(0, 2, 0).AddDate(0, 0, -1) }

// Overdue reports whether the due date of a quarter has passed at now.
func Overdue(fy, q int, now time.Time) bool { return !now.Before(DueDate(fy, q).AddDate(0, 0, 1)) }

// QuarterOf is the fiscal year and quarter of t (in JST).
func QuarterOf(t time.Time) (fy, q int) {
	j := t.In(jst)
	m := int(j.Month())
	fy = j.Year()
	if m < 4 {
		fy--
		m += 12
	}
	return fy, (m-4)/3 + 1
}

// quarterName is "FY2024 Q1" for messages.
func quarterName(fy, q int) string { return "FY" + strconv.Itoa(fy) + " Q" + strconv.Itoa(q) }
