package triage

import (
	"slices"

	"kensho/internal/access"
)

// The tiers a section of the index can carry, as small codes.
var tierCodes = []access.Tier{access.Public, access.Anonymised, access.Restricted, access.Own, access.Committee, access.Quarterly}

const nTiers = 6

const (
	tierPublic uint8 = iota
	tierAnonymised
	tierRestricted
	tierOwn
	tierCommittee
	tierQuarterly
)

func tierCode(t access.Tier) uint8 {
	for i, x := range tierCodes {
		if x == t {
			return uint8(i)
		}
	}
	// An unknown tier is the most closed: nobody but the committee reads it.
	return tierCommittee
}

// unit is one section of a document as the index holds it: the text of
// one tier, so that a caller's score only ever counts sections it may read.
type unit struct {
	doc    uint32
	tier   uint8
	dead   bool // here, not only on the doc: the ranking loop reads units only
	length uint16
}

// facets are the coded grounds of a match besides wording. Each group
// carries the tier of the section it is read from.
type facets struct {
	services  uint8 // bit per service code
	class     uint8 // 1 + index in caseformat.CauseClasses; 0: unknown
	archetype uint8 // 1 + index in caseformat.CauseArchetypes
	situation uint8 // 1 + index in caseformat.NearMissSituations
	equipment uint16
	operators []int64
}

// doc is a case or a quarterly-report row in the index.
type doc struct {
	caseID int64
	rowID  int64
	// org is a quarterly row's organisation (whose reports it is).
	org  int64
	kind uint8
	f    facets
	// Tiers of the facets: services, class and operators come with the
	// overview; archetype, equipment and situation with the restricted
	// part. An approved anonymised summary shows class, archetype and
	// situation to anyone.
	ovTier, rsTier uint8
	anon           bool
	units          []uint32
	dead           bool
}

// index is the in-memory inverted index. It is not safe for concurrent
// use on its own: Engine guards it.
type index struct {
	dict   map[string]uint32
	terms  []string
	post   [][]uint32 // unit ids, ascending
	tf     [][]uint8  // term frequency, capped at 255, parallel to post
	units  []unit
	docs   []doc
	byCase map[int64]uint32
	byRow  map[int64]uint32
	// byOrg: the documents of each operator (a quarterly row's
	// organisation), for the visibility of reporters and partners.
	byOrg  map[int64][]uint32
	equip  map[string]uint16
	equipN []string

	// Live totals per tier, for BM25's N and average length.
	liveUnits [nTiers]int
	liveLen   [nTiers]int64
	deadUnits int
	liveDocs  int
}

func newIndex() *index {
	return &index{dict: map[string]uint32{}, byCase: map[int64]uint32{}, byRow: map[int64]uint32{},
		byOrg: map[int64][]uint32{}, equip: map[string]uint16{}, equipN: []string{""}}
}

// section is one tier's text of a document, analysed.
type section struct {
	tier uint8
	a    analysis
}

// entry is a document ready to be added.
type entry struct {
	d        doc
	sections []section
	// equipment is the id of the equipment type ("" none), coded on add.
	equipment string
}

func (ix *index) equipmentCode(id string) uint16 {
	if id == "" {
		return 0
	}
	if c, ok := ix.equip[id]; ok {
		return c
	}
	c := uint16(len(ix.equipN))
	ix.equip[id] = c
	ix.equipN = append(ix.equipN, id)
	return c
}

// add puts e in the index, replacing the document of the same case or row.
func (ix *index) add(e *entry) {
	if e.d.caseID != 0 {
		ix.remove(e.d.caseID, 0)
	} else {
		ix.remove(0, e.d.rowID)
	}
	d := e.d
	d.f.equipment = ix.equipmentCode(e.equipment)
	id := uint32(len(ix.docs))
	for _, s := range e.sections {
		if s.a.length == 0 {
			continue
		}
		u := uint32(len(ix.units))
		ix.units = append(ix.units, unit{doc: id, tier: s.tier, length: uint16(min(s.a.length, 65535))})
		d.units = append(d.units, u)
		ix.liveUnits[s.tier]++
		ix.liveLen[s.tier] += int64(s.a.length)
		for _, tc := range s.a.terms {
			t, ok := ix.dict[tc.term]
			if !ok {
				t = uint32(len(ix.terms))
				ix.dict[tc.term] = t
				ix.terms = append(ix.terms, tc.term)
				ix.post = append(ix.post, nil)
				ix.tf = append(ix.tf, nil)
			}
			ix.post[t] = append(ix.post[t], u)
			ix.tf[t] = append(ix.tf[t], uint8(min(tc.count, 255)))
		}
	}
	ix.docs = append(ix.docs, d)
	ix.liveDocs++
	if d.caseID != 0 {
		ix.byCase[d.caseID] = id
		for _, o := range d.f.operators {
			ix.byOrg[o] = append(ix.byOrg[o], id)
		}
	} else {
		ix.byRow[d.rowID] = id
		ix.byOrg[d.org] = append(ix.byOrg[d.org], id)
	}
}

// remove drops the document of a case (or of a quarterly row). Its
// postings stay, skipped as dead, until the next rebuild.
func (ix *index) remove(caseID, rowID int64) {
	var id uint32
	var ok bool
	if caseID != 0 {
		id, ok = ix.byCase[caseID]
		delete(ix.byCase, caseID)
	} else {
		id, ok = ix.byRow[rowID]
		delete(ix.byRow, rowID)
	}
	if !ok {
		return
	}
	d := &ix.docs[id]
	d.dead = true
	ix.liveDocs--
	for _, u := range d.units {
		ix.units[u].dead = true
		un := ix.units[u]
		ix.liveUnits[un.tier]--
		ix.liveLen[un.tier] -= int64(un.length)
		ix.deadUnits++
	}
}

// compact trims the postings' spare capacity after a build.
func (ix *index) compact() {
	for i := range ix.post {
		ix.post[i] = slices.Clip(slices.Clone(ix.post[i]))
		ix.tf[i] = slices.Clip(slices.Clone(ix.tf[i]))
	}
	ix.units = slices.Clip(ix.units)
	ix.docs = slices.Clip(ix.docs)
}

// has reports whether unit u contains term t.
func (ix *index) has(t uint32, u uint32) bool {
	_, ok := slices.BinarySearch(ix.post[t], u)
	return ok
}

// memory estimates the bytes the index holds (postings, units, documents
// and the dictionary), for the operators' dashboard and the benchmarks.
func (ix *index) memory() int64 {
	var n int64
	for i := range ix.post {
		n += int64(cap(ix.post[i]))*4 + int64(cap(ix.tf[i])) + 48
	}
	for _, t := range ix.terms {
		// The dictionary holds the string once (map key and terms share
		// it) plus the map's entry.
		n += int64(len(t)) + 16 + 40
	}
	n += int64(cap(ix.units)) * 8
	for i := range ix.docs {
		n += 96 + int64(cap(ix.docs[i].units))*4 + int64(cap(ix.docs[i].f.operators))*8
	}
	n += int64(len(ix.byCase)+len(ix.byRow)) * 24
	return n
}
