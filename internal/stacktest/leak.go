package stacktest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The leak matrix's data, shared by the API and the page tests: demo cases
// standing for each tier situation, the sections each role must see of
// them, and markers planted in every section.

// The section names, as the case JSON and the case page's ids spell them.
const (
	Overview   = "overview"
	Anonymised = "anonymised"
	Restricted = "restricted"
	Own        = "own"
	Committee  = "committee"
)

// Sections are all sections, in page order.
var Sections = []string{Overview, Anonymised, Restricted, Own, Committee}

// Target is a demo case standing for one tier situation.
type Target struct {
	Ref  string
	What string
}

// Targets are the cases of the matrix.
var Targets = []Target{
	{"2018-001", "published serious accident (SoftBank)"},
	{"2019-001", "unpublished accident of J:COM East and KDDI, shared with NTT Docomo"},
	{"2020-004", "unpublished accident of NTT Docomo, not shared"},
	{"DEMO-NM-2023-001", "near-miss of KDDI with an approved anonymised summary"},
	{"DEMO-NM-2024-001", "near-miss of NTT Docomo with a draft summary"},
}

// Want is role → ref → the sections that role sees (nil: the case is
// invisible, a 404). "anonymous" is a caller without credentials.
var Want = map[string]map[string][]string{
	"secretariat": {
		"2018-001": {Overview, Restricted, Own, Committee}, "2019-001": {Overview, Restricted, Own, Committee},
		"2020-004":         {Overview, Restricted, Own, Committee},
		"DEMO-NM-2023-001": {Overview, Anonymised, Restricted, Own, Committee}, "DEMO-NM-2024-001": {Overview, Restricted, Own, Committee},
	},
	// An expert with a declared conflict with SoftBank, and none with the others.
	"expert": {
		"2018-001": nil, "2019-001": {Overview, Restricted, Own, Committee}, "2020-004": {Overview, Restricted, Own, Committee},
		"DEMO-NM-2023-001": {Overview, Anonymised, Restricted, Own, Committee}, "DEMO-NM-2024-001": {Overview, Restricted, Own, Committee},
	},
	// KDDI's reporter: its own cases, public parts; a partner without a share.
	"kddi": {
		"2018-001": {Overview}, "2019-001": {Overview, Restricted, Own}, "2020-004": nil,
		"DEMO-NM-2023-001": {Overview, Anonymised, Restricted, Own}, "DEMO-NM-2024-001": nil,
	},
	// NTT Docomo's reporter: its own cases, and 2019-001 shared with it.
	"docomo": {
		"2018-001": {Overview}, "2019-001": {Overview, Restricted}, "2020-004": {Overview, Restricted, Own},
		"DEMO-NM-2023-001": {Anonymised}, "DEMO-NM-2024-001": {Overview, Restricted, Own},
	},
	// A reporter of another operator, not designated.
	"optage": {
		"2018-001": {Overview}, "2019-001": nil, "2020-004": nil, "DEMO-NM-2023-001": {Anonymised}, "DEMO-NM-2024-001": nil,
	},
	"editor": {
		"2018-001": {Overview}, "2019-001": nil, "2020-004": nil, "DEMO-NM-2023-001": {Anonymised}, "DEMO-NM-2024-001": nil,
	},
	"auditor": {
		"2018-001": {Overview}, "2019-001": nil, "2020-004": nil, "DEMO-NM-2023-001": {Anonymised}, "DEMO-NM-2024-001": nil,
	},
	// Administrators see no case content at all.
	"admin": {
		"2018-001": nil, "2019-001": nil, "2020-004": nil, "DEMO-NM-2023-001": nil, "DEMO-NM-2024-001": nil,
	},
	// Without credentials: what is public.
	"anonymous": {
		"2018-001": {Overview}, "2019-001": nil, "2020-004": nil, "DEMO-NM-2023-001": {Anonymised}, "DEMO-NM-2024-001": nil,
	},
}

// Marker is the string planted in a section of case id. It ends in Z so
// that no marker is a prefix of another.
func Marker(section string, id int64) string {
	return fmt.Sprintf("LEAKMARK%s%dZ", strings.ToUpper(section[:2]), id)
}

// Plant puts a marker into every section of every target case.
func (s *Stack) Plant(t testing.TB) {
	t.Helper()
	for _, tg := range Targets {
		id := s.Cases[tg.Ref]
		for _, q := range []struct {
			sql string
			sec string
		}{
			{"UPDATE cases SET summary = summary || ' ' || ? WHERE id = ?", Overview},
			{"UPDATE cases SET detail = ? WHERE id = ?", Restricted},
			{"UPDATE cases SET contacts = ? WHERE id = ?", Own},
			{"UPDATE cases SET committee_notes = ? WHERE id = ?", Committee},
			{"UPDATE near_miss_summaries SET text = text || ' ' || ? WHERE case_id = ? AND status = 'approved'", Anonymised},
			// A draft summary is committee material.
			{"UPDATE near_miss_summaries SET text = ? || 'draft' WHERE case_id = ? AND status = 'draft'", Committee},
		} {
			if err := s.DB.Exec(q.sql, Marker(q.sec, id), id).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Forbidden lists the markers role may not see, over all targets.
func (s *Stack) Forbidden(role string) []string {
	var out []string
	for _, tg := range Targets {
		id := s.Cases[tg.Ref]
		for _, sec := range Sections {
			if !slices.Contains(Want[role][tg.Ref], sec) {
				out = append(out, Marker(sec, id))
			}
		}
	}
	return out
}

// NoMarkers fails t for every marker of markers found in body.
func NoMarkers(t testing.TB, body string, markers []string, where string) {
	t.Helper()
	for _, m := range markers {
		if strings.Contains(body, m) {
			t.Errorf("%s leaks %s", where, m)
		}
	}
}
