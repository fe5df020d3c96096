package triage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/db"
)

// ErrIndexUnavailable: the similarity index could not be built; triage
// works without it (no similar cases, no novelty).
var ErrIndexUnavailable = errors.New("the similarity index is not available")

// Engine is the similarity engine: an in-memory index of the whole case
// base (cases of every kind and detailed quarterly-report rows), built from
// PostgreSQL and kept in step with it. Every write to a table the index
// reads is noted in similarity_changes by triggers that NOTIFY
// kensho_similarity, so all server instances follow every write; a search
// first applies the changes not yet seen, so a writer reads its own write.
type Engine struct {
	db  *gorm.DB
	ac  *access.Control
	cfg *SimilarityConfig
	log *slog.Logger

	mu      sync.RWMutex // guards ix and seq
	ix      *index
	seq     int64 // the last similarity_changes entry applied
	built   time.Time
	took    time.Duration
	syncing sync.Mutex // one build or catch-up at a time

	startOnce sync.Once
	ready     chan struct{}
	readyOnce sync.Once
	buildErr  error
}

// NewEngine returns an engine with an empty index; Build fills it.
func NewEngine(gdb *gorm.DB, ac *access.Control, cfg *SimilarityConfig, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.Default()
	}
	return &Engine{db: gdb, ac: ac, cfg: cfg, log: log, ix: newIndex(), ready: make(chan struct{})}
}

// IndexStats describes the index.
type IndexStats struct {
	// Docs are the cases and quarterly rows indexed; Units their sections.
	Docs, Units, Terms int
	Postings           int64
	// MemoryBytes is the index's own estimate of what it holds.
	MemoryBytes int64
	BuiltAt     time.Time
	BuildTime   time.Duration
}

// Stats describes the index as it is now.
func (e *Engine) Stats() IndexStats {
	e.mu.RLock()
	defer e.mu.RUnlock()
	st := IndexStats{Docs: e.ix.liveDocs, Units: len(e.ix.units), Terms: len(e.ix.terms),
		MemoryBytes: e.ix.memory(), BuiltAt: e.built, BuildTime: e.took}
	for _, p := range e.ix.post {
		st.Postings += int64(len(p))
	}
	return st
}

// Ready is closed once the first build has finished (successfully or not).
func (e *Engine) Ready() <-chan struct{} { return e.ready }

// Build reads the whole case base and replaces the index. Writes made
// while it reads are applied after, from similarity_changes.
func (e *Engine) Build(ctx context.Context) error {
	// A build called directly (`kensho similar`, tests) is the start: the
	// first search must not launch a second one that rewrites the index
	// under it.
	e.startOnce.Do(func() {})
	e.syncing.Lock()
	defer e.syncing.Unlock()
	err := e.build(ctx)
	if err == nil {
		err = e.catchUp(ctx)
	}
	e.readyOnce.Do(func() { e.buildErr = err; close(e.ready) })
	return err
}

func (e *Engine) build(ctx context.Context) error {
	start := time.Now()
	var seq int64
	// Entries older than a day serve no one: an instance that was away
	// that long rebuilds when it reconnects.
	if err := e.db.WithContext(ctx).Exec("DELETE FROM similarity_changes WHERE changed_at < now() - interval '1 day'").Error; err != nil {
		return err
	}
	if err := e.db.WithContext(ctx).Raw("SELECT COALESCE(max(seq), 0) FROM similarity_changes").Scan(&seq).Error; err != nil {
		return err
	}
	ix := newIndex()
	if err := e.analyzeAll(ctx, nil, nil, true, ix.add); err != nil {
		return fmt.Errorf("similarity index: %w", err)
	}
	ix.compact()
	e.mu.Lock()
	e.ix, e.seq, e.built, e.took = ix, seq, time.Now(), time.Since(start)
	e.mu.Unlock()
	e.log.Info("similarity index built", "docs", ix.liveDocs, "terms", len(ix.terms), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// analyzeAll loads sources and analyses them on every core; add is
// called from this goroutine only.
func (e *Engine) analyzeAll(ctx context.Context, caseIDs, rowIDs []int64, all bool, add func(*entry)) error {
	an, err := newAnalyzer()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan *source, 512)
	out := make(chan *entry, 512)
	var loadErr error
	go func() {
		defer close(in)
		loadErr = loadSources(ctx, e.db, caseIDs, rowIDs, all, func(s *source) error {
			select {
			case in <- s:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range in {
				out <- an.entry(s)
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	for en := range out {
		add(en)
	}
	return loadErr
}

// catchUpLimit: more pending changes than this (a bulk load) and a full
// rebuild is cheaper than applying them one by one.
const catchUpLimit = 20000

// CatchUp applies the changes other writers noted since the last one
// applied.
func (e *Engine) CatchUp(ctx context.Context) error {
	e.syncing.Lock()
	defer e.syncing.Unlock()
	return e.catchUp(ctx)
}

func (e *Engine) catchUp(ctx context.Context) error {
	e.mu.RLock()
	from := e.seq
	e.mu.RUnlock()
	type change struct {
		Seq            int64
		CaseID         *int64
		QuarterlyRowID *int64
	}
	var cs []change
	if err := e.db.WithContext(ctx).Raw(`SELECT seq, case_id, quarterly_row_id FROM similarity_changes
		WHERE seq > ? ORDER BY seq LIMIT ?`, from, catchUpLimit+1).Scan(&cs).Error; err != nil {
		return err
	}
	if len(cs) == 0 {
		return nil
	}
	if len(cs) > catchUpLimit {
		return e.build(ctx)
	}
	var caseIDs, rowIDs []int64
	for _, c := range cs {
		if c.CaseID != nil && !slices.Contains(caseIDs, *c.CaseID) {
			caseIDs = append(caseIDs, *c.CaseID)
		}
		if c.QuarterlyRowID != nil && !slices.Contains(rowIDs, *c.QuarterlyRowID) {
			rowIDs = append(rowIDs, *c.QuarterlyRowID)
		}
	}
	var entries []*entry
	if err := e.analyzeAll(ctx, caseIDs, rowIDs, false, func(en *entry) { entries = append(entries, en) }); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// A case or row that is gone (deleted) is removed; the others replaced.
	for _, id := range caseIDs {
		e.ix.remove(id, 0)
	}
	for _, id := range rowIDs {
		e.ix.remove(0, id)
	}
	for _, en := range entries {
		e.ix.add(en)
	}
	e.seq = cs[len(cs)-1].Seq
	if e.ix.deadUnits > 1000 && e.ix.deadUnits > len(e.ix.units)/4 {
		// Mostly dead postings slow every search: rebuild in the background.
		go func() {
			if err := e.Build(context.WithoutCancel(ctx)); err != nil {
				e.log.Error("similarity index rebuild failed", "err", err)
			}
		}()
	}
	return nil
}

// Listen follows the writes of every process (NOTIFY kensho_similarity)
// until ctx ends, reconnecting after failures and catching up after each
// reconnect, so a missed notification costs nothing.
func (e *Engine) Listen(ctx context.Context, url string) {
	select {
	case <-e.ready:
	case <-ctx.Done():
		return
	}
	db.Follow(ctx, url, "kensho_similarity", "similarity catch-up", e.log, e.CatchUp)
}

// Start builds the index in the background, once; `kensho serve` calls it
// at start, and the first search does if nothing did.
func (e *Engine) Start() {
	e.startOnce.Do(func() {
		go func() {
			if err := e.Build(context.Background()); err != nil {
				e.log.Error("similarity index not built: similar cases and novelty are off", "err", err)
			}
		}()
	})
}

// await waits for the first build, starting it if need be.
func (e *Engine) await(ctx context.Context) error {
	e.Start()
	select {
	case <-e.ready:
		if e.buildErr != nil {
			return fmt.Errorf("%w: %v", ErrIndexUnavailable, e.buildErr)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// visibility decides, from the policy, what sub reads of the index.
func (e *Engine) visibility(sub access.Subject) *visibility {
	v := &visibility{everything: true}
	for t, tier := range tierCodes {
		v.scope[t] = e.ac.Scope(sub, tier, access.Read)
		v.all[t] = v.scope[t].Everything()
		if !v.all[t] {
			v.everything = false
		}
	}
	return v
}

// Similar is the top k matches of stored case id as sub may see them
// (Matcher). The query is the case as sub reads it: a section sub may not
// read neither asks nor explains.
func (e *Engine) Similar(ctx context.Context, sub access.Subject, id int64, k int) (*Result, error) {
	if err := e.await(ctx); err != nil {
		return nil, err
	}
	if err := e.CatchUp(ctx); err != nil {
		e.log.Warn("similarity catch-up failed; answering from the index as it is", "err", err)
	}
	var src *source
	if err := loadSources(ctx, e.db, []int64{id}, nil, false, func(s *source) error { src = s; return nil }); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, casefile.ErrNotFound
	}
	an, err := newAnalyzer()
	if err != nil {
		return nil, err
	}
	v := e.visibility(sub)
	en := an.entry(src)
	q := &query{caseID: id}
	for _, s := range en.sections {
		if v.tier(s.tier, &en.d) {
			q.sections = append(q.sections, s.a)
		}
	}
	if len(q.sections) == 0 && !v.tier(en.d.ovTier, &en.d) {
		return nil, casefile.ErrNotFound
	}
	q.f = v.seen(&en.d)
	if v.tier(en.d.rsTier, &en.d) {
		e.mu.RLock()
		q.f.equipment = e.ix.equip[en.equipment]
		e.mu.RUnlock()
	}
	return e.run(ctx, q, v, k, id)
}

// SimilarCase is the top k matches, as sub may see them, of a case that
// need not be stored (a report being drafted, a benchmark's query).
func (e *Engine) SimilarCase(ctx context.Context, sub access.Subject, c *caseformat.Case, k int) (*Result, error) {
	return e.similarCase(ctx, e.visibility(sub), c, k)
}

// SimilarCaseAll is SimilarCase over the whole case base, for `kensho
// similar`: the command runs with the database's credentials.
func (e *Engine) SimilarCaseAll(ctx context.Context, c *caseformat.Case, k int) (*Result, error) {
	return e.similarCase(ctx, &visibility{everything: true}, c, k)
}

func (e *Engine) similarCase(ctx context.Context, v *visibility, c *caseformat.Case, k int) (*Result, error) {
	if err := e.await(ctx); err != nil {
		return nil, err
	}
	if err := e.CatchUp(ctx); err != nil {
		e.log.Warn("similarity catch-up failed; answering from the index as it is", "err", err)
	}
	src := sourceOf(c)
	// The operators are the registry's organisations, under any of their
	// names; one the registry does not know matches no stored case.
	var keys []string
	for _, op := range c.Operators {
		keys = append(keys, caseformat.NormalizeName(op.Name))
	}
	if len(keys) > 0 {
		var ids []int64
		if err := e.db.WithContext(ctx).Raw("SELECT DISTINCT organisation_id FROM organisation_names WHERE name_key IN ? ORDER BY 1",
			keys).Scan(&ids).Error; err != nil {
			return nil, err
		}
		src.operators = ids
	}
	an, err := newAnalyzer()
	if err != nil {
		return nil, err
	}
	en := an.entry(src)
	q := &query{}
	for _, s := range en.sections {
		q.sections = append(q.sections, s.a)
	}
	q.f = en.d.f
	e.mu.RLock()
	q.f.equipment = e.ix.equip[en.equipment]
	e.mu.RUnlock()
	return e.run(ctx, q, v, k, 0)
}

// described is a hit with what the index knows of its document.
type described struct {
	hit
	d          doc
	ov, an, rs bool
	equipment  string
}

func (e *Engine) run(ctx context.Context, q *query, v *visibility, k int, caseID int64) (*Result, error) {
	e.mu.RLock()
	hits := e.ix.search(q, v, e.cfg, k)
	ds := make([]described, len(hits))
	for i, h := range hits {
		d := e.ix.docs[h.doc]
		ds[i] = described{hit: h, d: d, ov: v.tier(d.ovTier, &d), rs: v.tier(d.rsTier, &d),
			an: d.anon && v.tier(tierAnonymised, &d), equipment: e.ix.equipN[h.shared.equipment]}
	}
	e.mu.RUnlock()
	res := &Result{CaseID: caseID, Novelty: 1, Matches: []Match{}}
	if len(ds) == 0 {
		return res, nil
	}
	if err := e.describe(ctx, ds, res); err != nil {
		return nil, err
	}
	res.Novelty = 1 - res.Matches[0].Score
	return res, nil
}

// describe reads the matches' titles and references — only the parts the
// caller reads — and writes their grounds.
func (e *Engine) describe(ctx context.Context, ds []described, res *Result) error {
	var caseIDs, rowIDs, orgIDs []int64
	for _, d := range ds {
		if d.d.caseID != 0 {
			caseIDs = append(caseIDs, d.d.caseID)
		} else {
			rowIDs = append(rowIDs, d.d.rowID)
		}
		orgIDs = append(orgIDs, d.shared.operators...)
	}
	type caseInfo struct {
		ID         int64
		Ref        string
		Kind       string
		FiscalYear int
		OccurredAt time.Time
		Summary    string
		Anon       string
	}
	type rowInfo struct {
		ID         int64
		Key        string
		FiscalYear int
		Quarter    int
		OccurredAt *time.Time
		Summary    string
		Org        string
	}
	var cis []caseInfo
	var ris []rowInfo
	db := e.db.WithContext(ctx)
	if len(caseIDs) > 0 {
		if err := db.Raw(`SELECT c.id, c.ref, c.kind, c.fiscal_year, c.occurred_at, c.summary,
			COALESCE((SELECT n.text FROM near_miss_summaries n WHERE n.case_id = c.id AND n.status = 'approved'), '') AS anon
			FROM cases c WHERE c.id IN ?`, caseIDs).Scan(&cis).Error; err != nil {
			return err
		}
	}
	if len(rowIDs) > 0 {
		if err := db.Raw(`SELECT q.id, q.key, q.fiscal_year, q.quarter, q.occurred_at, q.summary, o.name AS org
			FROM quarterly_rows q JOIN organisations o ON o.id = q.organisation_id WHERE q.id IN ?`, rowIDs).Scan(&ris).Error; err != nil {
			return err
		}
	}
	orgs := map[int64]string{}
	if len(orgIDs) > 0 {
		var os []struct {
			ID   int64
			Name string
		}
		if err := db.Raw("SELECT id, name FROM organisations WHERE id IN ?", orgIDs).Scan(&os).Error; err != nil {
			return err
		}
		for _, o := range os {
			orgs[o.ID] = o.Name
		}
	}
	for _, d := range ds {
		m := Match{Score: round3(d.score), TextScore: round3(d.text), FacetScore: round3(d.fac), Kind: docKinds[d.d.kind]}
		if d.d.caseID != 0 {
			i := slices.IndexFunc(cis, func(c caseInfo) bool { return c.ID == d.d.caseID })
			if i < 0 {
				continue // deleted since the search
			}
			ci := cis[i]
			m.CaseID, m.FiscalYear, m.Kind = ci.ID, ci.FiscalYear, ci.Kind
			switch {
			case d.ov:
				m.Ref, m.OccurredAt, m.Title = ci.Ref, ci.OccurredAt, shorten(ci.Summary)
			case d.an:
				m.Title = shorten(ci.Anon)
			}
		} else {
			i := slices.IndexFunc(ris, func(r rowInfo) bool { return r.ID == d.d.rowID })
			if i < 0 {
				continue
			}
			ri := ris[i]
			m.QuarterlyRowID, m.FiscalYear, m.Title = ri.ID, ri.FiscalYear, shorten(ri.Summary)
			m.Ref = fmt.Sprintf("Q-%d-%d-%d", ri.FiscalYear, ri.Quarter, ri.ID)
			if ri.OccurredAt != nil {
				m.OccurredAt = *ri.OccurredAt
			}
		}
		m.Why = reasons(d, orgs)
		res.Matches = append(res.Matches, m)
	}
	return nil
}

// reasons are a match's grounds, most telling first.
func reasons(d described, orgs map[int64]string) []Reason {
	why := []Reason{}
	if len(d.phrases) > 0 {
		why = append(why, Reason{Code: "phrases", Values: d.phrases, Text: "Shares the key words " + strings.Join(d.phrases, ", ") + "."})
	}
	s := d.shared
	if s.archetype != 0 {
		a := caseformat.CauseArchetypes[s.archetype-1]
		why = append(why, Reason{Code: "archetype", Values: []string{a}, Text: "Same cause archetype: " + a + "."})
	}
	if d.equipment != "" {
		why = append(why, Reason{Code: "equipment", Values: []string{d.equipment}, Text: "Same equipment: " + d.equipment + "."})
	}
	if s.services != 0 {
		var vs []string
		for i, sv := range caseformat.Services {
			if s.services&(1<<i) != 0 {
				vs = append(vs, string(sv))
			}
		}
		why = append(why, Reason{Code: "service", Values: vs, Text: "Same service: " + strings.Join(vs, ", ") + "."})
	}
	if s.class != 0 {
		c := caseformat.CauseClasses[s.class-1]
		why = append(why, Reason{Code: "cause_class", Values: []string{c}, Text: "Same cause class: " + c + "."})
	}
	if s.situation != 0 {
		c := caseformat.NearMissSituations[s.situation-1]
		why = append(why, Reason{Code: "situation", Values: []string{c}, Text: "Same near-miss situation: " + c + "."})
	}
	if len(s.operators) > 0 {
		var vs []string
		for _, o := range s.operators {
			if n := orgs[o]; n != "" {
				vs = append(vs, n)
			}
		}
		if len(vs) > 0 {
			why = append(why, Reason{Code: "operator", Values: vs, Text: "Same operator: " + strings.Join(vs, ", ") + "."})
		}
	}
	return why
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

// shorten keeps the first 80 characters of a title.
func shorten(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= 80 {
		return s
	}
	r := []rune(s)
	return string(r[:79]) + "…"
}

// MaxTop is the most matches one request may ask for.
const MaxTop = 50

// Read is Similar for a person asking (the API): k is checked and the read
// is audited with the tiers the answer drew on. The triage desk and the
// review call Similar for many cases at once and audit their own pages.
func (e *Engine) Read(ctx context.Context, sub access.Subject, id int64, k int) (*Result, error) {
	if k < 1 || k > MaxTop {
		return nil, &casefile.InputError{Field: "top", Message: fmt.Sprintf("must be 1..%d; got %d", MaxTop, k)}
	}
	res, err := e.Similar(ctx, sub, id, k)
	if err != nil {
		return nil, err
	}
	v := e.visibility(sub)
	var tiers []access.Tier
	for t, tier := range tierCodes {
		if v.everything || v.all[t] || !v.scope[t].Nothing() {
			tiers = append(tiers, tier)
		}
	}
	err = audit.Record(ctx, e.db, audit.Event{Actor: sub.Key, Action: audit.ActionRead, Object: access.CaseKey(id) + "/similar",
		CaseID: id, Detail: map[string]any{"top": k, "matches": len(res.Matches), "tiers": tiers}})
	if err != nil {
		return nil, err
	}
	return res, nil
}
