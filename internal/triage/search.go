package triage

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"

	"kensho/internal/access"
)

// visibility is what one caller may read of the index, decided once per
// query from the policy (see Engine.visibility): per tier, the scope of
// cases it reads, evaluated in memory against each document's operators.
type visibility struct {
	everything bool
	all        [nTiers]bool
	scope      [nTiers]access.Scope
}

func (v *visibility) tier(t uint8, d *doc) bool {
	if v.everything || v.all[t] {
		return true
	}
	if t == tierQuarterly {
		// A quarterly row is its organisation's (quarterly.Ref): "own"
		// and a conflict's owner:org:N apply to that organisation.
		return d.rowID != 0 && v.scope[t].HoldsOrg(d.org)
	}
	return d.caseID != 0 && v.scope[t].Holds(d.caseID, d.f.operators)
}

// seen are the facets of d the caller may read.
func (v *visibility) seen(d *doc) (f facets) {
	ov, rs := v.tier(d.ovTier, d), v.tier(d.rsTier, d)
	an := d.anon && v.tier(tierAnonymised, d)
	if ov {
		f.services, f.operators = d.f.services, d.f.operators
	}
	if ov || an {
		f.class = d.f.class
	}
	if rs || an {
		f.archetype, f.situation = d.f.archetype, d.f.situation
	}
	if rs {
		f.equipment = d.f.equipment
	}
	return f
}

// query is a case as the caller may read it, analysed.
type query struct {
	sections []analysis
	f        facets
	// The case (or row) itself, never its own match.
	caseID, rowID int64
}

// noTerm is the id of a query term the index does not hold.
const noTerm = ^uint32(0)

// picked is a query term kept for ranking.
type picked struct {
	id     uint32
	term   string
	weight float64 // word or bigram weight
	idf    float64
	df     int
	word   bool
}

// hit is a ranked document.
type hit struct {
	doc              uint32
	score, text, fac float64
	phrases          []string
	shared           facets
}

var accPool = sync.Pool{New: func() any { return new([]float32) }}

// search ranks the index against q for a caller of visibility v.
func (ix *index) search(q *query, v *visibility, cfg *SimilarityConfig, k int) []hit {
	bag := map[string]int{}
	for _, s := range q.sections {
		for _, tc := range s.terms {
			bag[tc.term] += tc.count
		}
	}
	totalUnits := 0
	var totalLen int64
	for t := range nTiers {
		totalUnits += ix.liveUnits[t]
		totalLen += ix.liveLen[t]
	}
	if totalUnits == 0 || k <= 0 {
		return nil
	}
	maxDF := int(cfg.Query.MaxDocShare*float64(totalUnits)) + 1

	// Keep the query's most telling terms (tf·idf over the whole index:
	// this only chooses among the caller's own words). A term the index
	// has never seen is kept too: it matches nothing, but it is what makes
	// the case new, so it weighs in the query's score against itself.
	var terms []picked
	for term, qtf := range bag {
		id, ok := ix.dict[term]
		df := 0
		if ok {
			df = len(ix.post[id])
		} else {
			id = noTerm
		}
		if df > maxDF {
			continue
		}
		word := strings.HasPrefix(term, wordPrefix)
		w := cfg.Terms.BigramWeight
		if word {
			w = cfg.Terms.WordWeight
		}
		if w == 0 {
			continue
		}
		terms = append(terms, picked{id: id, term: term, weight: w, df: df, word: word,
			idf: (1 + math.Log(float64(qtf))) * w * bm25IDF(totalUnits, df)})
	}
	slices.SortFunc(terms, func(a, b picked) int {
		if c := cmp.Compare(b.idf, a.idf); c != 0 {
			return c
		}
		return cmp.Compare(a.term, b.term)
	})
	// The most telling terms overall, and as many more the index holds
	// (those alone can match).
	held := 0
	kept := terms[:0:0]
	for i, p := range terms {
		if i < cfg.Query.MaxTerms || p.id != noTerm && held < cfg.Query.MaxTerms {
			kept = append(kept, p)
		}
		if p.id != noTerm {
			held++
		}
	}
	terms = kept
	// Past a budget of postings, the commonest of the kept terms are
	// dropped (from the self-score too): at a million cases they would
	// cost most of the time and move no ranking.
	budget, spent := cfg.Query.MaxPostings, 0
	kept = terms[:0]
	for _, p := range terms {
		if p.id != noTerm {
			if spent+p.df > budget && spent > 0 {
				continue
			}
			spent += p.df
		}
		kept = append(kept, p)
	}
	terms = kept

	// Corpus statistics as the caller sees it: what a hidden section says
	// must not move a visible one's score.
	n, avg := totalUnits, float64(totalLen)/float64(totalUnits)
	visible := func(u uint32) bool {
		un := &ix.units[u]
		d := &ix.docs[un.doc]
		return !d.dead && v.tier(un.tier, d)
	}
	if !v.everything {
		n, avg = ix.visibleStats(v)
		for i := range terms {
			df := 0
			if terms[i].id == noTerm {
				continue
			}
			for _, u := range ix.post[terms[i].id] {
				if visible(u) {
					df++
				}
			}
			terms[i].df = df
		}
	}
	if n == 0 {
		return nil
	}
	for i := range terms {
		terms[i].idf = bm25IDF(n, terms[i].df)
	}

	k1, b := cfg.BM25.K1, cfg.BM25.B
	norm := func(tf float64, length int) float64 {
		return tf * (k1 + 1) / (tf + k1*(1-b+b*float64(length)/avg))
	}
	// The query's score against itself: the most a document can reach.
	var self float64
	pickedBy := map[string]*picked{}
	for i := range terms {
		pickedBy[terms[i].term] = &terms[i]
	}
	for _, s := range q.sections {
		for _, tc := range s.terms {
			if p := pickedBy[tc.term]; p != nil {
				self += p.weight * p.idf * norm(float64(tc.count), s.length)
			}
		}
	}
	if self == 0 {
		return nil
	}

	accp := accPool.Get().(*[]float32)
	defer accPool.Put(accp)
	if cap(*accp) < len(ix.docs) {
		*accp = make([]float32, len(ix.docs))
	}
	acc := (*accp)[:len(ix.docs)]
	touched := make([]uint32, 0, 1024)
	for _, p := range terms {
		if p.id == noTerm {
			continue
		}
		post, tfs := ix.post[p.id], ix.tf[p.id]
		wi := p.weight * p.idf
		for j, u := range post {
			un := &ix.units[u]
			if un.dead || !v.everything && !visible(u) {
				continue
			}
			if acc[un.doc] == 0 {
				touched = append(touched, un.doc)
			}
			acc[un.doc] += float32(wi * norm(float64(tfs[j]), int(un.length)))
		}
	}

	tw := cfg.Score.TextWeight
	top := make([]hit, 0, k+1)
	for _, di := range touched {
		raw := float64(acc[di])
		acc[di] = 0
		d := &ix.docs[di]
		if q.caseID != 0 && d.caseID == q.caseID || q.rowID != 0 && d.rowID == q.rowID {
			continue
		}
		text := min(1, raw/self)
		// The best facet score cannot lift a document that is already
		// out of the running.
		if len(top) == k && tw*text+(1-tw) < top[k-1].score {
			continue
		}
		fac := facetScore(&q.f, v.seen(d), cfg)
		h := hit{doc: di, text: text, fac: fac, score: tw*text + (1-tw)*fac}
		if len(top) == k && h.score <= top[k-1].score {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, h, func(a, b hit) int {
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
			// Equal scores: the older case first, whatever order the
			// build happened to add them in.
			da, db := &ix.docs[a.doc], &ix.docs[b.doc]
			if c := cmp.Compare(da.caseID, db.caseID); c != 0 {
				return c
			}
			return cmp.Compare(da.rowID, db.rowID)
		})
		top = slices.Insert(top, i, h)
		if len(top) > k {
			top = top[:k]
		}
	}

	// Explain: the key words the two share, in the parts the caller reads.
	for i := range top {
		h := &top[i]
		d := &ix.docs[h.doc]
		for _, p := range terms {
			if !p.word || p.id == noTerm || len(h.phrases) >= cfg.Why.Phrases {
				continue
			}
			for _, u := range d.units {
				if visible(u) && ix.has(p.id, u) {
					h.phrases = append(h.phrases, strings.TrimPrefix(ix.terms[p.id], wordPrefix))
					break
				}
			}
		}
		h.shared = sharedFacets(&q.f, v.seen(d))
	}
	return top
}

// visibleStats are N and the average section length over the sections
// the caller reads. A tier read everywhere but in a few denied cases (an
// expert's conflicts) counts down from the totals; a tier read in a few
// cases (a reporter's own, a partner's shared) counts up from them.
func (ix *index) visibleStats(v *visibility) (int, float64) {
	n := 0
	var length int64
	for t := range nTiers {
		if v.all[t] {
			n += ix.liveUnits[t]
			length += ix.liveLen[t]
			continue
		}
		sc := &v.scope[t]
		down := sc.AllowAll && !sc.DenyAll
		if down {
			n += ix.liveUnits[t]
			length += ix.liveLen[t]
		}
		var orgs []int64
		var cases map[int64]bool
		switch {
		case down:
			orgs, cases = sc.DenyOrgs, sc.DenyCases
		case !sc.Nothing():
			orgs, cases = sc.AllowOrgs, sc.AllowCases
		}
		seen := map[uint32]bool{}
		visit := func(di uint32) {
			if seen[di] {
				return
			}
			seen[di] = true
			d := &ix.docs[di]
			if d.dead || down == v.tier(uint8(t), d) {
				return
			}
			for _, u := range d.units {
				if un := &ix.units[u]; int(un.tier) == t {
					if down {
						n--
						length -= int64(un.length)
					} else {
						n++
						length += int64(un.length)
					}
				}
			}
		}
		for _, o := range orgs {
			for _, di := range ix.byOrg[o] {
				visit(di)
			}
		}
		for id := range cases {
			if di, ok := ix.byCase[id]; ok {
				visit(di)
			}
		}
	}
	if n <= 0 {
		return 0, 1
	}
	return n, float64(length) / float64(n)
}

// bm25IDF is the non-negative BM25 idf (Lucene's).
func bm25IDF(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// facetScore is the weighted share of agreeing facets among those both
// sides have.
func facetScore(q *facets, d facets, cfg *SimilarityConfig) float64 {
	var total, agree float64
	both := func(w float64, has bool, same float64) {
		if has && w > 0 {
			total += w
			agree += w * same
		}
	}
	eq := func(a, b uint8) float64 {
		if a == b {
			return 1
		}
		return 0
	}
	both(cfg.Facets.Service, q.services != 0 && d.services != 0, jaccard(q.services, d.services))
	both(cfg.Facets.CauseClass, q.class != 0 && d.class != 0, eq(q.class, d.class))
	both(cfg.Facets.Archetype, q.archetype != 0 && d.archetype != 0, eq(q.archetype, d.archetype))
	both(cfg.Facets.Situation, q.situation != 0 && d.situation != 0, eq(q.situation, d.situation))
	e := 0.0
	if q.equipment == d.equipment {
		e = 1
	}
	both(cfg.Facets.Equipment, q.equipment != 0 && d.equipment != 0, e)
	o := 0.0
	if sharesOperator(q.operators, d.operators) {
		o = 1
	}
	both(cfg.Facets.Operator, len(q.operators) > 0 && len(d.operators) > 0, o)
	if total == 0 {
		return 0
	}
	return agree / total
}

// sharedFacets are the facets on which q and d agree.
func sharedFacets(q *facets, d facets) facets {
	var s facets
	s.services = q.services & d.services
	if q.class != 0 && q.class == d.class {
		s.class = q.class
	}
	if q.archetype != 0 && q.archetype == d.archetype {
		s.archetype = q.archetype
	}
	if q.situation != 0 && q.situation == d.situation {
		s.situation = q.situation
	}
	if q.equipment != 0 && q.equipment == d.equipment {
		s.equipment = q.equipment
	}
	for _, o := range q.operators {
		if slices.Contains(d.operators, o) && !slices.Contains(s.operators, o) {
			s.operators = append(s.operators, o)
		}
	}
	return s
}

func jaccard(a, b uint8) float64 {
	u := bitsCount(a | b)
	if u == 0 {
		return 0
	}
	return float64(bitsCount(a&b)) / float64(u)
}

func bitsCount(x uint8) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

func sharesOperator(a, b []int64) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
