package triage

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/intake"
)

// source is one document as PostgreSQL holds it.
type source struct {
	caseID, rowID, org int64
	kind               string
	summary            string
	// Restricted text: cause, detail, measures, impact descriptions.
	causeText, detail, measures, descriptions string
	anonText                                  string
	class, archetype, situation, equipment    string
	services                                  []string
	operators                                 []int64
	published                                 bool
	raisedOv, raisedRs                        string
}

// restrictedText is the text of the restricted part, in the order
// QueryText gives it.
func (s *source) restrictedText() string {
	return joinNonEmpty(s.causeText, s.detail, s.measures, s.descriptions)
}

func joinNonEmpty(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "\n")
}

// QueryText is the text the engine indexes for a case: its summary, then
// the cause, detail, measures and impact descriptions, one per line. The
// pg_trgm baseline of the benchmarks indexes the same text.
func QueryText(c *caseformat.Case) string {
	s := sourceOf(c)
	return joinNonEmpty(s.summary, s.restrictedText())
}

// sourceOf is a case not (necessarily) stored: a query from the command
// line or a benchmark.
func sourceOf(c *caseformat.Case) *source {
	s := &source{kind: string(c.Kind), summary: c.Summary, detail: c.Detail, measures: c.Measures}
	if c.Cause != nil {
		s.causeText, s.class, s.archetype = c.Cause.Text, c.Cause.Class, c.Cause.Archetype
	}
	var ds []string
	for _, im := range c.Impacts {
		ds = append(ds, im.Description)
		if !slices.Contains(s.services, string(im.Service)) {
			s.services = append(s.services, string(im.Service))
		}
	}
	s.descriptions = joinNonEmpty(ds...)
	if c.NearMiss != nil {
		s.situation = c.NearMiss.Situation
	}
	if it, err := intake.ItemsOf(*c); err == nil && it != nil {
		s.equipment = it.EquipmentType
	}
	return s
}

// The documents' query: one row per case, its children folded in, so
// that a full build is one pass over the tables.
const casesQuery = `
SELECT c.id, c.kind, c.summary, c.detail, c.measures, c.published_at IS NOT NULL,
       COALESCE(c.near_miss->>'situation', ''), COALESCE(c.extra->'report'->>'equipment_type', ''),
       COALESCE(ca.class, ''), COALESCE(ca.archetype, ''), COALESCE(ca.text, ''),
       COALESCE((SELECT string_agg(i.description, E'\n' ORDER BY i.position) FROM impacts i WHERE i.case_id = c.id), ''),
       COALESCE((SELECT string_agg(DISTINCT i.service, ',') FROM impacts i WHERE i.case_id = c.id), ''),
       COALESCE((SELECT string_agg(o.organisation_id::text, ',' ORDER BY o.position) FROM case_operators o WHERE o.case_id = c.id), ''),
       COALESCE((SELECT r.tier FROM case_tier_raises r WHERE r.case_id = c.id AND r.section = 'overview'), ''),
       COALESCE((SELECT r.tier FROM case_tier_raises r WHERE r.case_id = c.id AND r.section = 'restricted'), ''),
       COALESCE((SELECT n.text FROM near_miss_summaries n WHERE n.case_id = c.id AND n.status = 'approved'), '')
FROM cases c LEFT JOIN causes ca ON ca.case_id = c.id`

// Only the detailed form describes an accident; simple-form rows are counts.
const rowsQuery = `
SELECT q.id, q.organisation_id, q.summary, COALESCE(q.service, ''), COALESCE(q.cause_class, ''),
       COALESCE(q.cause_archetype, ''), q.equipment_type
FROM quarterly_rows q WHERE q.form = 'detailed'`

// loadSources streams the cases (ids nil: all of them) and, when rows is
// set, the detailed quarterly rows (ids nil: all).
func loadSources(ctx context.Context, gdb *gorm.DB, caseIDs, rowIDs []int64, all bool, out func(*source) error) error {
	db := gdb.WithContext(ctx)
	var rows *sql.Rows
	var err error
	if all {
		rows, err = db.Raw(casesQuery).Rows()
	} else if len(caseIDs) > 0 {
		rows, err = db.Raw(casesQuery+" WHERE c.id IN ?", caseIDs).Rows()
	}
	if err != nil {
		return err
	}
	if rows != nil {
		if err := scanCases(rows, out); err != nil {
			return err
		}
	}
	rows = nil
	if all {
		rows, err = db.Raw(rowsQuery).Rows()
	} else if len(rowIDs) > 0 {
		rows, err = db.Raw(rowsQuery+" AND q.id IN ?", rowIDs).Rows()
	}
	if err != nil {
		return err
	}
	if rows == nil {
		return nil
	}
	defer rows.Close()
	for rows.Next() {
		s := &source{kind: DocQuarterly}
		var service string
		if err := rows.Scan(&s.rowID, &s.org, &s.summary, &service, &s.class, &s.archetype, &s.equipment); err != nil {
			return err
		}
		if service != "" {
			s.services = []string{service}
		}
		if err := out(s); err != nil {
			return err
		}
	}
	return rows.Err()
}

func scanCases(rows *sql.Rows, out func(*source) error) error {
	defer rows.Close()
	for rows.Next() {
		s := &source{}
		var services, operators string
		if err := rows.Scan(&s.caseID, &s.kind, &s.summary, &s.detail, &s.measures, &s.published,
			&s.situation, &s.equipment, &s.class, &s.archetype, &s.causeText, &s.descriptions,
			&services, &operators, &s.raisedOv, &s.raisedRs, &s.anonText); err != nil {
			return err
		}
		if services != "" {
			s.services = strings.Split(services, ",")
		}
		for _, o := range strings.Split(operators, ",") {
			if n, err := strconv.ParseInt(o, 10, 64); err == nil {
				s.operators = append(s.operators, n)
			}
		}
		if err := out(s); err != nil {
			return err
		}
	}
	return rows.Err()
}

// entry analyses a source into a document of the index.
func (a *analyzer) entry(s *source) *entry {
	e := &entry{equipment: s.equipment}
	d := &e.d
	d.caseID, d.rowID, d.org = s.caseID, s.rowID, s.org
	d.kind = kindCode(s.kind)
	d.f.class = code(caseformat.CauseClasses, s.class)
	d.f.archetype = code(caseformat.CauseArchetypes, s.archetype)
	d.f.situation = code(caseformat.NearMissSituations, s.situation)
	for _, sv := range s.services {
		if i := slices.Index(caseformat.Services, caseformat.Service(sv)); i >= 0 && i < 8 {
			d.f.services |= 1 << i
		}
	}
	d.f.operators = s.operators
	if s.rowID != 0 {
		d.ovTier, d.rsTier = tierQuarterly, tierQuarterly
		e.sections = []section{{tier: tierQuarterly, a: a.analyze(s.summary)}}
		return e
	}
	kind := caseformat.Kind(s.kind)
	d.ovTier = tierCode(casefile.SectionTier(casefile.SectionOverview, kind, s.published, access.Tier(s.raisedOv)))
	d.rsTier = tierCode(casefile.SectionTier(casefile.SectionRestricted, kind, s.published, access.Tier(s.raisedRs)))
	e.sections = []section{
		{tier: d.ovTier, a: a.analyze(s.summary)},
		{tier: d.rsTier, a: a.analyze(s.restrictedText())},
	}
	if s.anonText != "" {
		d.anon = true
		e.sections = append(e.sections, section{tier: tierAnonymised, a: a.analyze(s.anonText)})
	}
	return e
}

var docKinds = []string{DocAccident, DocNearMiss, DocInformation, DocQuarterly}

func kindCode(k string) uint8 {
	if i := slices.Index(docKinds, k); i >= 0 {
		return uint8(i)
	}
	return 0
}

// code is 1 + the index of v in vocabulary, 0 when v is empty or unknown.
func code(vocabulary []string, v string) uint8 {
	if i := slices.Index(vocabulary, v); i >= 0 {
		return uint8(i + 1)
	}
	return 0
}
