// Package redact keeps operators anonymous in what Kenshō publishes about
// near-misses. A near-miss is reported in confidence; the committee publishes
// only an anonymised summary, so that operators keep reporting what almost
// went wrong. An operator is recognised not only by its name but by its
// brands, by where its building stands and by its equipment's names, so a
// proposed summary hides all four, and the secretariat finishes the text by
// hand.
//
// Hand-edited text can let a name back in, so publication goes through a
// gate that does not trust the editor: Scan looks for every name and alias
// the registry holds and every brand, however it is written (full-width,
// upper or lower case, with spaces), and names each span it finds so that the
// refusal can say exactly what to change. Places and equipment are left to
// the editor's judgement (ScanAll reports them as warnings): a place or a
// router model alone rarely names an operator, and blocking on them would
// block too much.
package redact

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Marker replaces what Propose removes.
const Marker = "［匿名化］"

// Kinds of Leak.
const (
	KindOrganisation = "organisation"
	KindBrand        = "brand"
	KindPlace        = "place"
	KindEquipment    = "equipment"
	kindRegion       = "region" // matched so that it is kept, never reported
)

// Org is one organisation of the registry: its name and every alias.
type Org struct {
	Name    string
	Aliases []string
}

// Leak is a forbidden span found in a text. Start and End are byte offsets
// into the original string (text[Start:End] == Text); Kind is "organisation",
// "brand", "place" or "equipment"; Org is the registry name the span belongs
// to ("" for places and equipment).
type Leak struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
	Kind  string `json:"kind"`
	Org   string `json:"org,omitempty"`
}

// Scanner finds names, brands, places and equipment identifiers in texts.
// It is built once from the registry and the rules and never changes, so it
// is safe for concurrent use.
type Scanner struct {
	names    *trie // organisations, brands, prefectures, places, regions
	stops    *trie // municipality stop words
	suffix   map[rune]bool
	maxName  int
	allow    map[string]bool
	units    map[string]bool
	numbered map[string]bool
}

type entry struct {
	kind, org string
}

// trie is a prefix tree over normalised runes.
type trie struct {
	next map[rune]*trie
	e    *entry
}

// add stores e under k unless an entry of a stronger kind is there: a brand
// wins over an alias spelt the same (au), names win over places.
func (t *trie) add(k string, e *entry) {
	if k == "" {
		return
	}
	n := t
	for _, r := range k {
		if n.next == nil {
			n.next = map[rune]*trie{}
		}
		c := n.next[r]
		if c == nil {
			c = &trie{}
			n.next[r] = c
		}
		n = c
	}
	if n.e == nil || storeRank(e.kind) < storeRank(n.e.kind) {
		n.e = e
	}
}

func storeRank(kind string) int {
	switch kind {
	case KindBrand:
		return 0
	case KindOrganisation:
		return 1
	case KindPlace:
		return 2
	default:
		return 3
	}
}

// NewScanner builds a scanner over every name and alias of orgs and the
// brands, places and equipment rules of r (nil: names only, and equipment
// identifiers without exceptions). A brand's organisation is given its
// registry spelling when the registry knows it.
func NewScanner(orgs []Org, r *Rules) *Scanner {
	if r == nil {
		r = &Rules{}
	}
	s := &Scanner{
		names:    &trie{},
		stops:    &trie{},
		suffix:   map[rune]bool{},
		maxName:  r.Municipality.MaxNameRunes,
		allow:    keySet(r.Equipment.Allow),
		units:    keySet(r.Equipment.Units),
		numbered: keySet(r.Equipment.Numbered),
	}
	if s.maxName <= 0 {
		s.maxName = 5
	}
	registry := map[string]string{}
	for _, o := range orgs {
		if k := key(o.Name); k != "" {
			registry[k] = o.Name
		}
	}
	for _, o := range orgs {
		e := &entry{kind: KindOrganisation, org: o.Name}
		s.names.add(key(o.Name), e)
		for _, a := range o.Aliases {
			s.names.add(key(a), e)
		}
	}
	for b, org := range r.Brands {
		if name, ok := registry[key(org)]; ok {
			org = name
		}
		s.names.add(key(b), &entry{kind: KindBrand, org: org})
	}
	place := &entry{kind: KindPlace}
	for _, p := range r.Prefectures {
		s.names.add(key(p), place)
	}
	for _, p := range r.Places {
		s.names.add(key(p), place)
	}
	region := &entry{kind: kindRegion}
	for _, p := range r.Regions {
		s.names.add(key(p), region)
	}
	stop := &entry{kind: "stop"}
	for _, w := range r.Municipality.StopWords {
		s.stops.add(key(w), stop)
	}
	for _, x := range r.Municipality.Suffixes {
		if k := key(x); utf8.RuneCountInString(k) == 1 {
			r, _ := utf8.DecodeRuneInString(k)
			s.suffix[r] = true
		}
	}
	return s
}

func keySet(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, w := range list {
		if k := key(w); k != "" {
			m[k] = true
		}
	}
	return m
}

// span is a finding in a doc: full[a:b]. n is its length in runes with the
// ignorable ones left out; the longest finding wins.
type span struct {
	a, b      int
	n         int
	kind, org string
}

// Scan returns the organisation names, aliases and brands in text, sorted by
// Start and not overlapping (where names overlap, the longest wins). An empty
// result means the text may be published.
func (s *Scanner) Scan(text string) []Leak {
	d := newDoc(text)
	names := s.match(d, s.names, func(k string) bool { return k == KindOrganisation || k == KindBrand })
	return d.leaks(resolve(names))
}

// ScanAll returns names and brands as Scan does and also places finer than a
// region and equipment identifiers, sorted by Start and not overlapping.
// Where findings of different kinds overlap the longest wins, so a name
// inside an identifier (docomo-rt01) is reported as the identifier.
func (s *Scanner) ScanAll(text string) []Leak {
	d := newDoc(text)
	names := s.match(d, s.names, func(string) bool { return true })
	all := append(names, s.municipalities(d, resolve(names))...)
	all = append(all, s.equipment(d)...)
	var out []span
	for _, sp := range resolve(all) {
		if sp.kind != kindRegion {
			out = append(out, sp)
		}
	}
	return d.leaks(out)
}

// Propose returns text with every ScanAll finding replaced by Marker, as the
// first draft of a public summary. Findings that touch (東京都千代田区大手町)
// become one marker. What Scan finds is always replaced, even where a longer
// place or equipment finding overlaps only part of it, so that a proposal
// never fails the publication gate by itself.
func (s *Scanner) Propose(text string) string {
	leaks := append(s.ScanAll(text), s.Scan(text)...)
	sort.Slice(leaks, func(i, j int) bool { return leaks[i].Start < leaks[j].Start })
	var b strings.Builder
	at := -1 // end of the last marker written
	for _, l := range leaks {
		switch {
		case l.Start > at:
			b.WriteString(text[max(at, 0):l.Start])
			b.WriteString(Marker)
			at = l.End
		case l.End > at:
			at = l.End
		}
	}
	b.WriteString(text[max(at, 0):])
	return b.String()
}

// match finds every entry of t in d whose kind keep accepts, overlaps
// included. An entry that begins or ends with an ASCII letter or digit must
// not continue an ASCII word on that side: au is not found in audit.
func (s *Scanner) match(d *doc, t *trie, keep func(string) bool) []span {
	var out []span
	for ci, fa := range d.compact {
		n := t
		for cj := ci; cj < len(d.compact); cj++ {
			fb := d.compact[cj]
			if n = n.next[d.full[fb].r]; n == nil {
				break
			}
			if n.e != nil && keep(n.e.kind) && d.bounded(fa, fb) {
				out = append(out, span{a: fa, b: fb + 1, n: cj - ci + 1, kind: n.e.kind, org: n.e.org})
			}
		}
	}
	return out
}

// bounded tells whether full[fa..fb] stands apart from the ASCII words
// around it.
func (d *doc) bounded(fa, fb int) bool {
	if isASCIIAlnum(d.full[fa].r) && fa > 0 && isASCIIAlnum(d.full[fa-1].r) {
		return false
	}
	if isASCIIAlnum(d.full[fb].r) && fb+1 < len(d.full) && isASCIIAlnum(d.full[fb+1].r) {
		return false
	}
	return true
}

// resolve keeps the longest of overlapping spans (at equal length, names
// before places before equipment before regions, then the earlier one) and
// returns them in text order.
func resolve(c []span) []span {
	if len(c) == 0 {
		return nil
	}
	sort.SliceStable(c, func(i, j int) bool {
		if c[i].n != c[j].n {
			return c[i].n > c[j].n
		}
		if ri, rj := resolveRank(c[i].kind), resolveRank(c[j].kind); ri != rj {
			return ri < rj
		}
		return c[i].a < c[j].a
	})
	end := 0
	for _, sp := range c {
		end = max(end, sp.b)
	}
	taken := make([]bool, end)
	var out []span
next:
	for _, sp := range c {
		for k := sp.a; k < sp.b; k++ {
			if taken[k] {
				continue next
			}
		}
		for k := sp.a; k < sp.b; k++ {
			taken[k] = true
		}
		out = append(out, sp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].a < out[j].a })
	return out
}

func resolveRank(kind string) int {
	switch kind {
	case KindOrganisation, KindBrand:
		return 0
	case KindPlace:
		return 1
	case KindEquipment:
		return 2
	default:
		return 3
	}
}

// municipalities finds municipality-like tokens: up to maxName kanji or
// katakana and a suffix (札幌市, 千代田区, 大手町). names are the resolved
// name, place and region findings. A run of name characters never crosses a
// name, a prefecture, a listed place or a stop word, so in 東京都千代田区 the
// ward starts after the prefecture. A region does not stop a run, because
// some municipality names contain one (北九州市, 東海村); but a region
// followed by more characters before the suffix is kept, and the name starts
// after it (北海道札幌市 → 札幌市).
func (s *Scanner) municipalities(d *doc, names []span) []span {
	if len(s.suffix) == 0 {
		return nil
	}
	blocked := make([]bool, len(d.full))
	regionEnd := make([]bool, len(d.full)+1)
	for _, sp := range names {
		if sp.kind == kindRegion {
			regionEnd[sp.b] = true
			continue
		}
		for k := sp.a; k < sp.b; k++ {
			blocked[k] = true
		}
	}
	for _, sp := range s.match(d, s.stops, func(string) bool { return true }) {
		for k := sp.a; k < sp.b; k++ {
			blocked[k] = true
		}
	}
	var out []span
	// A listed place followed by a suffix takes it: 札幌 + 市.
	for _, sp := range names {
		if sp.kind == KindPlace && sp.b < len(d.full) && !blocked[sp.b] && s.suffix[d.full[sp.b].r] {
			out = append(out, span{a: sp.a, b: sp.b + 1, n: sp.n + 1, kind: KindPlace})
			blocked[sp.b] = true
		}
	}
	in := func(k int) bool { return k < len(d.full) && !blocked[k] && isNameRune(d.full[k].r) }
	for i := 0; i < len(d.full); {
		if !in(i) {
			i++
			continue
		}
		j := i
		for in(j) {
			j++
		}
		for start := i; start < j; {
			// The suffix is the furthest one that leaves at most maxName
			// characters of name (中村区, not 中村; 四日市市). If the first
			// suffix is further away, the name is its last maxName
			// characters.
			p := -1
			for q := start + 1; q < j; q++ {
				if !s.suffix[d.full[q].r] {
					continue
				}
				if q-start <= s.maxName {
					p = q
					continue
				}
				if p < 0 {
					p = q
				}
				break
			}
			if p < 0 {
				break
			}
			a := max(start, p-s.maxName)
			for k := p - 1; k > a; k-- {
				if regionEnd[k] {
					a = k
					break
				}
			}
			out = append(out, span{a: a, b: p + 1, n: p + 1 - a, kind: KindPlace})
			start = p + 1
		}
		i = j
	}
	return out
}

// isNameRune tells whether r can be part of a municipality's name: kanji,
// katakana and their marks. Hiragana is left out so that a particle never
// becomes part of a place (…があり港区 gives 港区); names partly in hiragana
// are listed in the rules.
func isNameRune(r rune) bool {
	switch r {
	case 'ー', '々', '〆', 'ヶ', 'ヵ':
		return true
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Katakana, r)
}

// equipment finds equipment identifiers: ASCII tokens (letters, digits and
// - _ / . :) of three or more characters with a letter and a digit, and IPv4
// addresses, less the generic terms of the rules.
func (s *Scanner) equipment(d *doc) []span {
	var out []span
	for i := 0; i < len(d.full); {
		if !isTokenRune(d.full[i].r) {
			i++
			continue
		}
		j := i
		for j < len(d.full) && isTokenRune(d.full[j].r) {
			j++
		}
		a, b := i, j
		i = j
		for a < b && isTokenSep(d.full[a].r) {
			a++
		}
		for b > a && isTokenSep(d.full[b-1].r) {
			b--
		}
		if b-a < 3 {
			continue
		}
		rs := make([]rune, 0, b-a)
		for k := a; k < b; k++ {
			rs = append(rs, d.full[k].r)
		}
		if s.isEquipment(string(rs)) {
			out = append(out, span{a: a, b: b, n: b - a, kind: KindEquipment})
		}
	}
	return out
}

func isTokenRune(r rune) bool { return isASCIIAlnum(r) || isTokenSep(r) }
func isTokenSep(r rune) bool {
	return r == '-' || r == '_' || r == '/' || r == '.' || r == ':'
}

// isEquipment judges a lower-case token.
func (s *Scanner) isEquipment(tok string) bool {
	if isIPv4(tok) {
		return true
	}
	if !s.identifying(tok) {
		return false
	}
	// 3G/4G/5G, 1Gbps/10Gbps: a list of generic terms.
	if parts := strings.Split(tok, "/"); len(parts) > 1 {
		for _, p := range parts {
			if isIPv4(p) || s.identifying(p) {
				return true
			}
		}
		return false
	}
	return true
}

// identifying tells whether a token has a letter and a digit and is not a
// generic term, a number with a unit or a numbered word.
func (s *Scanner) identifying(tok string) bool {
	if !strings.ContainsFunc(tok, isASCIILetter) || !strings.ContainsFunc(tok, isASCIIDigit) {
		return false
	}
	return !s.allow[tok] && !s.unitNumber(tok) && !s.numberedWord(tok)
}

// unitNumber: 24h, 10gbps, 1.5ms.
func (s *Scanner) unitNumber(tok string) bool {
	i := strings.IndexFunc(tok, func(r rune) bool { return !isASCIIDigit(r) && r != '.' })
	if i <= 0 || !isNumber(tok[:i]) {
		return false
	}
	return s.units[tok[i:]]
}

// numberedWord: fy2023, no.3, ver.2.1, phase-2.
func (s *Scanner) numberedWord(tok string) bool {
	i := strings.IndexFunc(tok, func(r rune) bool { return !isASCIILetter(r) })
	if i <= 0 || !s.numbered[tok[:i]] {
		return false
	}
	rest := tok[i:]
	if strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "-") {
		rest = rest[1:]
	}
	return isNumber(rest)
}

// isNumber: digits, with dots between groups (2, 2.1, 1.5).
func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, g := range strings.Split(s, ".") {
		if g == "" || strings.IndexFunc(g, func(r rune) bool { return !isASCIIDigit(r) }) >= 0 {
			return false
		}
	}
	return true
}

// isIPv4: 192.0.2.1, 10.0.0.0/8, 192.0.2.1:8080.
func isIPv4(tok string) bool {
	if i := strings.IndexAny(tok, "/:"); i >= 0 {
		suffix := tok[i+1:]
		if !isNumber(suffix) || strings.Contains(suffix, ".") {
			return false
		}
		tok = tok[:i]
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) > 3 || !isNumber(p) {
			return false
		}
		n := 0
		for _, r := range p {
			n = n*10 + int(r-'0')
		}
		if n > 255 {
			return false
		}
	}
	return true
}

// leaks maps spans back to the original text. Two spans that share an NFKC
// segment of the original (rare: ㍿ gives four characters) are joined so
// that the leaks never overlap.
func (d *doc) leaks(spans []span) []Leak {
	var out []Leak
	for _, sp := range spans {
		l := Leak{Start: d.full[sp.a].start, End: d.full[sp.b-1].end, Kind: sp.kind, Org: sp.org}
		if n := len(out); n > 0 && l.Start < out[n-1].End {
			out[n-1].End = max(out[n-1].End, l.End)
			out[n-1].Text = d.text[out[n-1].Start:out[n-1].End]
			continue
		}
		l.Text = d.text[l.Start:l.End]
		out = append(out, l)
	}
	return out
}

// FormatLeaks describes leaks in one line of English for an error message:
// "au" (brand of KDDI株式会社) at characters 12–14; … Positions count
// characters (runes) from 1, both ends included.
func FormatLeaks(text string, leaks []Leak) string {
	parts := make([]string, 0, len(leaks))
	for _, l := range leaks {
		var what string
		switch {
		case l.Kind == KindBrand && l.Org != "":
			what = "brand of " + l.Org
		case l.Kind == KindOrganisation && l.Org != "":
			what = "organisation " + l.Org
		case l.Kind == KindEquipment:
			what = "equipment identifier"
		default:
			what = l.Kind
		}
		from, to := l.Start, l.End
		if from < 0 || to > len(text) || from > to {
			parts = append(parts, fmt.Sprintf("%q (%s)", l.Text, what))
			continue
		}
		first := utf8.RuneCountInString(text[:from]) + 1
		last := first + utf8.RuneCountInString(text[from:to]) - 1
		at := fmt.Sprintf("characters %d–%d", first, last)
		if first >= last {
			at = fmt.Sprintf("character %d", first)
		}
		parts = append(parts, fmt.Sprintf("%q (%s) at %s", l.Text, what, at))
	}
	return strings.Join(parts, "; ")
}
