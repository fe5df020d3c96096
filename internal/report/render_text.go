package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"kensho/internal/jpdate"
	"kensho/internal/rules"
)

// The words every output of the report shares (charts, page, PDF, XLSX),
// in its two languages. Japanese is the report's language; English is a
// courtesy translation.

// Languages of the outputs.
const (
	LangJA = "ja"
	LangEN = "en"
)

// normLang is "en" for English and "ja" for anything else.
func normLang(lang string) string {
	if lang == LangEN {
		return LangEN
	}
	return LangJA
}

// txt picks the text of lang.
func txt(lang, ja, en string) string {
	if lang == LangEN {
		return en
	}
	return ja
}

// labelName is a label in lang.
func labelName(l Label, lang string) string {
	if lang == LangEN && l.EN != "" {
		return l.EN
	}
	if l.JA != "" {
		return l.JA
	}
	return l.Key
}

// ReportTitle is the report's title: 電気通信事故に関する検証報告（令和5年度）.
func ReportTitle(r *Report, lang string) string {
	if normLang(lang) == LangEN {
		return fmt.Sprintf("Report on the Verification of Telecommunications Accidents (FY%d)", r.FiscalYear)
	}
	era, _, _ := strings.Cut(jpdate.FiscalYearName(r.FiscalYear), "(")
	return "電気通信事故に関する検証報告（" + era + "）"
}

// fyName names a fiscal year: 令和5年度(2023年度), FY2023.
func fyName(lang string, fy int) string {
	if lang == LangEN {
		return fmt.Sprintf("FY%d", fy)
	}
	return jpdate.FiscalYearName(fy)
}

// fyAxis is the era year of a fiscal year for an axis: 令和5, 平成26
// (FY2023 in English).
func fyAxis(lang string, fy int) string {
	if lang == LangEN {
		return fmt.Sprintf("FY%d", fy)
	}
	era, _, _ := strings.Cut(jpdate.FiscalYearName(fy), "年度")
	return era
}

// dateName is a date (2006-01-02) in lang: 令和5年(2023年)9月15日,
// 15 September 2023. An unreadable date is shown as it is.
func dateName(lang, d string) string {
	t, err := jpdate.ParseDate(d)
	if err != nil {
		return d
	}
	return timeName(lang, t)
}

func timeName(lang string, t time.Time) string {
	if lang == LangEN {
		return t.In(jpdate.JST).Format("2 January 2006")
	}
	return jpdate.Wareki(t)
}

// dateTimeName is a date and JST time: 令和5年(2023年)5月17日 9時05分.
func dateTimeName(lang string, t time.Time) string {
	j := t.In(jpdate.JST)
	if lang == LangEN {
		return j.Format("2 January 2006, 15:04 JST")
	}
	return fmt.Sprintf("%s %d時%02d分", jpdate.Wareki(j), j.Hour(), j.Minute())
}

// monthName is a month (2006-01): 令和5年(2023年)7月, July 2023.
func monthName(lang, m string) string {
	t, err := time.ParseInLocation("2006-01", m, jpdate.JST)
	if err != nil {
		return m
	}
	if lang == LangEN {
		return t.Format("January 2006")
	}
	w := jpdate.Wareki(t) // 令和5年(2023年)7月1日
	return strings.TrimSuffix(w, "1日")
}

// durationHM is a duration in minutes as h:mm (rounded to the minute).
func durationHM(minutes float64) string {
	m := int64(math.Round(minutes))
	return fmt.Sprintf("%d:%02d", m/60, m%60)
}

// digits writes n with thousands separators: 1,300,000.
func digits(n int64) string { return rules.Thousands(n) }

// Suppressed is how a suppressed cell is shown.
const Suppressed = "—"

// cellText is a cell's value, or 「—」 when suppressed.
func cellText(v *int) string {
	if v == nil {
		return Suppressed
	}
	return digits(int64(*v))
}

// pctText is a share as a percentage with one decimal: 75.0%.
func pctText(f float64) string {
	return strconv.FormatFloat(math.Round(f*1000)/10, 'f', 1, 64) + "%"
}

// suppressedNote is the footnote of a table or chart with a suppressed
// cell (SPEC §6).
func suppressedNote(lang string, min int) string {
	if min < 1 {
		min = 3
	}
	return txt(lang, fmt.Sprintf("「—」: %d者未満の事業者による集計値は公表しない。合計と他の値から算出できないよう、併せて公表しない値がある。", min),
		fmt.Sprintf("“—”: not published — an aggregate of fewer than %d operators, or a value withheld alongside one so that it cannot be worked out from the total and the others.", min))
}

// thresholdText is a survey's class threshold as a percentage without
// needless decimals: 70%, 62.5%.
func thresholdText(share float64) string {
	return strconv.FormatFloat(math.Round(share*1000)/10, 'f', -1, 64) + "%"
}

// surveyClassName names a SurveyLesson's class under the survey's
// threshold (a share).
func surveyClassName(lang, class string, threshold float64) string {
	th := thresholdText(threshold)
	switch class {
	case "both":
		return txt(lang, "実施率・有効率とも"+th+"以上", "Implemented and effective both ≥"+th)
	case "implemented":
		return txt(lang, "実施率のみ"+th+"以上", "Implemented only ≥"+th)
	case "effective":
		return txt(lang, "有効率のみ"+th+"以上", "Effective only ≥"+th)
	}
	return ""
}

// hasSuppressed reports whether a value of the series or cells is nil.
func hasSuppressed(series []Series, cells []Cell, years []YearCount) bool {
	for _, s := range series {
		for _, v := range s.Values {
			if v == nil {
				return true
			}
		}
	}
	for _, c := range cells {
		if c.Count == nil {
			return true
		}
	}
	for _, y := range years {
		if y.Count == nil {
			return true
		}
	}
	return false
}
