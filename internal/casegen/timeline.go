package casegen

import (
	"math"
	"slices"
	"time"

	"kensho/internal/caseformat"
	"kensho/internal/rules"
)

// limits are the thresholds that judge one service on one day, read from
// the rule set in force (configs/rules): impacts are built to land on the
// side of them that the case's level asks for.
type limits struct {
	serious []rules.Threshold // users and minutes lines of the service's category
	qUsers  int64             // quarterly: a moment with at least this many users…
	qMins   float64           // …or this much affected time
	deemed  *rules.DeemedUsers
	crit    *rules.CriticalFacilityRule
}

func (g *Generator) limits(t time.Time, s caseformat.Service) limits {
	rs, err := g.rules.InForceOn(t)
	if err != nil {
		// FirstFiscalYear is after the first rule set in force; a rules
		// directory without one is refused by the tests.
		panic("casegen: " + err.Error())
	}
	l := limits{qUsers: math.MaxInt64, qMins: math.Inf(1), deemed: rs.DeemedUsers, crit: rs.CriticalFacility}
	for _, c := range rs.Categories {
		if c.When != nil || !slices.Contains(c.Services, s) {
			continue
		}
		for _, th := range c.Serious {
			if th.Share == 0 && th.Users > 0 {
				l.serious = append(l.serious, th)
			}
		}
		break
	}
	if q := rs.Quarterly; q != nil {
		for _, th := range q.AnyOf {
			switch {
			case th.Minutes <= 0 && th.Users > 0:
				l.qUsers = min(l.qUsers, th.Users)
			case th.Users == 0 && th.Minutes > 0:
				l.qMins = math.Min(l.qMins, th.Minutes)
			}
		}
	}
	return l
}

// minUsers is the fewest users any serious line needs.
func (l limits) minUsers() int64 {
	m := int64(math.MaxInt64)
	for _, t := range l.serious {
		m = min(m, t.Users)
	}
	return m
}

// tmin is the shortest duration a serious line needs at p users (+Inf if
// no line applies at p).
func (l limits) tmin(p int64) float64 {
	m := math.Inf(1)
	for _, t := range l.serious {
		if p >= t.Users {
			m = math.Min(m, t.Minutes)
		}
	}
	return m
}

// window is a period of an impact, in minutes after the occurrence.
type window struct {
	from, to int
	users    int64
	unknown  bool // users could not be counted
}

func length(ws []window) int {
	n := 0
	for _, w := range ws {
		n += w.to - w.from
	}
	return n
}

// serious reports whether the windows meet a serious line: the time with
// at least U users reaches T (rules.profile, on disjoint windows).
func (l limits) isSerious(ws []window, capacity *float64) bool {
	for _, t := range l.serious {
		at := 0
		for _, w := range ws {
			if u, ok := w.count(l, capacity); ok && u >= t.Users {
				at += w.to - w.from
			}
		}
		if at > 0 && float64(at) >= t.Minutes {
			return true
		}
	}
	return false
}

// isQuarterly reports whether the windows meet the quarterly rule.
func (l limits) isQuarterly(ws []window, capacity *float64) bool {
	affected := 0
	for _, w := range ws {
		u, ok := w.count(l, capacity)
		if ok && u >= l.qUsers {
			return true
		}
		if !ok || u > 0 {
			affected += w.to - w.from
		}
	}
	return affected > 0 && float64(affected) >= l.qMins
}

// count is the users a window counts for, deemed from stopped capacity
// when they were not countable.
func (w window) count(l limits, capacity *float64) (int64, bool) {
	if !w.unknown {
		return w.users, true
	}
	if l.deemed != nil && capacity != nil && *capacity > l.deemed.StoppedCapacityOverGbps {
		return l.deemed.Users, true
	}
	return 0, false
}

// shape is an impact's windows and, when users were not countable, the
// stopped capacity.
type shape struct {
	ws       []window
	capacity *float64
}

// build makes the windows of an impact of level lv with at most cap users;
// ok is false when the operator is too small for the level.
func (l limits) build(r *rng, lv level, cap int64, deemable bool) (shape, bool) {
	if deemable && l.deemed != nil && lv != levelMinor && r.chance(0.35) {
		if s, ok := l.buildDeemed(r, lv); ok {
			return s, true
		}
	}
	switch lv {
	case levelSerious:
		return l.buildSerious(r, cap)
	case levelQuarterly:
		return l.buildQuarterly(r, cap), true
	}
	return l.buildMinor(r, cap), true
}

func (l limits) buildSerious(r *rng, cap int64) (shape, bool) {
	var lines []rules.Threshold
	for _, t := range l.serious {
		if t.Users <= cap {
			lines = append(lines, t)
		}
	}
	if len(lines) == 0 {
		return shape{}, false
	}
	t := lines[0]
	if len(lines) > 1 && r.chance(0.4) {
		t = lines[1+r.intn(len(lines)-1)]
	}
	p := r.logUniform(int64(math.Ceil(float64(t.Users)*1.02)), max(int64(math.Ceil(float64(t.Users)*1.02)), min(cap, t.Users*30)))
	p = min(max(p, t.Users), cap)
	need := int(math.Ceil(t.Minutes))
	total := min(max(need+5, int(float64(need)*(1.1+1.9*r.float()))), 8640)
	var ws []window
	switch u := r.float(); {
	case u < 0.55:
		ws = []window{{0, total, p, false}}
	case u < 0.8:
		ws = intermittent(r, total, p, 2+r.intn(2))
	default:
		ws = []window{{0, total, p, false}}
		at := total
		for k := 0; k < 1+r.intn(2); k++ {
			d := r.between(30, 240)
			ws = append(ws, window{at, at + d, max(1, p*int64(r.between(5, 30))/100), false})
			at += d
		}
	}
	return shape{ws: ws}, l.isSerious(ws, nil)
}

// intermittent splits total minutes into k windows of users with gaps
// between them: intermittent outages add up (SPEC §3).
func intermittent(r *rng, total int, users int64, k int) []window {
	k = max(1, min(k, total/10))
	cuts := make([]int, 0, k+1)
	cuts = append(cuts, 0)
	for j := 1; j < k; j++ {
		cuts = append(cuts, r.between(j*total/k-total/(3*k), j*total/k+total/(3*k)))
	}
	cuts = append(cuts, total)
	var ws []window
	at := 0
	for j := 0; j < k; j++ {
		d := max(1, cuts[j+1]-cuts[j])
		ws = append(ws, window{at, at + d, users, false})
		at += d + r.between(10, 120)
	}
	return ws
}

func (l limits) buildQuarterly(r *rng, cap int64) shape {
	minU := l.minUsers()
	high := cap >= l.qUsers && l.qUsers != math.MaxInt64
	choice := 0 // low users, long
	if high {
		choice = r.weighted([]float64{35, 30, 20, 15})
	}
	var ws []window
	switch choice {
	case 0:
		hi := min(cap, minU-1, l.qUsers-1)
		p := r.logUniform(min(200, hi), max(min(200, hi), hi))
		d := r.between(int(l.qMins)+1, 1800)
		if math.IsInf(l.qMins, 1) {
			d = r.between(30, 1800)
		}
		ws = []window{{0, d, max(p, 1), false}}
	default:
		p := r.logUniform(l.qUsers, max(l.qUsers, min(cap, l.qUsers*40)))
		limit := l.tmin(p)
		short := 600
		if !math.IsInf(limit, 1) {
			short = max(2, int(limit*0.9)-1)
		}
		switch choice {
		case 1: // many users, briefly
			ws = []window{{0, r.between(max(1, short/4), short), p, false}}
		case 2: // a short peak and a long tail with few users (SPEC §3)
			d1 := r.between(max(1, short/3), short)
			tail := min(minU-1, l.qUsers-1)
			ws = []window{{0, d1, p, false}, {d1, d1 + r.between(60, 600), r.logUniform(min(300, tail), max(min(300, tail), tail)), false}}
		default: // intermittent, adding up to less than a serious line
			ws = intermittent(r, r.between(max(2, short/2), short), p, 2+r.intn(3))
		}
	}
	if l.isSerious(ws, nil) || !l.isQuarterly(ws, nil) {
		// Cannot happen by construction; keep the case honest regardless.
		ws = []window{{0, int(math.Min(l.qMins, 1e6)) + 30, max(1, min(cap, minU-1, l.qUsers-1)), false}}
	}
	return shape{ws: ws}
}

// buildMinor stays below the quarterly threshold: few users, briefly.
func (l limits) buildMinor(r *rng, cap int64) shape {
	hi := max(1, min(cap, l.minUsers()-1, l.qUsers-1))
	p := r.logUniform(min(50, hi), hi)
	d := r.between(3, max(3, int(math.Min(l.qMins, 600))-5))
	return shape{ws: []window{{0, d, p, false}}}
}

// buildDeemed is an impact whose users could not be counted (a leased
// line): the stopped capacity decides (SPEC §3, from 2015).
func (l limits) buildDeemed(r *rng, lv level) (shape, bool) {
	over := l.deemed.StoppedCapacityOverGbps
	t := l.tmin(l.deemed.Users)
	switch {
	case lv == levelSerious && !math.IsInf(t, 1):
		gbps := math.Round((over+0.5+r.float()*60)*10) / 10
		d := min(8640, max(int(t)+5, int(t*(1.1+1.5*r.float()))))
		return shape{ws: []window{{0, d, 0, true}}, capacity: &gbps}, true
	case lv == levelQuarterly && !math.IsInf(t, 1) && r.chance(0.5):
		gbps := math.Round((over+0.5+r.float()*30)*10) / 10
		d := r.between(5, max(5, int(t*0.9)-1))
		return shape{ws: []window{{0, d, 0, true}}, capacity: &gbps}, true
	case lv == levelQuarterly && !math.IsInf(l.qMins, 1):
		gbps := math.Round((0.1+r.float()*(over-0.3))*10) / 10
		d := r.between(int(l.qMins)+1, 1500)
		return shape{ws: []window{{0, d, 0, true}}, capacity: &gbps}, true
	}
	return shape{}, false
}

// scaled is a second impact over the same windows: another service of
// the same accident, with its own number of users, kept on the level's
// side of the thresholds.
func (l limits) scaled(r *rng, base []window, lv level, cap int64) []window {
	ratio := 0.2 + r.float()
	ws := make([]window, len(base))
	for k, w := range base {
		u := int64(math.Round(float64(w.users) * ratio))
		if w.unknown {
			u = 0
		}
		ws[k] = window{w.from, w.to, min(max(u, 1), cap), false}
	}
	for lv != levelSerious && l.isSerious(ws, nil) {
		for k := range ws {
			ws[k].users = max(1, ws[k].users/2)
		}
	}
	if lv == levelMinor {
		top := max(1, min(l.minUsers()-1, l.qUsers-1))
		for k := range ws {
			ws[k].users = min(ws[k].users, top)
		}
	}
	return ws
}
