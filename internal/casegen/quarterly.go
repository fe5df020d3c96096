package casegen

import (
	"slices"
	"time"

	"kensho/internal/caseformat"
	"kensho/internal/quarterly"
)

// QuarterlyRow is one detailed-form row of a quarterly report (四半期報告,
// kensho-quarterly/v1): an accident that reached ≥30,000 users or ≥2 hours
// without being serious, described in a sentence.
type QuarterlyRow struct {
	Organisation    string
	FiscalYear      int
	Quarter         int
	EquipmentType   string
	Prefecture      string
	Ref             string
	OccurredAt      time.Time
	RecoveredAt     time.Time
	Service         caseformat.Service
	Users           int64
	DurationMinutes int64
	CauseClass      string
	CauseArchetype  string
	Summary         string
}

// QuarterlyRow returns detailed-form row j. Its operator is one of the
// operators of the first cases cases (so that a file of rows uploads once
// the file of cases is imported: quarterly uploads never create an
// organisation); with no cases, one of the registry's. Rows share the
// clusters of the cases of their block: a row may be the quarterly report
// of a failure mode the case base knows.
func (g *Generator) QuarterlyRow(j, cases int) QuarterlyRow {
	r := newRNG(hash(g.seed, streamRow, uint64(j)))
	var op *operator
	if cases > 0 {
		op = g.plan(int(hash(g.seed, streamRow, uint64(j), 1) % uint64(cases))).op
	} else {
		op = &operators[r.weighted(registryWeights)]
	}
	p := &plan{i: j, r: r, op: op, kind: caseformat.KindAccident, level: levelQuarterly, countable: true}
	g.cluster(p, r, j)
	fits := func(sc *scenario) bool {
		if !slices.Contains(sc.kinds, op.kind) || sc.from > LastFiscalYear {
			return false
		}
		for _, o := range offers[op.kind] {
			if slices.Contains(sc.services, o.service) && (o.service != caseformat.ServiceLPWA || op.kind == kLPWA) {
				return true
			}
		}
		return false
	}
	g.chooseScenario(p, fits)
	if own, ok := owners[p.equip]; ok && !slices.Contains(own, op.kind) {
		for _, e := range p.sc.equipment {
			if own, ok := owners[e]; !ok || slices.Contains(own, op.kind) {
				p.equip = e
				break
			}
		}
	}
	g.chooseDate(p)
	for k := 0; k < 8 && (p.occurred.Before(op.from) || !g.hasOffer(p, op)); k++ {
		g.chooseDate(p)
	}
	if p.occurred.Before(op.from) {
		p.occurred = op.from.Add(time.Duration(r.intn(300*24)) * time.Hour)
	}
	if !g.hasOffer(p, op) { // only LPWA fitted, before LPWA existed
		p.occurred = lpwaFrom.Add(time.Duration(r.intn(300*24)) * time.Hour)
	}

	x := &renderer{p: p, year: p.occurred.Year(), vals: make(map[string]string, 32)}
	x.vals["op"] = op.name
	g.specifics(p, x)
	prefs := g.place(p, x)
	ims := g.impacts(p, x)
	im := ims[0]
	end, affected := 0, 0
	var peak int64
	for _, w := range im.ws {
		end = max(end, w.to)
		affected += w.to - w.from
		if !w.unknown {
			peak = max(peak, w.users)
		}
	}
	g.times(p, x, end)
	x.vals["svc"] = im.name
	if im.degraded {
		x.set("effect", effectDegraded[im.o.verb])
	} else {
		x.set("effect", effectStop)
	}
	x.vals["users"] = users(r, max(peak, 1), im.o.unit)
	fy, q := quarterly.QuarterOf(p.occurred)
	return QuarterlyRow{
		Organisation: op.name, FiscalYear: fy, Quarter: q, EquipmentType: p.equip, Prefecture: prefs[0],
		Ref: g.QuarterlyRef(j), OccurredAt: p.occurred, RecoveredAt: p.occurred.Add(time.Duration(end) * time.Minute),
		Service: im.o.service, Users: peak, DurationMinutes: int64(affected),
		CauseClass: p.sc.class, CauseArchetype: p.sc.archetype, Summary: x.any(quarterlySummary),
	}
}

// registryWeights draw the registry's operators (the first seven) for
// rows without cases.
var registryWeights = func() []float64 {
	w := make([]float64, len(operators))
	for k := range 7 {
		w[k] = operatorWeight(&operators[k])
	}
	return w
}()

// Row is the row as the quarterly package stores it, for organisation
// org.
func (q QuarterlyRow) Row(org int64) quarterly.Row {
	return quarterly.Row{OrganisationID: org, FiscalYear: q.FiscalYear, Quarter: q.Quarter, Form: quarterly.FormDetailed,
		Key: q.Ref, EquipmentType: q.EquipmentType, Prefecture: q.Prefecture, OccurredAt: q.OccurredAt,
		RecoveredAt: q.RecoveredAt, Service: string(q.Service), Users: q.Users, DurationMinutes: q.DurationMinutes,
		CauseClass: q.CauseClass, CauseArchetype: q.CauseArchetype, Summary: q.Summary}
}
