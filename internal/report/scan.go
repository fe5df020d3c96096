package report

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"

	"kensho/internal/redact"
)

// Finding is a span the leak scanner found in a report. Where says where:
// a JSON path of the report for its texts (near_misses[0].text), or the
// output and place for what only an output holds (xlsx 概要!B3, html).
// Blocking findings stop the publication: an operator's name or brand in
// a part that must be anonymous, or in any output an organisation the
// report does not name in a public part. The others are for the editors'
// eyes (a place or an equipment name in an anonymous text).
type Finding struct {
	Where    string `json:"where"`
	Text     string `json:"text"`
	Kind     string `json:"kind"`
	Org      string `json:"org,omitempty"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Context  string `json:"context"`
	Blocking bool   `json:"blocking"`
}

// segment is one text of the report and whether names may appear in it.
type segment struct {
	where string
	text  string
	named bool
}

// segments are every text of r that a reader reads. The parts published
// with the operator's name (SPEC §6: a serious accident's overview,
// published guidance) are named; everything else — the editors' text,
// the near-misses, the lessons, the survey — must name no operator.
func segments(r *Report) []segment {
	var out []segment
	add := func(named bool, text, format string, args ...any) {
		if text != "" {
			out = append(out, segment{where: fmt.Sprintf(format, args...), text: text, named: named})
		}
	}
	add(false, r.Foreword, "foreword")
	add(false, r.Correction, "correction")
	for i, s := range r.Serious {
		add(true, s.Ref, "serious_accidents[%d].ref", i)
		for k, o := range s.Operators {
			add(true, o, "serious_accidents[%d].operators[%d]", i, k)
		}
		add(true, s.Area, "serious_accidents[%d].area", i)
		add(true, s.Summary, "serious_accidents[%d].summary", i)
		add(true, s.Measures, "serious_accidents[%d].measures", i)
		for k, l := range s.Lessons {
			add(false, l.JA, "serious_accidents[%d].lessons[%d].ja", i, k)
			add(false, l.EN, "serious_accidents[%d].lessons[%d].en", i, k)
		}
	}
	for i, n := range r.NearMisses {
		add(false, n.Text, "near_misses[%d].text", i)
		for k, l := range n.Lessons {
			add(false, l.JA, "near_misses[%d].lessons[%d].ja", i, k)
			add(false, l.EN, "near_misses[%d].lessons[%d].en", i, k)
		}
	}
	for i, t := range r.Lessons {
		for k, l := range t.New {
			add(false, l.JA, "lessons[%d].new[%d].ja", i, k)
			add(false, l.EN, "lessons[%d].new[%d].en", i, k)
		}
		for k, l := range t.Recurring {
			add(false, l.JA, "lessons[%d].recurring[%d].ja", i, k)
			add(false, l.EN, "lessons[%d].recurring[%d].en", i, k)
		}
	}
	for i, g := range r.Guidance {
		add(true, g.Organisation, "guidance[%d].organisation", i)
		add(true, g.Reference, "guidance[%d].reference", i)
		add(true, g.Measures, "guidance[%d].measures", i)
		add(true, g.CaseRef, "guidance[%d].case_ref", i)
	}
	for i, s := range r.Surveys {
		add(false, s.Title, "surveys[%d].title", i)
		for k, l := range s.Lessons {
			add(false, l.JA, "surveys[%d].lessons[%d].ja", i, k)
			add(false, l.EN, "surveys[%d].lessons[%d].en", i, k)
		}
	}
	return out
}

// Scan runs the leak scanner over the report's texts and over each
// output (json, xlsx, html — the document the PDF is printed from): an
// operator named in an anonymous part blocks publication; so does any
// organisation in an output that no public part of the report names,
// wherever it hides (a chart label, a sheet's cell). Places and
// equipment identifiers in anonymous parts are listed, not blocking.
func Scan(sc *redact.Scanner, r *Report, outputs map[string][]byte) ([]Finding, error) {
	out := []Finding{}
	allowed := map[string]bool{}
	reported := map[string]bool{}
	for _, s := range segments(r) {
		if s.named {
			for _, l := range sc.Scan(s.text) {
				allowed[l.Org] = true
			}
			continue
		}
		for _, l := range sc.ScanAll(s.text) {
			blocking := l.Kind == redact.KindOrganisation || l.Kind == redact.KindBrand
			if blocking {
				reported[l.Org+"\x00"+l.Text] = true
			}
			out = append(out, finding(s.where, s.text, l, blocking))
		}
		// Scan's names win where ScanAll saw a longer place or identifier.
		for _, l := range sc.Scan(s.text) {
			if !reported[l.Org+"\x00"+l.Text] {
				reported[l.Org+"\x00"+l.Text] = true
				out = append(out, finding(s.where, s.text, l, true))
			}
		}
	}
	outputText := func(where, text string) {
		for _, l := range sc.Scan(text) {
			if allowed[l.Org] || reported[l.Org+"\x00"+l.Text] {
				continue
			}
			reported[l.Org+"\x00"+l.Text] = true
			out = append(out, finding(where, text, l, true))
		}
	}
	for _, name := range []string{OutputJSON, "html"} {
		if b, ok := outputs[name]; ok {
			outputText(name, string(b))
		}
	}
	if b, ok := outputs[OutputXLSX]; ok && len(b) > 0 {
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("scanning the xlsx: %w", err)
		}
		defer f.Close()
		for _, sheet := range f.GetSheetList() {
			rows, err := f.GetRows(sheet)
			if err != nil {
				return nil, err
			}
			for i, row := range rows {
				for j, cell := range row {
					if cell == "" {
						continue
					}
					ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
					outputText(fmt.Sprintf("xlsx %s!%s", sheet, ref), cell)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if a.Blocking != b.Blocking {
			if a.Blocking {
				return -1
			}
			return 1
		}
		return 0
	})
	return out, nil
}

func finding(where, text string, l redact.Leak, blocking bool) Finding {
	return Finding{Where: where, Text: l.Text, Kind: l.Kind, Org: l.Org, Start: l.Start, End: l.End,
		Context: around(text, l.Start, l.End), Blocking: blocking}
}

// around is the span with up to 20 characters each side.
func around(text string, start, end int) string {
	rs := []rune(text[:start])
	before := string(rs[max(0, len(rs)-20):])
	ra := []rune(text[end:])
	after := string(ra[:min(len(ra), 20)])
	return before + "【" + text[start:end] + "】" + after
}
