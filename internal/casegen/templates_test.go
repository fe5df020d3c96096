package casegen

import (
	"slices"
	"strings"
	"testing"
)

// Every slot a template names exists: a case value, one of the mode's own
// pools or a synonym; and a mode's pools never hide those.
func TestTemplatesNameKnownSlots(t *testing.T) {
	common := map[string]bool{}
	for _, s := range caseSlots {
		common[s] = true
	}
	for s := range synonyms {
		if common[s] {
			t.Errorf("synonym {%s} is also a case value", s)
		}
		common[s] = true
	}
	check := func(where string, own map[string]pool, pools ...pool) {
		for _, pl := range pools {
			if len(pl) > 0 && pl[0].from != 0 {
				t.Errorf("%s: the first phrase of a pool must be in use in every year", where)
			}
			for _, ph := range pl {
				used := map[string]bool{}
				ph.t.slots(used)
				for s := range used {
					if strings.ContainsAny(s, "|[]") {
						t.Errorf("%s: {%s} looks like alternatives: write [a|b]", where, s)
					}
					if !common[s] && own[s] == nil {
						t.Errorf("%s: unknown slot {%s}", where, s)
					}
				}
			}
		}
	}
	generic := []pool{genericSummary, background, quarterlySummary, informationLead, genericMeasures, userHandling, nearMissSummary,
		informationSummary, nearMissNoEffect, cloudProviders, contractors, buildings}
	for k, pl := range nearMissOutcome {
		check("nearMissOutcome "+k, nil, pl)
	}
	for _, w := range []map[string]pool{stopWords, degradeWords} {
		for k, pl := range w {
			check("words "+k, nil, pl)
		}
	}
	for _, kind := range offers {
		for _, o := range kind {
			check("offer "+string(o.service), nil, o.names)
		}
	}
	check("outline", nil, pool{{t: outlineTpl}, {t: siteTpl}, {t: islandSiteTpl}, {t: effectStop}, {t: effectNearMiss},
		{t: effectDegraded["call"]}, {t: effectDegraded["send"]}, {t: effectDegraded["use"]}})
	for k, pl := range devices {
		check("devices "+k, nil, pl)
	}
	ids := map[string]bool{}
	for _, sc := range scenarios {
		if ids[sc.id] {
			t.Errorf("scenario %s twice", sc.id)
		}
		ids[sc.id] = true
		for name := range sc.slots {
			if common[name] {
				t.Errorf("scenario %s: slot {%s} hides a case value or synonym", sc.id, name)
			}
		}
		if sc.slots["event"] == nil {
			t.Errorf("scenario %s: no {event} (generic summaries need it)", sc.id)
		}
		pools := []pool{sc.summary, sc.cause, sc.develop, sc.recover, sc.measures}
		for _, pl := range sc.slots {
			pools = append(pools, pl)
		}
		for _, g := range generic {
			pools = append(pools, g)
		}
		check("scenario "+sc.id, sc.slots, pools...)
		if len(sc.cause) == 0 || len(sc.develop) == 0 || len(sc.recover) == 0 || len(sc.measures) == 0 {
			t.Errorf("scenario %s: cause, develop, recover and measures are all needed", sc.id)
		}
		for _, nm := range sc.nearMiss {
			if !slices.Contains([]string{"failover_failure", "capacity_exceeded/internal/voice", "capacity_exceeded/internal/data",
				"capacity_exceeded/attack/data", "capacity_exceeded/legitimate_crowd/data", "capacity_exceeded/legitimate_crowd/voice",
				"wrong_config_or_software", "satellite"}, nm) {
				t.Errorf("scenario %s: unknown near-miss situation %q", sc.id, nm)
			}
		}
	}
}
