// Package casegen generates realistic Japanese telecom accident cases for
// benchmarks and demonstrations: serious accidents, near-misses with the
// facts the near-miss rules judge, quarterly-report accidents, voluntary
// information, and quarterly detailed-form rows.
//
// Everything is decided by a seed and the case's index: Case(i) is the same
// case on every machine and every run, whatever was generated before it,
// so `--cases 1000` after `--cases 100` only adds the 900 new ones. (A
// change to the phrase tables changes the cases of a seed: loading them
// again then updates the held ones, as a re-import would.) Cases
// come in clusters of near-duplicates — the same failure mode (same
// component, same trigger, same causal chain) reported again by other
// operators in other years and in other words — beside many distinct ones,
// so that a similarity engine has real work: the recurring root causes of
// SPEC §5 are the commonest clusters. Impact timelines are built against
// the rule set in force on the occurrence date (configs/rules), so a case
// meant to be serious is serious, and one meant to be a quarterly-report
// accident is exactly that.
//
// Operators are the registry's (configs/organisations.yaml, by their
// registered names) and invented small operators and MVNOs; equipment types,
// prefectures and notice channels come from configs/codes.yaml and
// configs/intake.yaml. Refs start with GEN-, so generated cases are
// recognisable and never collide with real ones.
package casegen

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"kensho/configs"
	"kensho/internal/caseformat"
	"kensho/internal/intake"
	"kensho/internal/jpdate"
	"kensho/internal/rules"
)

// Range of the generated occurrence dates: fiscal 2008 (the quarterly
// threshold begins) to fiscal 2025.
const (
	FirstFiscalYear = 2008
	LastFiscalYear  = 2025
)

// nearMissFrom is the first day near-misses were reported (SPEC §4).
var nearMissFrom = time.Date(2023, time.June, 1, 0, 0, 0, 0, jpdate.JST)

// Generator makes cases from one seed. It is safe for concurrent use: every
// case is computed from the seed and its index alone.
type Generator struct {
	seed  uint64
	rules *rules.Catalog
	w     *world
}

// New returns the generator of seed, judging timelines under the rule sets
// of cat (nil: the rule sets built into the binary).
func New(seed uint64, cat *rules.Catalog) (*Generator, error) {
	w, err := loadWorld()
	if err != nil {
		return nil, err
	}
	if cat == nil {
		if cat, err = rules.Load(configs.FS); err != nil {
			return nil, err
		}
	}
	return &Generator{seed: seed, rules: cat, w: w}, nil
}

// Seed is the generator's seed.
func (g *Generator) Seed() uint64 { return g.seed }

// Ref is the ref of case i (0-based): GEN-<seed>-<i+1, seven digits>.
func (g *Generator) Ref(i int) string { return fmt.Sprintf("GEN-%d-%07d", g.seed, i+1) }

// QuarterlyRef is the ref of quarterly row j.
func (g *Generator) QuarterlyRef(j int) string { return fmt.Sprintf("GEN-Q%d-%07d", g.seed, j+1) }

// SourceName names the generated cases as an import source: the reports'
// source_name and the audit entry's source.
func (g *Generator) SourceName() string { return fmt.Sprintf("kensho demo generate --seed %d", g.seed) }

// Meta says what case i was generated to be, for tests and for judging a
// similarity engine against the truth.
type Meta struct {
	Ref  string
	Kind caseformat.Kind
	// Level is serious, quarterly or minor (below the quarterly threshold).
	Level string
	// Scenario is the failure mode.
	Scenario string
	// Cluster names the near-duplicates the case belongs to ("" for a
	// one-off): R… recur across the whole range, B<block>-… within a
	// block of 1,000 consecutive cases.
	Cluster string
	// NearMissSituation is the near-miss situation (near-misses only).
	NearMissSituation string
}

// Meta describes case i. It costs as much as Case(i): the level is known
// only once the impacts are built (an operator too small for a serious
// accident has a quarterly-report one). CaseMeta gives both at once.
func (g *Generator) Meta(i int) Meta {
	_, m := g.CaseMeta(i)
	return m
}

// CaseMeta returns case i and what it was generated to be.
func (g *Generator) CaseMeta(i int) (caseformat.Case, Meta) {
	p := g.plan(i)
	c, _ := g.build(p)
	return c, Meta{Ref: g.Ref(i), Kind: p.kind, Level: p.level.String(), Scenario: p.sc.id, Cluster: p.cluster,
		NearMissSituation: p.situation}
}

// world is the code lists of configs/ the generator draws from.
type world struct {
	prefName map[string]string // id → 東京都
	notices  []string
}

var (
	worldOnce sync.Once
	worldVal  *world
	worldErr  error
)

func loadWorld() (*world, error) {
	worldOnce.Do(func() {
		cat, err := intake.LoadCatalogue(configs.FS)
		if err != nil {
			worldErr = err
			return
		}
		w := &world{prefName: map[string]string{}}
		for _, p := range cat.Prefectures {
			w.prefName[p.ID] = p.JA
		}
		for _, n := range cat.UserNotices {
			w.notices = append(w.notices, n.ID)
		}
		equip := map[string]bool{}
		for _, e := range cat.EquipmentTypes {
			equip[e.ID] = true
		}
		var problems []string
		for _, sc := range scenarios {
			for _, e := range sc.equipment {
				if !equip[e] {
					problems = append(problems, fmt.Sprintf("scenario %s: equipment type %q is not in configs/codes.yaml", sc.id, e))
				}
			}
		}
		for id := range cities {
			if _, ok := w.prefName[id]; !ok {
				problems = append(problems, fmt.Sprintf("cities: prefecture %q is not in configs/codes.yaml", id))
			}
		}
		area := map[string]int{}
		for _, p := range append(slices.Clone(east), west...) {
			area[p]++
		}
		for _, p := range cat.Prefectures {
			if p.ID == "nationwide" {
				continue
			}
			if _, ok := cities[p.ID]; !ok {
				problems = append(problems, fmt.Sprintf("cities: no city for prefecture %q", p.ID))
			}
			if area[p.ID] != 1 {
				problems = append(problems, fmt.Sprintf("prefecture %q is in %d of NTT East's and West's areas", p.ID, area[p.ID]))
			}
		}
		if len(problems) > 0 {
			worldErr = fmt.Errorf("casegen: %v", problems)
			return
		}
		worldVal = w
	})
	return worldVal, worldErr
}

// level is how grave a case was generated to be.
type level int

const (
	levelMinor     level = iota // below the quarterly threshold
	levelQuarterly              // a quarterly-report accident, not serious
	levelSerious
)

func (l level) String() string {
	return [...]string{"minor", "quarterly", "serious"}[l]
}

// plan is everything about case i decided before a word is written.
type plan struct {
	i int
	// r is the case's own stream: every choice that varies between
	// members of a cluster comes from it, in a fixed order.
	r *rng
	// pat is the cluster's pattern seed (0: a one-off): the choices
	// members share are hashed from it.
	pat       uint64
	cluster   string
	sc        *scenario
	kind      caseformat.Kind
	level     level
	situation string
	op        *operator
	// countable: the users of every impact can be counted (quarterly
	// rows need a number).
	countable bool
	// provider is the wholesale provider reporting beside op (or "").
	provider string
	occurred time.Time
	equip    string
}

// recurring lists the root causes SPEC §5 names: the recurring clusters
// favour them.
var recurring = map[string]float64{
	"wrong_procedure_document": 4, "standby_reboot_loop": 4, "signalling_storm": 4, "backup_inconsistent_restore": 4,
	"software_bug_unknown": 3, "virtualisation_route_deleted": 4, "backup_login_missing": 4,
}

// Cluster layout: 18 % of the cases belong to one of 400 clusters that
// recur across the whole range, 50 % to one of 80 clusters of their block of
// 1,000 cases, the rest are one-offs. Cluster sizes fall off like Zipf's
// law: a few failure modes recur very often.
const (
	recurringShare   = 0.18
	blockShare       = 0.50
	recurringCount   = 400
	blockSize        = 1000
	clustersPerBlock = 80
)

// stream constants keep the hashed streams of cases, patterns and rows apart.
const (
	streamCase uint64 = iota + 1
	streamRecurring
	streamBlock
	streamRow
)

func (g *Generator) plan(i int) *plan {
	p := &plan{i: i, r: newRNG(hash(g.seed, streamCase, uint64(i)))}
	g.cluster(p, p.r, i)
	g.chooseScenario(p, nil)
	g.chooseKind(p)
	g.chooseDate(p)
	g.chooseOperator(p)
	return p
}

// cluster decides whether the item belongs to a cluster and which.
func (g *Generator) cluster(p *plan, r *rng, i int) {
	u := r.float()
	switch {
	case u < recurringShare:
		k := r.zipf(recurringCount, 0.9)
		p.pat = hash(g.seed, streamRecurring, uint64(k))
		p.cluster = fmt.Sprintf("R%03d", k)
	case u < recurringShare+blockShare:
		b, k := i/blockSize, r.zipf(clustersPerBlock, 0.8)
		p.pat = hash(g.seed, streamBlock, uint64(b), uint64(k))
		p.cluster = fmt.Sprintf("B%d-%02d", b, k)
	}
}

// fixed is a choice among n that members of a cluster share: hashed from
// the pattern and the choice's name, so it does not depend on the order
// choices are made in. A one-off draws it from its own stream.
func (p *plan) fixed(name string, n int) int {
	if n <= 1 {
		return 0
	}
	if p.pat == 0 {
		return p.r.intn(n)
	}
	return newRNG(hash(p.pat, hashString(name))).intn(n)
}

// chooseScenario picks the failure mode; ok, when given, limits it to
// those an operator suffers (for quarterly rows).
func (g *Generator) chooseScenario(p *plan, ok func(*scenario) bool) {
	var buf [64]float64
	weights := buf[:len(scenarios)]
	for k := range scenarios {
		sc := &scenarios[k]
		if ok != nil && !ok(sc) {
			continue
		}
		weights[k] = sc.weight
		if p.pat != 0 && p.cluster[0] == 'R' {
			weights[k] *= max(1, recurring[sc.id])
		}
	}
	var k int
	if p.pat != 0 {
		k = newRNG(hash(p.pat, hashString("#scenario"))).weighted(weights)
		if weights[k] == 0 { // the cluster's mode does not fit: a one-off
			p.pat, p.cluster = 0, ""
			k = p.r.weighted(weights)
		}
	} else {
		k = p.r.weighted(weights)
	}
	p.sc = &scenarios[k]
	p.equip = p.sc.equipment[p.fixed("#equipment", len(p.sc.equipment))]
}

// Shares of the kinds and levels of generated cases: most are
// quarterly-report accidents, a few serious (SPEC §8 has ~6,300 quarterly
// and 3–17 serious a year; a benchmark base wants more of the rare kinds).
const (
	nearMissShare    = 0.05 // of the modes that can be one
	informationShare = 0.07
	seriousShare     = 0.03
)

func (g *Generator) chooseKind(p *plan) {
	u := p.r.float()
	switch {
	case p.sc.quarterlyOnly:
		p.kind, p.level = caseformat.KindAccident, levelQuarterly
	case u < nearMissShare && len(p.sc.nearMiss) > 0:
		p.kind, p.level = caseformat.KindNearMiss, levelMinor
		p.situation = p.sc.nearMiss[p.r.intn(len(p.sc.nearMiss))]
	case u < nearMissShare+informationShare:
		p.kind, p.level = caseformat.KindInformation, levelMinor
	case u < nearMissShare+informationShare+seriousShare:
		p.kind, p.level = caseformat.KindAccident, levelSerious
	default:
		p.kind, p.level = caseformat.KindAccident, levelQuarterly
	}
}

// chooseDate picks the occurrence: a fiscal year (slightly more recent
// ones: more operators, more services), a day, and an hour (maintenance
// work at night).
func (g *Generator) chooseDate(p *plan) {
	first := max(FirstFiscalYear, p.sc.from)
	var from, to time.Time
	if p.kind == caseformat.KindNearMiss {
		from, to = nearMissFrom, jpdate.FiscalYearStart(LastFiscalYear+1)
	} else {
		w := make([]float64, LastFiscalYear-first+1)
		for k := range w {
			w[k] = 1 + 0.06*float64(first+k-FirstFiscalYear)
		}
		fy := first + p.r.weighted(w)
		from, to = jpdate.FiscalYearStart(fy), jpdate.FiscalYearStart(fy+1)
	}
	days := int(to.Sub(from).Hours() / 24)
	day := from.AddDate(0, 0, p.r.intn(days))
	var hour int
	if p.sc.night && p.r.chance(0.7) {
		hour = p.r.between(0, 5)
	} else {
		hour = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}[p.r.weighted(hourWeights)]
	}
	p.occurred = time.Date(day.Year(), day.Month(), day.Day(), hour, p.r.intn(60), 0, 0, jpdate.JST)
}

// hourWeights: accidents happen at any hour, more by day.
var hourWeights = []float64{2, 2, 2, 2, 1.5, 1.5, 2, 3, 4, 5, 5, 5, 4, 5, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2}

// chooseOperator picks who reports: an operator of a kind the mode
// strikes, in business on the day. The registry's big operators report
// more often than any one small one.
func (g *Generator) chooseOperator(p *plan) {
	var buf [len(operatorsArray)]float64
	w := buf[:len(operators)]
	found := false
	for k := range operators {
		op := &operators[k]
		if !slices.Contains(p.sc.kinds, op.kind) || op.from.After(p.occurred) || !g.hasOffer(p, op) {
			continue
		}
		if own, ok := owners[p.equip]; ok && !slices.Contains(own, op.kind) {
			continue
		}
		w[k], found = operatorWeight(op), true
	}
	if !found { // cannot happen with the shipped tables (tested)
		panic(fmt.Sprintf("casegen: no operator for scenario %s on %s", p.sc.id, p.occurred))
	}
	p.op = &operators[p.r.weighted(w)]
	if p.sc.third == "mno" && p.r.chance(0.4) {
		// One real accident, two reports: the wholesale provider and its
		// customer (SPEC §2).
		var mno []string
		for _, name := range mnos {
			if op := operatorByName(name); op != nil && !op.from.After(p.occurred) {
				mno = append(mno, name)
			}
		}
		p.provider = pick(p.r, mno)
	}
}

func operatorWeight(op *operator) float64 {
	switch op.kind {
	case kMNO:
		return 8
	case kFixed:
		return 6
	case kLongDistance:
		return 4
	case kFree, kRegional:
		return 1.5
	}
	return 1
}

func operatorByName(name string) *operator {
	for k := range operators {
		if operators[k].name == name {
			return &operators[k]
		}
	}
	return nil
}

// hasOffer reports whether offersFor(p, op) is not empty.
func (g *Generator) hasOffer(p *plan, op *operator) bool {
	for k := range offers[op.kind] {
		if g.offerFits(p, &offers[op.kind][k]) {
			return true
		}
	}
	return false
}

func (g *Generator) offerFits(p *plan, o *offer) bool {
	return slices.Contains(p.sc.services, o.service) && (o.service != caseformat.ServiceLPWA || !p.occurred.Before(lpwaFrom))
}

// offersFor are the services of op the plan's mode can hit, on the day.
func (g *Generator) offersFor(p *plan, op *operator) []offer {
	var out []offer
	for k := range offers[op.kind] {
		if g.offerFits(p, &offers[op.kind][k]) {
			out = append(out, offers[op.kind][k])
		}
	}
	return out
}

// lpwaFrom: LPWA services began in Japan in 2017.
var lpwaFrom = time.Date(2017, time.April, 1, 0, 0, 0, 0, jpdate.JST)
