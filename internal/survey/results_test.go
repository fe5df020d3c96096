package survey

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shares and the class of a lesson, computed by hand.
func TestResult(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		name        string
		tally       Tally
		answers     int
		implemented int
		implShare   float64
		effShare    *float64
		class       string
	}{
		{name: "the brief's example: 7 of 10 implemented, 6 of 7 effective",
			tally:   Tally{NewlyDone: 5, Revised: 2, Planned: 1, WantedButHard: 1, NotPlanned: 1, Effective: 6},
			answers: 10, implemented: 7, implShare: 0.7, effShare: f(6.0 / 7), class: ClassBoth},
		{name: "exactly 0.7 both ways (70 of 100, 49 of 70)", tally: Tally{NewlyDone: 50, Revised: 20, Planned: 30, Effective: 49},
			answers: 100, implemented: 70, implShare: 0.7, effShare: f(0.7), class: ClassBoth},
		{name: "implemented exactly 0.7, effective under", tally: Tally{NewlyDone: 7, NotPlanned: 3, Effective: 4},
			answers: 10, implemented: 7, implShare: 0.7, effShare: f(4.0 / 7), class: ClassImplemented},
		{name: "implemented just under 0.7 (69 of 100), effective all",
			tally:   Tally{NewlyDone: 69, NotPlanned: 31, Effective: 69},
			answers: 100, implemented: 69, implShare: 0.69, effShare: f(1), class: ClassEffective},
		{name: "implemented 0.8, effective 0.5: implemented only",
			tally:   Tally{NewlyDone: 4, Revised: 4, Planned: 2, Effective: 4},
			answers: 10, implemented: 8, implShare: 0.8, effShare: f(0.5), class: ClassImplemented},
		{name: "effective just under 0.7 (2 of 3)", tally: Tally{Revised: 3, Effective: 2},
			answers: 3, implemented: 3, implShare: 1, effShare: f(2.0 / 3), class: ClassImplemented},
		{name: "nothing implemented: effective share null, no class",
			tally:   Tally{Planned: 3, WantedButHard: 4, NotPlanned: 3},
			answers: 10, implemented: 0, implShare: 0, effShare: nil, class: ""},
		{name: "implemented but none effective", tally: Tally{NewlyDone: 1, Planned: 9},
			answers: 10, implemented: 1, implShare: 0.1, effShare: f(0), class: ""},
		{name: "no answers at all", tally: Tally{}, answers: 0, implemented: 0, implShare: 0, effShare: nil, class: ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Result(c.tally, 0.7)
			assert.Equal(t, c.answers, got.Answers)
			assert.Equal(t, c.implemented, got.Implemented)
			assert.Equal(t, c.tally.Effective, got.Effective)
			assert.InDelta(t, c.implShare, got.ImplementedShare, 1e-12)
			if c.effShare == nil {
				assert.Nil(t, got.EffectiveShare)
			} else {
				require.NotNil(t, got.EffectiveShare)
				assert.InDelta(t, *c.effShare, *got.EffectiveShare, 1e-12)
			}
			assert.Equal(t, c.class, got.Class)
			assert.Equal(t, c.tally.NewlyDone, got.NewlyDone)
			assert.Equal(t, c.tally.NotPlanned, got.NotPlanned)
		})
	}
	// The threshold is data: at 0.9 the brief's example is effective only.
	assert.Equal(t, ClassEffective, Result(Tally{NewlyDone: 5, Revised: 2, Planned: 1, WantedButHard: 1, NotPlanned: 1, Effective: 7}, 0.9).Class)
}

func TestTallyAdd(t *testing.T) {
	var tl Tally
	for _, a := range []struct {
		s string
		e bool
	}{{NewlyDone, true}, {Revised, false}, {Planned, true}, {WantedButHard, false}, {NotPlanned, false}, {"bogus", true}} {
		tl.Add(a.s, a.e)
	}
	assert.Equal(t, Tally{NewlyDone: 1, Revised: 1, Planned: 1, WantedButHard: 1, NotPlanned: 1, Effective: 1}, tl,
		"effective counts only for implemented answers; an unknown status counts nowhere")
}
