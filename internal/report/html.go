package report

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"kensho/web"
)

// templates/report.html is the report as HTML: the body the site shows
// (Body) and the standalone document printed to PDF (Document) are the
// same template.
//
//go:embed templates/*.html
var htmlTemplates embed.FS

var reportTemplates = template.Must(template.New("report").Funcs(htmlFuncs).ParseFS(htmlTemplates, "templates/*.html"))

// HTMLOptions say how the report is rendered as HTML.
type HTMLOptions struct {
	// Lang is "ja" (the default) or "en".
	Lang string
	// ContentHash is the edition's content hash, printed on the cover as
	// given (the caller computes it; empty shows nothing).
	ContentHash string
	// ChartURL is the address of a chart's SVG for the page (Body): the
	// site serves Charts' SVG there. Without it Body draws no chart.
	// Document ignores it and inlines the charts.
	ChartURL func(id string) string
	// Status is the edition's state: "draft" marks every page 「案」
	// (a banner, and a watermark in the document); "published" or ""
	// marks nothing.
	Status string
}

// reportView is what the template sees.
type reportView struct {
	R           *Report
	Lang        string
	Title       string
	ContentHash string
	Draft       bool
	// Document: the standalone document (watermark, print layout).
	Document bool
	Charts   map[string]chartView
	// Suppressed: a statistics cell is not published.
	Suppressed bool
	Note       string
}

type chartView struct {
	ID, Title, Note string
	// Src is the image's address: a URL of the site (string, which
	// html/template checks) or a data: URI (template.URL, made here).
	Src           any
	Width, Height string
}

// Body renders the report's body as an HTML fragment for the site's page:
// no style attribute, no <style>, no script (the site's CSP forbids them),
// the charts as <img> from o.ChartURL, styled by /static/report.css.
func Body(r *Report, o HTMLOptions) (template.HTML, error) {
	v, err := newReportView(r, o, false)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := reportTemplates.ExecuteTemplate(&b, "body", v); err != nil {
		return "", fmt.Errorf("report body: %w", err)
	}
	return template.HTML(b.String()), nil
}

// Document renders the report as one standalone HTML document for
// printing: the body, web/static/report.css in a <style> (the site's one
// stylesheet, with its print rules: A4, a chapter to a page, table heads
// repeated), the charts inlined as data: URIs. It loads nothing.
func Document(r *Report, o HTMLOptions) ([]byte, error) {
	v, err := newReportView(r, o, true)
	if err != nil {
		return nil, err
	}
	css, err := fs.ReadFile(web.Static, "static/report.css")
	if err != nil {
		return nil, fmt.Errorf("report document: %w", err)
	}
	var body bytes.Buffer
	if err := reportTemplates.ExecuteTemplate(&body, "body", v); err != nil {
		return nil, fmt.Errorf("report document: %w", err)
	}
	var b bytes.Buffer
	err = reportTemplates.ExecuteTemplate(&b, "document", struct {
		Lang, Title string
		CSS         template.CSS
		Body        template.HTML
	}{v.Lang, v.Title, template.CSS(css), template.HTML(body.String())})
	if err != nil {
		return nil, fmt.Errorf("report document: %w", err)
	}
	return b.Bytes(), nil
}

func newReportView(r *Report, o HTMLOptions, document bool) (*reportView, error) {
	lang := normLang(o.Lang)
	v := &reportView{R: r, Lang: lang, Title: ReportTitle(r, lang), ContentHash: o.ContentHash,
		Draft: o.Status == StatusDraft, Document: document, Charts: map[string]chartView{}}
	st := &r.Statistics
	v.Suppressed = hasSuppressed(st.SeriousByCause, nil, st.Serious) ||
		hasSuppressed(st.SeriousByService, nil, nil) ||
		hasSuppressed(st.QuarterlyByCause, st.QuarterlyCause, st.Quarterly) ||
		hasSuppressed(nil, st.QuarterlyDuration, nil) || hasSuppressed(nil, st.QuarterlyUsers, nil) ||
		hasSuppressed(nil, st.SimpleEquipment, nil) || hasSuppressed(nil, st.SimpleQuarter, nil) || st.Simple == nil
	v.Note = suppressedNote(lang, st.MinOperators)
	if document || o.ChartURL != nil {
		charts, err := Charts(r, lang)
		if err != nil {
			return nil, err
		}
		for _, c := range charts {
			cv := chartView{ID: c.ID, Title: c.Title, Note: c.Note}
			cv.Width, cv.Height = svgSize(c.SVG)
			if document {
				cv.Src = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(c.SVG))
			} else {
				cv.Src = o.ChartURL(c.ID)
			}
			v.Charts[c.ID] = cv
		}
	}
	return v, nil
}

// svgSize reads the width and height of a chart's <svg>.
func svgSize(b []byte) (w, h string) {
	attr := func(name string) string {
		i := bytes.Index(b, []byte(" "+name+`="`))
		if i < 0 {
			return ""
		}
		rest := b[i+len(name)+3:]
		j := bytes.IndexByte(rest, '"')
		if j < 0 {
			return ""
		}
		return string(rest[:j])
	}
	return attr("width"), attr("height")
}

// htmlFuncs are the template's helpers; each takes the language first
// where the words depend on it.
var htmlFuncs = template.FuncMap{
	"t":        func(lang, key string) string { return msg(lang, key) },
	"fy":       fyName,
	"fyAxis":   fyAxis,
	"date":     dateName,
	"datetime": dateTimeName,
	"month":    monthName,
	"label":    func(lang string, l Label) string { return labelName(l, lang) },
	"cell":     cellText,
	"num":      func(n int) string { return digits(int64(n)) },
	"pct":      pctText,
	"pctp": func(f *float64) string {
		if f == nil {
			return Suppressed
		}
		return pctText(*f)
	},
	"duration": func(m *float64) string {
		if m == nil {
			return Suppressed
		}
		return durationHM(*m)
	},
	"users": func(lang string, n *int64) string {
		if n == nil {
			return Suppressed
		}
		return digits(*n) + txt(lang, "人", "")
	},
	"recovered": func(lang string, t *time.Time) string {
		if t == nil {
			return txt(lang, "—（復旧時刻の報告なし）", "— (not reported)")
		}
		return dateTimeName(lang, *t)
	},
	"class": surveyClassName,
	"join":  func(lang string, s []string) string { return strings.Join(s, txt(lang, "、", ", ")) },
	"labels": func(lang string, ls []Label) string {
		names := make([]string, len(ls))
		for i, l := range ls {
			names[i] = labelName(l, lang)
		}
		return strings.Join(names, txt(lang, "、", ", "))
	},
	"paras": func(s string) []string {
		var out []string
		for _, p := range strings.Split(s, "\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	},
	"lessonText": func(lang, ja, en string) string {
		if lang == LangEN && en != "" {
			return en
		}
		return ja
	},
	"add":   func(a, b int) int { return a + b },
	"paren": func(lang, a, b string) string { return a + txt(lang, "（"+b+"）", " ("+b+")") },
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"chart": func(v *reportView, id string) *chartView {
		if c, ok := v.Charts[id]; ok {
			return &c
		}
		return nil
	},
	"yearValue": func(s Series, i int) *int {
		if i < len(s.Values) {
			return s.Values[i]
		}
		return nil
	},
}

// msg is a heading or a word of the report in lang.
func msg(lang, key string) string {
	m, ok := reportMessages[key]
	if !ok {
		return key
	}
	if lang == LangEN {
		return m[1]
	}
	return m[0]
}

var reportMessages = map[string][2]string{
	"committee":       {"電気通信事故検証会議", "Telecommunications Accident Verification Committee"},
	"period":          {"対象期間", "Period"},
	"edition":         {"版", "Edition"},
	"edition.n":       {"第%d版", "Edition %d"},
	"hash":            {"内容ハッシュ", "Content hash"},
	"correction":      {"訂正内容", "What this edition corrects"},
	"draft":           {"案", "DRAFT"},
	"draft.banner":    {"案 — 公表前の案であり、内容は変更されることがある。", "DRAFT — not yet published; the content may change."},
	"toc":             {"目次", "Contents"},
	"foreword":        {"はじめに", "Foreword"},
	"ch.statistics":   {"1 統計", "1 Statistics"},
	"ch.serious":      {"2 重大な事故", "2 Serious accidents"},
	"ch.nearmiss":     {"3 おそれ事態", "3 Near-misses"},
	"ch.lessons":      {"4 教訓", "4 Lessons"},
	"ch.guidance":     {"5 行政指導", "5 Administrative guidance"},
	"ch.surveys":      {"6 フォローアップ調査", "6 Follow-up surveys"},
	"s.serious":       {"1.1 重大な事故の発生件数", "1.1 Serious accidents"},
	"s.quarterly":     {"1.2 四半期報告事故の件数", "1.2 Quarterly-report accidents"},
	"s.simple":        {"1.3 簡易様式による報告件数", "1.3 Simple-form counts"},
	"s.operators":     {"1.4 報告事業者数・おそれ事態の報告件数", "1.4 Reporting operators and near-misses"},
	"t.serious":       {"表1-1 重大な事故の発生件数の推移", "Table 1-1 Serious accidents per fiscal year"},
	"t.quarterly":     {"表1-2 四半期報告事故の件数の推移", "Table 1-2 Quarterly-report accidents per fiscal year"},
	"t.qcause":        {"表1-3 四半期報告事故の発生原因別件数", "Table 1-3 Quarterly-report accidents by cause"},
	"t.qduration":     {"表1-4 四半期報告事故の継続時間別件数", "Table 1-4 Quarterly-report accidents by duration"},
	"t.qusers":        {"表1-5 四半期報告事故の影響利用者数別件数", "Table 1-5 Quarterly-report accidents by users affected"},
	"t.sequipment":    {"表1-6 簡易様式による報告件数（設備別）", "Table 1-6 Simple-form counts by equipment"},
	"t.squarter":      {"表1-7 簡易様式による報告件数（四半期別）", "Table 1-7 Simple-form counts by quarter"},
	"t.operators":     {"表1-8 報告事業者数・おそれ事態", "Table 1-8 Reporting operators and near-misses"},
	"t.guidance":      {"表5-1 行政指導", "Table 5-1 Administrative guidance"},
	"t.survey":        {"表6-%d", "Table 6-%d"},
	"category":        {"区分", "Category"},
	"total":           {"合計", "Total"},
	"by.cause":        {"発生原因別", "By cause"},
	"by.service":      {"役務別（一つの事故が複数の役務に該当する場合は、それぞれに計上）", "By service (an accident counts once per service hit)"},
	"count":           {"件数", "Count"},
	"operators.n":     {"報告事業者数", "Reporting operators"},
	"nearmiss.n":      {"おそれ事態の報告件数", "Near-misses reported"},
	"nearmiss.pub":    {"うち概要を公表したもの", "of which published (anonymised)"},
	"operators.note":  {"四半期報告（詳細様式・簡易様式）又は重大な事故を報告した事業者の数。", "Organisations that filed a quarterly report (either form) or a serious accident in the year."},
	"none":            {"該当なし。", "None."},
	"f.operators":     {"事業者", "Operator(s)"},
	"f.occurred":      {"発生日時", "Occurred"},
	"f.recovered":     {"復旧日時", "Recovered"},
	"f.duration":      {"継続時間", "Duration"},
	"f.duration.unit": {"（時間:分）", " (h:mm)"},
	"f.users":         {"影響利用者数", "Users affected (peak)"},
	"f.area":          {"影響地域", "Area"},
	"f.services":      {"影響を受けた役務", "Services"},
	"f.cause":         {"発生原因の区分", "Cause"},
	"f.ruleset":       {"判定に用いた基準", "Rule set"},
	"f.ref":           {"整理番号", "Reference"},
	"f.summary":       {"概要", "Summary"},
	"f.measures":      {"再発防止策", "Measures"},
	"f.lessons":       {"検証会議の教訓", "The committee's lessons"},
	"f.month":         {"発生月", "Month"},
	"f.situation":     {"事態の類型", "Situation"},
	"f.archetype":     {"原因の類型", "Cause type"},
	"f.text":          {"事態の概要", "What happened"},
	"nearmiss.intro":  {"おそれ事態は、事業者名・地名・設備の識別名を除いた概要を掲載する（発生月のみ表示）。", "Near-misses are shown anonymised: no operator, place or equipment name, the month only."},
	"lesson.new":      {"新規", "New"},
	"lesson.rec":      {"再発", "Recurring"},
	"lessons.new":     {"新たな教訓", "New lessons"},
	"lessons.rec":     {"再発した教訓（過年度に得られた教訓）", "Recurring lessons (first drawn in an earlier year)"},
	"lessons.intro":   {"本年度の事故から得られた教訓を、テーマ別に、新たな教訓と過年度の教訓の再発に分けて示す。", "The lessons of the year's cases by theme: those drawn for the first time, and earlier ones that recurred."},
	"lesson.first":    {"初出", "first drawn"},
	"lesson.cases":    {"本年度の該当事案", "cases this year"},
	"g.date":          {"年月日", "Date"},
	"g.org":           {"事業者", "Operator"},
	"g.ref":           {"文書番号", "Reference"},
	"g.measures":      {"指導の内容", "Measures required"},
	"g.case":          {"対象事案", "Case"},
	"sv.closed":       {"調査締切", "Closed on"},
	"sv.respondents":  {"回答事業者数", "Respondents"},
	"sv.lesson":       {"教訓", "Lesson"},
	"sv.answers":      {"回答数", "Answers"},
	"sv.newly":        {"新規に実施", "Newly done"},
	"sv.revised":      {"見直しを実施", "Revised"},
	"sv.planned":      {"実施予定", "Planned"},
	"sv.hard":         {"実施したいが困難", "Wanted but hard"},
	"sv.not":          {"実施予定なし", "Not planned"},
	"sv.impl":         {"実施率", "Implemented"},
	"sv.eff":          {"有効率", "Effective"},
	"sv.class":        {"区分", "Class"},
	"sv.note":         {"実施率＝（新規に実施＋見直しを実施）÷回答数。有効率＝有効と回答した数÷実施した数（実施の回答がない場合は「—」）。", "Implemented = (newly done + revised) ÷ answers. Effective = answered effective ÷ implemented (“—” when none implemented)."},
}
