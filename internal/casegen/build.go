package casegen

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"kensho/internal/caseformat"
)

// Case returns case i (0-based).
func (g *Generator) Case(i int) caseformat.Case {
	p := g.plan(i)
	c, _ := g.build(p)
	return c
}

// renderer fills templates for one case: its own values, the mode's
// specifics (shared within a cluster, kept for the whole case once
// chosen) and synonyms (anew at every use).
type renderer struct {
	p    *plan
	year int
	vals map[string]string
}

// any renders a phrase of pl chosen for this case alone.
func (x *renderer) any(pl pool) string {
	return x.text(pl.at(x.year, x.p.r.intn(pl.count(x.year))))
}

// shared renders the phrase of pl the case's cluster shares (name keys
// the choice).
func (x *renderer) shared(pl pool, name string) string {
	return x.text(pl.at(x.year, x.p.fixed(name, pl.count(x.year))))
}

// mostly renders the cluster's phrase of pl, or (one time in three) the
// reporter's own way of putting it.
func (x *renderer) mostly(pl pool, name string) string {
	if x.p.r.chance(1.0 / 3) {
		return x.any(pl)
	}
	return x.shared(pl, name)
}

func (x *renderer) choose(n int) int { return x.p.r.intn(n) }

func (x *renderer) fill(b *strings.Builder, name string) {
	if v, ok := x.vals[name]; ok {
		b.WriteString(v)
		return
	}
	if pl, ok := x.p.sc.slots[name]; ok {
		var sb strings.Builder
		pl.at(x.year, x.p.fixed(name, pl.count(x.year))).render(&sb, x)
		v := sb.String()
		x.vals[name] = v
		b.WriteString(v)
		return
	}
	if pl, ok := synonyms[name]; ok {
		t := pl.at(x.year, x.p.r.intn(pl.count(x.year)))
		if sticky[name] { // one word for one thing within a report
			var sb strings.Builder
			t.render(&sb, x)
			x.vals[name] = sb.String()
			b.WriteString(x.vals[name])
			return
		}
		t.render(b, x)
		return
	}
	panic("casegen: template names unknown slot {" + name + "} (scenario " + x.p.sc.id + ")")
}

// text renders one template.
func (x *renderer) text(t tpl) string {
	var b strings.Builder
	t.render(&b, x)
	return b.String()
}

// set renders t and keeps it as slot name's value.
func (x *renderer) set(name string, t tpl) string {
	v := x.text(t)
	x.vals[name] = v
	return v
}

// impactPlan is one impact as built: the service offered and its windows.
type impactPlan struct {
	o        offer
	name     string
	degraded bool
	lim      limits
	ws       []window
	capacity *float64
}

var (
	effectStop     = compile("{svc}が{unusable}")
	effectDegraded = map[string]tpl{
		"call": compile("{svc}が{hard}"),
		"send": compile("{svc}に[遅延が{happened}|送受信の遅延が{happened}|遅延が生じる状態となった]"),
		"use":  compile("[{svc}が{hard}|{svc}が低速となった|{svc}の通信速度が低下した]"),
	}
	effectNearMiss = compile("{svc}に[影響が生じるおそれがあった|影響が及ぶおそれがあった]")
	siteTpl        = compile("{pref}{city}の{building}")
	islandSiteTpl  = compile("{pref}{island}の{building}")
	outlineTpl     = compile("{device}（{model}）。{site}に設置。[{active}・{standby}の冗長構成|二重化構成|単一構成|{count}台による負荷分散構成]。")
)

// stopWords end an impact's description, by what users do with the
// service.
var (
	stopWords = map[string]pool{
		"call": P("の発着信不可", "が利用不可", "の発信不可"),
		"send": P("の送受信不可", "が利用不可"),
		"use":  P("の利用不可", "が利用できない状態", "の停止"),
	}
	degradeWords = map[string]pool{
		"call": P("がつながりにくい状態（品質の低下）", "の発信がしにくい状態"),
		"send": P("の送受信の遅延", "が遅延（品質の低下）"),
		"use":  P("の通信速度の低下（品質の低下）", "がつながりにくい状態", "の遅延"),
	}
	nearMissNoEffect = P("利用者への影響なし", "予備系への切替えにより影響なし", "影響は軽微", "工事の切り戻しにより影響なし")
)

// build writes the case of plan p. It returns the case and the impacts'
// plans (for the quarterly rows).
func (g *Generator) build(p *plan) (caseformat.Case, []impactPlan) {
	x := &renderer{p: p, year: p.occurred.Year(), vals: make(map[string]string, 48)}
	x.vals["op"] = p.op.name
	r := p.r
	c := caseformat.Case{Ref: g.Ref(p.i), Kind: p.kind}
	if p.provider != "" {
		c.Operators = []caseformat.Operator{{Name: p.provider, Role: caseformat.RoleWholesaleProvider},
			{Name: p.op.name, Role: caseformat.RoleWholesaleCustomer}}
	} else {
		c.Operators = []caseformat.Operator{{Name: p.op.name, Role: caseformat.RoleReporter}}
	}

	// The mode's specifics: equipment, model, numbers.
	g.specifics(p, x)
	prefs := g.place(p, x)

	// Impacts and their timelines, against the rule set in force.
	ims := g.impacts(p, x)
	cf := g.critical(p, ims)
	end := 0
	for _, im := range ims {
		for _, w := range im.ws {
			end = max(end, w.to)
		}
	}
	nearMin := 0 // a near-miss lasts a while even with no impact
	if p.kind == caseformat.KindNearMiss {
		nearMin = max(end, r.between(4, 90))
		end = nearMin
	}
	if cf != nil {
		end = max(end, int(math.Ceil(cf.AllTrafficDownMinutes)))
	}
	extra := 0
	if r.chance(0.3) {
		extra = r.between(5, 30)
	}
	dropTimeline := len(ims) > 0 && r.chance(0.2) && singleWindow(ims)
	if dropTimeline {
		extra = 0 // judged over the whole accident: the windows are it
	}
	c.OccurredAt = p.occurred
	rec := p.occurred.Add(time.Duration(end+extra) * time.Minute)
	c.RecoveredAt = &rec
	x.vals["nm_min"] = fmt.Sprint(max(end+extra, 1))
	g.times(p, x, end+extra)

	var svcNames []string
	for k := range ims {
		svcNames = append(svcNames, ims[k].name)
		c.Impacts = append(c.Impacts, g.impact(p, x, &ims[k], dropTimeline))
	}
	if len(svcNames) == 0 { // a near-miss without impact names what was at risk
		o := g.offersFor(p, p.op)[0]
		svcNames = append(svcNames, x.any(o.names))
	}
	x.vals["svc"] = joinJA(svcNames)
	switch {
	case p.kind == caseformat.KindNearMiss:
		x.set("effect", effectNearMiss)
	case len(ims) > 0 && ims[0].degraded:
		x.set("effect", effectDegraded[ims[0].o.verb])
	default:
		x.set("effect", effectStop)
	}
	peak, unit := int64(0), caseformat.UnitPeople
	if len(c.Impacts) > 0 && c.Impacts[0].PeakUsers != nil {
		peak, unit = *c.Impacts[0].PeakUsers, c.Impacts[0].UserUnit
	}
	x.vals["users"] = users(r, max(peak, 1), unit)
	c.CriticalFacility = cf
	if p.kind == caseformat.KindNearMiss {
		c.NearMiss = g.nearMissFacts(p)
	}

	// The words.
	cause := x.mostly(p.sc.cause, "#cause")
	if r.chance(0.35) {
		cause += x.any(background)
	}
	c.Cause = &caseformat.Cause{Class: p.sc.class, Archetype: p.sc.archetype, Text: cause}
	c.Summary = g.summary(p, x, c.NearMiss)
	c.Detail = g.detail(p, x)
	c.Measures = g.measures(p, x)
	c.Area = x.vals["area"]
	c.Extra = caseformat.Extra{"report": g.reportItems(p, x, prefs)}
	return c, ims
}

// specifics sets the equipment, model and numbers of the mode: shared
// by the members of a cluster.
func (g *Generator) specifics(p *plan, x *renderer) {
	x.vals["device"] = x.shared(devices[p.equip], "#device")
	pre := modelPrefixes[p.equip]
	model := fmt.Sprintf("%s%d%s", pre[p.fixed("#model-prefix", len(pre))], 100+p.fixed("#model-number", 9900),
		modelSuffixes[p.fixed("#model-suffix", len(modelSuffixes))])
	x.vals["model"] = model
	x.vals["equip"] = x.vals["device"] + "（" + model + "）"
	x.vals["ver"] = fmt.Sprintf("Ver.%d.%d.%d", 1+p.fixed("#ver-major", 9), p.fixed("#ver-minor", 10), p.fixed("#ver-patch", 20))
	x.vals["days"] = fmt.Sprint(180 + p.fixed("#days", 1200))
	x.vals["count"] = fmt.Sprint(2 + p.fixed("#count", 11))
	x.vals["many"] = fmt.Sprint(10 + p.fixed("#many", 290))
	x.vals["pct"] = fmt.Sprint(3 + p.fixed("#pct", 8))
	x.vals["gbps"] = fmt.Sprint(10 * (5 + p.fixed("#gbps", 95)))
	switch p.sc.third {
	case "mno":
		prov := p.provider
		if prov == "" {
			var alive []string
			for _, n := range mnos {
				if op := operatorByName(n); op != nil && !op.from.After(p.occurred) {
					alive = append(alive, n)
				}
			}
			prov = alive[p.fixed("#provider", len(alive))]
		}
		x.vals["provider"] = prov
	case "cloud":
		x.vals["provider"] = x.shared(cloudProviders, "#provider")
	case "contractor":
		x.vals["provider"] = x.any(contractors)
	default:
		x.vals["provider"] = "他の事業者"
	}
}

// place decides the area and the site, and returns the prefectures
// (configs/codes.yaml ids) for the report's pick list.
func (g *Generator) place(p *plan, x *renderer) []string {
	r := p.r
	region := p.op.region
	var prefs []string
	switch {
	case p.sc.island:
		is := islands[r.intn(len(islands))]
		if len(region) > 0 && !slices.Contains(region, is.pref) {
			for _, c := range islands {
				if slices.Contains(region, c.pref) {
					is = c
					break
				}
			}
		}
		prefs = []string{is.pref}
		x.vals["island"] = is.name
		x.vals["pref"] = g.w.prefName[is.pref]
		x.vals["city"] = is.name
		x.vals["area"] = g.w.prefName[is.pref] + "の" + is.name
		x.set("site", islandSiteTpl)
		return prefs
	case region == nil && r.chance(p.sc.wide):
		prefs = []string{"nationwide"}
		x.vals["area"] = "全国"
	default:
		cands := region
		if cands == nil {
			cands = append(slices.Clone(east), west...)
		}
		n := 1
		if p.sc.local || r.chance(0.3) {
			n = 1 + r.intn(min(3, len(cands)))
		}
		start := r.intn(len(cands))
		for k := 0; k < n; k++ {
			prefs = append(prefs, cands[(start+k)%len(cands)])
		}
		names := make([]string, len(prefs))
		for k, id := range prefs {
			names[k] = g.w.prefName[id]
		}
		area := joinJA(names)
		if n == 1 && r.chance(0.6) {
			area += "の一部"
		}
		x.vals["area"] = area
	}
	site := prefs[0]
	if site == "nationwide" {
		site = pick(r, []string{"tokyo", "osaka", "aichi", "fukuoka", "miyagi", "hokkaido", "hiroshima", "kanagawa", "saitama"})
	}
	x.vals["pref"] = g.w.prefName[site]
	x.vals["city"] = pick(r, cities[site])
	x.vals["island"] = "離島"
	x.set("site", siteTpl)
	return prefs
}

// impacts chooses the services hit and builds their windows.
func (g *Generator) impacts(p *plan, x *renderer) []impactPlan {
	r := p.r
	offs := g.offersFor(p, p.op)
	first := r.intn(len(offs))
	chosen := []offer{offs[first]}
	if len(offs) > 1 {
		n := 1
		switch u := r.float(); {
		case u < 0.06:
			n = 3
		case u < 0.35:
			n = 2
		}
		for k := 1; k < len(offs) && len(chosen) < n; k++ {
			o := offs[(first+k)%len(offs)]
			if !slices.ContainsFunc(chosen, func(c offer) bool { return c.service == o.service }) {
				chosen = append(chosen, o)
			}
		}
	}
	if p.kind == caseformat.KindNearMiss {
		switch u := r.float(); {
		case u < 0.4:
			return nil
		case u < 0.75:
			o := chosen[0]
			return []impactPlan{{o: o, name: x.any(o.names), ws: nil}}
		}
		chosen = chosen[:1]
	}
	degraded := r.chance(p.sc.degrade)
	out := make([]impactPlan, 0, len(chosen))
	for k, o := range chosen {
		im := impactPlan{o: o, name: x.any(o.names), degraded: degraded,
			lim: g.limits(p.occurred, o.service)}
		cap := max(1, int64(float64(p.op.maxUsers)*o.share))
		if p.sc.island {
			cap = min(cap, 25000)
		}
		if k == 0 {
			deemable := !p.countable && o.unit == caseformat.UnitLines &&
				(o.service == caseformat.ServiceOther || o.service == caseformat.ServiceInternetAccess)
			lv := p.level
			if p.sc.critical != "" && im.lim.crit != nil && lv == levelSerious && p.sc.island {
				lv = levelQuarterly // serious through the critical facility
			}
			s, ok := im.lim.build(r, lv, cap, deemable)
			if !ok {
				p.level = levelQuarterly // too small an operator for a serious accident
				s, _ = im.lim.build(r, levelQuarterly, cap, deemable)
			}
			im.ws, im.capacity = s.ws, s.capacity
		} else {
			im.ws = im.lim.scaled(r, out[0].ws, p.level, cap)
		}
		out = append(out, im)
	}
	return out
}

// critical is the critical-facility outage of an island mode: serious
// by itself at the rule's duration (from 2015), a shorter one otherwise.
func (g *Generator) critical(p *plan, ims []impactPlan) *caseformat.CriticalFacility {
	if p.sc.critical == "" || len(ims) == 0 || ims[0].lim.crit == nil || p.kind != caseformat.KindAccident {
		return nil
	}
	need := ims[0].lim.crit.AllTrafficDownMinutes
	switch {
	case p.level == levelSerious:
		return &caseformat.CriticalFacility{Type: p.sc.critical, AllTrafficDownMinutes: math.Ceil(need * (1.05 + 3*p.r.float()))}
	case p.r.chance(0.5):
		return &caseformat.CriticalFacility{Type: p.sc.critical, AllTrafficDownMinutes: float64(p.r.between(10, max(10, int(need)-10)))}
	}
	return nil
}

func singleWindow(ims []impactPlan) bool {
	for _, im := range ims {
		if len(im.ws) != 1 || im.ws[0].from != 0 {
			return false
		}
	}
	return true
}

// times sets t0…t3 and the duration: occurrence, detection, first action,
// recovery.
func (g *Generator) times(p *plan, x *renderer, total int) {
	r := p.r
	t0 := p.occurred
	t3 := t0.Add(time.Duration(total) * time.Minute)
	detect := min(total/3, r.between(1, 20))
	act := detect + max(0, (total-detect)*r.between(20, 70)/100)
	x.vals["t0"] = clock(t0, t0)
	x.vals["t1"] = clock(t0.Add(time.Duration(detect)*time.Minute), t0)
	x.vals["t2"] = clock(t0.Add(time.Duration(act)*time.Minute), t0)
	x.vals["t3"] = clock(t3, t0)
	x.vals["dur"] = duration(r, max(total, 1))
	x.vals["date"] = date(r, t0)
}

// impact writes one impact.
func (g *Generator) impact(p *plan, x *renderer, im *impactPlan, dropTimeline bool) caseformat.Impact {
	r := p.r
	out := caseformat.Impact{Service: im.o.service, Degradation: im.degraded, UserUnit: im.o.unit}
	if out.UserUnit == "" {
		out.UserUnit = caseformat.UnitPeople
	}
	if im.ws == nil { // a near-miss that affected no one
		zero := int64(0)
		out.PeakUsers = &zero
		out.Description = x.any(nearMissNoEffect)
		out.Timeline = []caseformat.Period{}
		return out
	}
	var peak int64
	known := false
	for _, w := range im.ws {
		if !w.unknown {
			peak, known = max(peak, w.users), true
		}
	}
	if known {
		out.PeakUsers = &peak
	}
	out.StoppedCapacityGbps = im.capacity
	words := stopWords[im.o.verb]
	if im.degraded {
		words = degradeWords[im.o.verb]
	}
	out.Description = im.name + x.any(words)
	if im.o.service == caseformat.ServiceFreeInternet {
		mau := max(peak, int64(float64(peak)*(1.2+3*r.float())))
		out.MonthlyActiveUsers = &mau
		m := *im.o.mediates
		out.MediatesCommunications = &m
	}
	if r.chance(0.25) {
		subs := max(peak, int64(float64(p.op.maxUsers)*im.o.share))
		out.TotalSubscribers = &subs
	}
	out.Timeline = []caseformat.Period{}
	if dropTimeline {
		return out
	}
	for _, w := range im.ws {
		per := caseformat.Period{From: p.occurred.Add(time.Duration(w.from) * time.Minute), To: p.occurred.Add(time.Duration(w.to) * time.Minute)}
		if !w.unknown {
			u := w.users
			per.Users = &u
		}
		out.Timeline = append(out.Timeline, per)
	}
	return out
}

// nearMissFacts are the facts of the plan's situation, as the near-miss
// rules (configs/nearmiss) ask for them, and the outcome sentence.
func (g *Generator) nearMissFacts(p *plan) *caseformat.NearMiss {
	r := p.r
	parts := strings.Split(p.situation, "/")
	n := &caseformat.NearMiss{Situation: parts[0]}
	t, f := true, false
	b := func(v bool) *bool {
		if v {
			return &t
		}
		return &f
	}
	switch parts[0] {
	case "failover_failure":
		switched := r.chance(0.45)
		n.SwitchedPromptly = b(switched)
		n.NoticedPromptly = b(switched || r.chance(0.6))
	case "capacity_exceeded":
		n.CauseOrigin, n.Traffic = parts[1], parts[2]
		switch parts[1] {
		case "internal":
			n.CauseRemovedPromptly = b(r.chance(0.6))
		case "attack":
			blocked := r.chance(0.55)
			n.AttackBlocked, n.LegitTrafficDegraded = b(blocked), b(!blocked)
		case "legitimate_crowd":
			if parts[2] == "voice" {
				n.PriorityCallsFailed = b(r.chance(0.3))
			} else {
				n.BestEffort = b(r.chance(0.8))
			}
		}
	case "wrong_config_or_software":
		n.RolledBackPromptly = b(r.chance(0.6))
	}
	return n
}

// outcomeKey names the nearMissOutcome pool of the facts.
func outcomeKey(n *caseformat.NearMiss) string {
	is := func(p *bool) bool { return p != nil && *p }
	switch n.Situation {
	case "failover_failure":
		switch {
		case is(n.SwitchedPromptly):
			return "failover_failure/switched"
		case is(n.NoticedPromptly):
			return "failover_failure/noticed"
		}
		return "failover_failure/unnoticed"
	case "capacity_exceeded":
		switch n.CauseOrigin {
		case "internal":
			if is(n.CauseRemovedPromptly) {
				return "capacity_exceeded/internal/removed"
			}
			return "capacity_exceeded/internal/stuck"
		case "attack":
			if is(n.AttackBlocked) {
				return "capacity_exceeded/attack/blocked"
			}
			return "capacity_exceeded/attack/degraded"
		}
		if n.Traffic == "voice" {
			if is(n.PriorityCallsFailed) {
				return "capacity_exceeded/voice/priority_failed"
			}
			return "capacity_exceeded/voice/priority_ok"
		}
		if is(n.BestEffort) {
			return "capacity_exceeded/crowd/besteffort"
		}
		return "capacity_exceeded/crowd/guaranteed"
	case "wrong_config_or_software":
		if is(n.RolledBackPromptly) {
			return "wrong_config_or_software/rolled_back"
		}
		return "wrong_config_or_software/not_rolled_back"
	case "satellite":
		return "satellite"
	}
	return "other"
}

var (
	nearMissSummary = P(
		"{site}の{device}で{event}が{happened}。{outcome}",
		"{op}の{device}において{event}が{happen}、{effect}。{outcome}",
		"{event}により{effect}が、重大な事故には至らなかった。{outcome}",
	)
	nearMissDevelop = P(
		"{t0}頃、{site}の{device}で{event}が{happened}。",
		"{t0}、{device}において{event}が{happen}、{t1}に状況を把握した。",
		"{t0}頃、{event}により{device}の処理に異常が{happened}。",
	)
	informationSummary = P(
		"{event}により、{area}で{svc}が一時的に{unusable}（{dur}）。",
		"{area}で一部の利用者の{svc}が[つながりにくい状態|利用しづらい状態]が{dur}続いた。{event}によるもの。",
	)
)

func (g *Generator) summary(p *plan, x *renderer, nm *caseformat.NearMiss) string {
	r := p.r
	switch p.kind {
	case caseformat.KindNearMiss:
		out := nearMissOutcome[outcomeKey(nm)]
		x.vals["outcome"] = x.any(out)
		return x.any(nearMissSummary)
	case caseformat.KindInformation:
		return x.any(informationSummary)
	}
	own, gen := p.sc.summary, genericSummary
	if k := r.intn(len(own) + len(gen)); k < len(own) {
		return x.text(own[k].t)
	}
	return x.any(gen)
}

// detail writes the development, recovery and handling of users in the
// sections the intake's detailed form produces (intake.Catalogue.complete).
func (g *Generator) detail(p *plan, x *renderer) string {
	var parts []string
	section := func(head, text string) { parts = append(parts, "【"+head+"】"+text) }
	dev := x.mostly(p.sc.develop, "#develop")
	rec := x.mostly(p.sc.recover, "#recover")
	switch {
	case p.kind == caseformat.KindInformation:
		section("発生状況", x.any(informationLead)+dev)
	case p.kind == caseformat.KindNearMiss:
		section("発生状況", x.any(nearMissDevelop))
		section("措置模様", rec)
		section("重大な事故に至らなかった理由", x.vals["outcome"])
	case p.level == levelSerious:
		section("原因設備の概要", x.set("outline", outlineTpl))
		section("発生状況", dev)
		section("措置模様", rec)
		section("利用者対応", x.any(userHandling)+x.any(userHandling))
	default:
		section("発生状況", dev)
		section("措置模様", rec)
	}
	return strings.Join(parts, "\n")
}

// measures lists the recurrence-prevention measures: the cluster's own
// first, then others of the mode and general ones.
func (g *Generator) measures(p *plan, x *renderer) string {
	r := p.r
	own := p.sc.measures
	first := p.fixed("#measure", len(own))
	items := []string{x.text(own[first].t)}
	var more, general int
	switch {
	case p.kind == caseformat.KindInformation:
		if r.chance(0.5) {
			return ""
		}
	case p.level == levelSerious:
		more, general = 1+r.intn(2), 1+r.intn(2)
	default:
		more, general = r.intn(2), r.intn(2)
	}
	for k := 1; k <= more && k < len(own); k++ {
		items = append(items, x.text(own[(first+k)%len(own)].t))
	}
	start := r.intn(len(genericMeasures))
	for k := 0; k < general; k++ {
		items = append(items, x.text(genericMeasures[(start+k)%len(genericMeasures)].t))
	}
	if len(items) == 1 {
		return items[0]
	}
	var b strings.Builder
	style := r.intn(3)
	for k, it := range items {
		if k > 0 {
			b.WriteByte('\n')
		}
		switch style {
		case 0:
			fmt.Fprintf(&b, "(%d) %s", k+1, it)
		case 1:
			b.WriteString("・" + it)
		default:
			fmt.Fprintf(&b, "%s%s", string(rune('①'+k)), it)
		}
	}
	return b.String()
}

// reportItems is the case's "report" object (intake.Items): equipment
// type and outline, prefectures and the notice channels used.
func (g *Generator) reportItems(p *plan, x *renderer, prefs []string) json.RawMessage {
	r := p.r
	items := map[string]any{"equipment_type": p.equip, "prefectures": prefs}
	if v, ok := x.vals["outline"]; ok {
		items["equipment_outline"] = v
	} else {
		items["equipment_outline"] = x.vals["equip"]
	}
	if p.kind == caseformat.KindAccident {
		n := 1 + r.intn(3)
		start := r.intn(len(g.w.notices))
		var ns []string
		for k := 0; k < n; k++ {
			ns = append(ns, g.w.notices[(start+k)%len(g.w.notices)])
		}
		slices.SortFunc(ns, func(a, b string) int { return slices.Index(g.w.notices, a) - slices.Index(g.w.notices, b) })
		items["user_notices"] = ns
	}
	raw, err := caseformat.Marshal(items)
	if err != nil {
		panic(err) // strings and lists of strings: cannot fail
	}
	return raw
}

// joinJA joins names the Japanese way: A、B及びC.
func joinJA(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], "、") + "及び" + names[len(names)-1]
}
