package report

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

// The report's charts, written as SVG by hand.
//
// Why not a chart library: github.com/go-analyze/charts (v0.6.4), the
// maintained server-side SVG library tried first, lays text out with
// widths measured by golang/freetype, which reads only TrueType outlines.
// Its bundled fonts have no Japanese glyphs and the CJK fonts of the
// machines (Noto Sans CJK, CFF outlines) cannot be loaded into it, so every
// Japanese label is measured at a fraction of its width and the legend's
// entries overlap; it also draws mark lines only at max/min/average/median,
// not at the survey's 70 %. The figures of the report are plain bars, so a
// few hundred lines here do them properly: text widths reckoned per
// character (a full-width character is one em), no external reference, no
// script, the same bytes for the same Report.

// Chart is one figure of the report.
type Chart struct {
	// ID names the chart in URLs and files: serious-by-cause,
	// serious-by-service, quarterly-by-cause, quarterly-duration,
	// quarterly-users, survey-1, survey-2, …
	ID    string
	Title string
	// Note is what the chart's footnote says (suppressed values, how a
	// case is counted); the SVG draws it too. Empty when there is none.
	Note string
	// SVG is a standalone SVG document (image/svg+xml).
	SVG []byte
}

// Charts draws the report's charts in lang ("ja" or "en"): the serious
// accidents per fiscal year stacked by cause class and by service, the
// quarterly-report accidents per year stacked by cause class, this year's
// quarterly-report accidents by duration band and by users band, and per
// follow-up survey the shares implemented and effective of each lesson
// with the 70 % line. A table without data gives no chart. A suppressed
// value (nil) is drawn as no bar — never as a number — and the footnote
// names it.
func Charts(r *Report, lang string) ([]Chart, error) {
	lang = normLang(lang)
	st := &r.Statistics
	n := len(st.Years)
	var out []Chart
	add := func(id, title string, notes []string, img []byte) {
		out = append(out, Chart{ID: id, Title: title, Note: strings.Join(notes, " "), SVG: img})
	}
	cats := make([]string, n)
	for i, y := range st.Years {
		if lang == LangEN {
			cats[i] = strconv.Itoa(y)
		} else {
			cats[i] = strconv.Itoa(y) + "\n" + fyAxis(lang, y)
		}
	}
	yearTotals := func(name string, ycs []YearCount) ([]*int, error) {
		if len(ycs) == 0 {
			return nil, nil
		}
		if len(ycs) != n {
			return nil, fmt.Errorf("statistics.%s: %d years, statistics.years has %d", name, len(ycs), n)
		}
		t := make([]*int, n)
		for i, yc := range ycs {
			if yc.FiscalYear != st.Years[i] {
				return nil, fmt.Errorf("statistics.%s[%d]: fiscal year %d, statistics.years has %d", name, i, yc.FiscalYear, st.Years[i])
			}
			t[i] = yc.Count
		}
		return t, nil
	}
	seriesSets := func(name string, ss []Series) ([]barSet, error) {
		sets := make([]barSet, len(ss))
		for i, s := range ss {
			if len(s.Values) != n {
				return nil, fmt.Errorf("statistics.%s[%d] (%s): %d values, statistics.years has %d", name, i, s.Key, len(s.Values), n)
			}
			sets[i] = barSet{Name: labelName(s.Label, lang), Values: floats(s.Values)}
		}
		return sets, nil
	}
	unit := txt(lang, "件", "cases")

	if n > 0 && len(st.SeriousByCause) > 0 {
		sets, err := seriesSets("serious_by_cause", st.SeriousByCause)
		if err != nil {
			return nil, err
		}
		totals, err := yearTotals("serious", st.Serious)
		if err != nil {
			return nil, err
		}
		title := txt(lang, "重大な事故の発生件数の推移（発生原因別）", "Serious accidents per fiscal year, by cause")
		notes := suppressedNotes(lang, st, sets, cats)
		add("serious-by-cause", title, notes, vbars(vbarSpec{title: title, cats: cats, series: sets, stacked: true, totals: totals, unit: unit, notes: notes}))
	}
	if n > 0 && len(st.SeriousByService) > 0 {
		sets, err := seriesSets("serious_by_service", st.SeriousByService)
		if err != nil {
			return nil, err
		}
		title := txt(lang, "重大な事故の発生件数の推移（役務別）", "Serious accidents per fiscal year, by service")
		notes := append([]string{txt(lang, "複数の役務に重大な影響を与えた事故は、役務ごとに計上している。",
			"An accident that hit several services seriously counts once for each.")}, suppressedNotes(lang, st, sets, cats)...)
		add("serious-by-service", title, notes, vbars(vbarSpec{title: title, cats: cats, series: sets, unit: unit, notes: notes}))
	}
	if n > 0 && (len(st.QuarterlyByCause) > 0 || len(st.Quarterly) > 0) {
		sets, err := seriesSets("quarterly_by_cause", st.QuarterlyByCause)
		if err != nil {
			return nil, err
		}
		totals, err := yearTotals("quarterly", st.Quarterly)
		if err != nil {
			return nil, err
		}
		if len(sets) == 0 { // the totals alone
			sets = []barSet{{Name: txt(lang, "四半期報告事故", "Quarterly-report accidents"), Values: floats(totals)}}
		}
		title := txt(lang, "四半期報告事故の件数の推移（発生原因別）", "Quarterly-report accidents per fiscal year, by cause")
		notes := suppressedNotes(lang, st, sets, cats)
		add("quarterly-by-cause", title, notes, vbars(vbarSpec{title: title, cats: cats, series: sets, stacked: true, totals: totals, unit: unit, notes: notes}))
	}
	year := fyName(lang, r.FiscalYear)
	for _, b := range []struct {
		id, ja, en string
		cells      []Cell
	}{
		{"quarterly-duration", "四半期報告事故の継続時間別件数（%s）", "Quarterly-report accidents by duration, %s", st.QuarterlyDuration},
		{"quarterly-users", "四半期報告事故の影響利用者数別件数（%s）", "Quarterly-report accidents by users affected, %s", st.QuarterlyUsers},
	} {
		if len(b.cells) == 0 {
			continue
		}
		cs := make([]string, len(b.cells))
		vals := make([]*int, len(b.cells))
		var hidden []string
		for i, c := range b.cells {
			cs[i] = labelName(c.Label, lang)
			vals[i] = c.Count
			if c.Count == nil {
				hidden = append(hidden, cs[i])
			}
		}
		var notes []string
		if len(hidden) > 0 {
			notes = []string{suppressedNote(lang, st.MinOperators) + txt(lang, "（", " (") + strings.Join(hidden, txt(lang, "、", ", ")) + txt(lang, "）", ")")}
		}
		title := fmt.Sprintf(txt(lang, b.ja, b.en), year)
		sets := []barSet{{Name: txt(lang, "件数", "Accidents"), Values: floats(vals)}}
		add(b.id, title, notes, hbars(hbarSpec{title: title, cats: cs, series: sets, notes: notes}))
	}
	for i, s := range r.Surveys {
		if len(s.Lessons) == 0 {
			continue
		}
		cs := make([]string, len(s.Lessons))
		impl := make([]*float64, len(s.Lessons))
		eff := make([]*float64, len(s.Lessons))
		noImpl := false
		for j, l := range s.Lessons {
			cs[j] = l.ID
			v := l.ImplementedShare
			impl[j] = &v
			eff[j] = l.EffectiveShare
			noImpl = noImpl || l.EffectiveShare == nil
		}
		title := txt(lang, "フォローアップ調査：教訓ごとの実施率・有効率（", "Follow-up survey: shares implemented and effective per lesson (") +
			s.Title + txt(lang, "）", ")")
		th := thresholdText(s.ClassThreshold())
		notes := []string{txt(lang, "実施率＝実施済み（新規実施・見直し）÷回答数、有効率＝有効と回答した数÷実施済み。破線は"+th+"。",
			"Implemented = done (newly or revised) ÷ answers; effective = effective ÷ implemented. Dashed line: "+th+".")}
		if noImpl {
			notes = append(notes, txt(lang, "「—」: 実施済みの回答がなく有効率を算出できない。", "“—”: no answer implemented it, so no share effective."))
		}
		sets := []barSet{
			{Name: txt(lang, "実施率", "Implemented"), Values: impl},
			{Name: txt(lang, "有効率", "Effective"), Values: eff},
		}
		add(fmt.Sprintf("survey-%d", i+1), title, notes, hbars(hbarSpec{title: title, cats: cs, series: sets, percent: true, ref: s.ClassThreshold(), notes: notes}))
	}
	return out, nil
}

// suppressedNotes is the footnote of a multi-year chart naming its
// suppressed values, or nothing.
func suppressedNotes(lang string, st *Statistics, sets []barSet, cats []string) []string {
	var hidden []string
	for _, s := range sets {
		var years []string
		for i, v := range s.Values {
			if v == nil {
				years = append(years, fyName(lang, st.Years[i]))
			}
		}
		if len(years) > 0 {
			hidden = append(hidden, s.Name+txt(lang, "（", " (")+strings.Join(years, txt(lang, "、", ", "))+txt(lang, "）", ")"))
		}
	}
	if len(hidden) == 0 {
		return nil
	}
	return []string{suppressedNote(lang, st.MinOperators) + txt(lang, "非公表の値はグラフに含めていない（＊印の年度）: ", " Values not published are left out of the bars (years marked *): ") +
		strings.Join(hidden, txt(lang, "、", "; "))}
}

func floats(v []*int) []*float64 {
	out := make([]*float64, len(v))
	for i, x := range v {
		if x != nil {
			f := float64(*x)
			out[i] = &f
		}
	}
	return out
}

// barSet is one series of bars: nil values are not published.
type barSet struct {
	Name   string
	Values []*float64
}

// The look of the charts: the site's ink, lines and accent (kensho.css).
var chartPalette = []string{"#0b5cad", "#e07b39", "#3d9970", "#8e99a6", "#b3261e", "#7e57c2"}

const (
	chartWidth      = 720.0
	chartPad        = 16.0
	chartFont       = 12.0
	chartInk        = "#1d2733"
	chartMuted      = "#5b6b7b"
	chartGrid       = "#d8dee6"
	chartRef        = "#b3261e"
	chartFontFamily = `'Noto Sans CJK JP','Noto Sans JP','Hiragino Sans','Yu Gothic',sans-serif`
)

// textWidth estimates the width of s at size: a full-width character is
// one em, anything else about 0.6 em (Noto Sans CJK's proportional Latin).
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w += size
		default:
			if r == ' ' || r == ',' || r == '.' || r == ':' {
				w += 0.3 * size
			} else {
				w += 0.6 * size
			}
		}
	}
	return w
}

// wrapText breaks s into lines no wider than max at size: at spaces for
// English, anywhere for Japanese.
func wrapText(s string, size, max float64) []string {
	var lines []string
	var cur strings.Builder
	curW := 0.0
	lastSpace := -1
	for _, r := range s {
		rw := textWidth(string(r), size)
		if curW+rw > max && cur.Len() > 0 {
			line := cur.String()
			rest := ""
			if lastSpace > 0 && r != ' ' {
				line, rest = line[:lastSpace], line[lastSpace+1:]
			}
			lines = append(lines, strings.TrimSpace(line))
			cur.Reset()
			cur.WriteString(rest)
			curW = textWidth(rest, size)
			lastSpace = -1
			if r == ' ' {
				continue
			}
		}
		if r == ' ' {
			lastSpace = cur.Len()
		}
		cur.WriteRune(r)
		curW += rw
	}
	if cur.Len() > 0 {
		lines = append(lines, strings.TrimSpace(cur.String()))
	}
	return lines
}

// svgDoc writes one chart.
type svgDoc struct {
	b bytes.Buffer
}

var svgEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

func svgNum(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func (s *svgDoc) start(w, h float64, title string) {
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" font-family="%s" font-size="%s">`,
		svgNum(w), svgNum(h), svgNum(w), svgNum(h), svgEscaper.Replace(chartFontFamily), svgNum(chartFont))
	fmt.Fprintf(&s.b, `<title>%s</title><rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`, svgEscaper.Replace(title), svgNum(w), svgNum(h))
}

func (s *svgDoc) end() []byte {
	s.b.WriteString("</svg>\n")
	return s.b.Bytes()
}

func (s *svgDoc) rect(x, y, w, h float64, fill string) {
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, svgNum(x), svgNum(y), svgNum(w), svgNum(h), fill)
}

func (s *svgDoc) line(x1, y1, x2, y2 float64, stroke string, dashed bool) {
	dash := ""
	if dashed {
		dash = ` stroke-dasharray="5 4"`
	}
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"%s/>`, svgNum(x1), svgNum(y1), svgNum(x2), svgNum(y2), stroke, dash)
}

// text draws t at x, y; anchor is start, middle or end.
func (s *svgDoc) text(x, y float64, t, anchor, fill string, size float64) {
	attrs := ""
	if anchor != "start" {
		attrs += ` text-anchor="` + anchor + `"`
	}
	if size != chartFont {
		attrs += ` font-size="` + svgNum(size) + `"`
	}
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" fill="%s"%s>%s</text>`, svgNum(x), svgNum(y), fill, attrs, svgEscaper.Replace(t))
}

// legend draws the series' swatches and names from y, wrapping within the
// width; it returns the height it took.
func (s *svgDoc) legend(sets []barSet, y float64, draw bool) float64 {
	x := chartPad
	rows := 1.0
	for i, set := range sets {
		w := 12 + 4 + textWidth(set.Name, chartFont) + 16
		if x+w > chartWidth-chartPad && x > chartPad {
			x = chartPad
			rows++
		}
		if draw {
			yy := y + (rows-1)*20
			s.rect(x, yy, 12, 12, chartPalette[i%len(chartPalette)])
			s.text(x+16, yy+11, set.Name, "start", chartInk, chartFont)
		}
		x += w
	}
	return rows * 20
}

// notes draws the footnote lines from y and returns the height taken.
func (s *svgDoc) notes(notes []string, y float64, draw bool) float64 {
	h := 0.0
	for _, n := range notes {
		for _, l := range wrapText(n, 11, chartWidth-2*chartPad) {
			if draw {
				s.text(chartPad, y+h+11, l, "start", chartMuted, 11)
			}
			h += 16
		}
	}
	return h
}

// niceScale is the top of an axis holding max and its step: about five
// steps of 1, 2 or 5 × 10ⁿ.
func niceScale(max float64) (top, step float64) {
	if max <= 0 {
		return 1, 1
	}
	raw := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		step = m * mag
		if step >= raw {
			break
		}
	}
	if step < 1 {
		step = 1
	}
	top = math.Ceil(max/step) * step
	if top == max && max > 0 { // room above the highest bar's label
		top += step
	}
	return top, step
}

// vbarSpec is a chart of vertical bars over the categories (years).
type vbarSpec struct {
	title string
	// cats may have two lines, "2014\n平成26".
	cats    []string
	series  []barSet
	stacked bool
	// totals are the stacks' labels (stacked only); nil: the sums.
	totals []*int
	unit   string
	notes  []string
}

func vbars(c vbarSpec) []byte {
	var s svgDoc
	n := len(c.cats)
	legendH := s.legend(c.series, 0, false)
	notesH := s.notes(c.notes, 0, false)
	plotH := 240.0
	top := chartPad + legendH + 22
	bottom := top + plotH
	catH := 34.0
	h := bottom + catH + 8 + notesH + chartPad
	s.start(chartWidth, h, c.title)
	s.legend(c.series, chartPad, true)

	// The axis: the highest stack or bar.
	max := 0.0
	partial := make([]bool, n)
	sums := make([]float64, n)
	for i := 0; i < n; i++ {
		for _, set := range c.series {
			v := set.Values[i]
			if v == nil {
				partial[i] = true
				continue
			}
			sums[i] += *v
			if !c.stacked && *v > max {
				max = *v
			}
		}
		if c.stacked {
			if c.totals != nil && c.totals[i] != nil && float64(*c.totals[i]) > sums[i] {
				max = math.Max(max, float64(*c.totals[i]))
			}
			max = math.Max(max, sums[i])
		}
	}
	axisTop, step := niceScale(max)
	tickW := textWidth(digits(int64(axisTop)), chartFont)
	x0 := chartPad + tickW + 8
	x1 := chartWidth - chartPad
	yOf := func(v float64) float64 { return bottom - v/axisTop*plotH }
	for v := 0.0; v <= axisTop+step/2; v += step {
		y := yOf(v)
		s.line(x0, y, x1, y, chartGrid, false)
		s.text(x0-6, y+4, digits(int64(v)), "end", chartMuted, chartFont)
	}
	if c.unit != "" {
		s.text(x0-6, top-10, "("+c.unit+")", "end", chartMuted, 11)
	}
	slot := (x1 - x0) / float64(n)
	for i := 0; i < n; i++ {
		cx := x0 + slot*(float64(i)+0.5)
		if c.stacked {
			bw := slot * 0.6
			acc := 0.0
			for k, set := range c.series {
				v := set.Values[i]
				if v == nil || *v <= 0 {
					continue
				}
				s.rect(cx-bw/2, yOf(acc+*v), bw, *v/axisTop*plotH, chartPalette[k%len(chartPalette)])
				acc += *v
			}
			label := digits(int64(sums[i]))
			if c.totals != nil {
				label = cellText(c.totals[i])
				if c.totals[i] != nil {
					acc = math.Max(acc, float64(*c.totals[i]))
				}
			}
			if partial[i] {
				label += "*"
			}
			s.text(cx, yOf(acc)-4, label, "middle", chartInk, 11)
		} else {
			gw := slot * 0.84
			bw := gw / float64(len(c.series))
			for k, set := range c.series {
				bx := cx - gw/2 + bw*float64(k)
				v := set.Values[i]
				switch {
				case v == nil:
					s.text(bx+bw/2, bottom-3, Suppressed, "middle", chartMuted, 9)
				case *v > 0:
					s.rect(bx+0.5, yOf(*v), bw-1, *v/axisTop*plotH, chartPalette[k%len(chartPalette)])
				}
			}
		}
		for j, l := range strings.Split(c.cats[i], "\n") {
			col := chartInk
			if j > 0 {
				col = chartMuted
			}
			s.text(cx, bottom+16+float64(j)*15, l, "middle", col, 11)
		}
	}
	s.line(x0, bottom, x1, bottom, chartMuted, false)
	s.notes(c.notes, bottom+catH+8, true)
	return s.end()
}

// hbarSpec is a chart of horizontal bars, one group per category.
type hbarSpec struct {
	title  string
	cats   []string
	series []barSet
	// percent: values are shares 0–1 on an axis to 100 %.
	percent bool
	// ref draws a dashed line at this value (0: none).
	ref   float64
	notes []string
}

func hbars(c hbarSpec) []byte {
	var s svgDoc
	legendH := 0.0
	if len(c.series) > 1 {
		legendH = s.legend(c.series, 0, false)
	}
	notesH := s.notes(c.notes, 0, false)
	labelW := 0.0
	for _, cat := range c.cats {
		labelW = math.Max(labelW, textWidth(cat, chartFont))
	}
	labelW = math.Min(labelW, 300)
	barH := 16.0
	groupH := barH*float64(len(c.series)) + 12
	top := chartPad + legendH + 18
	plotH := groupH * float64(len(c.cats))
	bottom := top + plotH
	h := bottom + 24 + 8 + notesH + chartPad
	s.start(chartWidth, h, c.title)
	if len(c.series) > 1 {
		s.legend(c.series, chartPad, true)
	}
	x0 := chartPad + labelW + 10
	x1 := chartWidth - chartPad - 64
	max := 0.0
	for _, set := range c.series {
		for _, v := range set.Values {
			if v != nil && *v > max {
				max = *v
			}
		}
	}
	axisMax, step := 1.0, 0.2
	if !c.percent {
		axisMax, step = niceScale(max)
	}
	xOf := func(v float64) float64 { return x0 + v/axisMax*(x1-x0) }
	label := func(v float64) string {
		if c.percent {
			return pctText(v)
		}
		return digits(int64(math.Round(v)))
	}
	for v := 0.0; v <= axisMax+step/2; v += step {
		x := xOf(v)
		s.line(x, top-4, x, bottom, chartGrid, false)
		t := digits(int64(math.Round(v)))
		if c.percent {
			t = strconv.Itoa(int(math.Round(v*100))) + "%"
		}
		s.text(x, bottom+16, t, "middle", chartMuted, 11)
	}
	for i, cat := range c.cats {
		gy := top + groupH*float64(i) + 6
		s.text(x0-8, gy+groupH/2-2, cat, "end", chartInk, chartFont)
		for k, set := range c.series {
			y := gy + barH*float64(k)
			v := set.Values[i]
			if v == nil {
				s.text(x0+4, y+barH-4, Suppressed, "start", chartMuted, 11)
				continue
			}
			s.rect(x0, y+1, math.Max(xOf(*v)-x0, 0), barH-2, chartPalette[k%len(chartPalette)])
			s.text(xOf(*v)+4, y+barH-4, label(*v), "start", chartInk, 11)
		}
	}
	s.line(x0, top-4, x0, bottom, chartMuted, false)
	if c.ref > 0 {
		x := xOf(c.ref)
		s.line(x, top-8, x, bottom, chartRef, true)
		s.text(x, top-10, label(c.ref), "middle", chartRef, 11)
	}
	s.notes(c.notes, bottom+24+8, true)
	return s.end()
}
