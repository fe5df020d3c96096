package survey

import "kensho/internal/report"

// The classes of a lesson's results (SPEC §7), as report.SurveyLesson.Class.
const (
	// ClassBoth: both shares reach the threshold (実施率・有効率とも70%以上).
	ClassBoth = "both"
	// ClassImplemented: only the implemented share does (実施率のみ70%以上).
	ClassImplemented = "implemented"
	// ClassEffective: only the effective share does (有効率のみ70%以上).
	ClassEffective = "effective"
)

// Tally counts the answers about one lesson: each status, and how many of
// the implemented answers said the measure was effective.
type Tally struct {
	NewlyDone, Revised, Planned, WantedButHard, NotPlanned int
	Effective                                              int
}

// Add counts one answer.
func (t *Tally) Add(status string, effective bool) {
	switch status {
	case NewlyDone:
		t.NewlyDone++
	case Revised:
		t.Revised++
	case Planned:
		t.Planned++
	case WantedButHard:
		t.WantedButHard++
	case NotPlanned:
		t.NotPlanned++
	default:
		return
	}
	if effective && Implemented(status) {
		t.Effective++
	}
}

// Result is the results of one lesson from its tally: the counts,
// implemented = newly done + revised, the implemented share of all answers,
// the effective share of the implemented ones (nil when none was
// implemented: there is nothing to be effective), and the class against
// threshold. The lesson's id and texts are the caller's to fill.
//
// The shares are compared with the threshold as computed (a/b in float64,
// correctly rounded), so a share of exactly the threshold — 7 of 10
// against 0.7 — reaches it, as the report's "70 % or more" says.
func Result(t Tally, threshold float64) report.SurveyLesson {
	l := report.SurveyLesson{NewlyDone: t.NewlyDone, Revised: t.Revised, Planned: t.Planned, WantedButHard: t.WantedButHard,
		NotPlanned: t.NotPlanned, Effective: t.Effective}
	l.Answers = t.NewlyDone + t.Revised + t.Planned + t.WantedButHard + t.NotPlanned
	l.Implemented = t.NewlyDone + t.Revised
	if l.Answers > 0 {
		l.ImplementedShare = float64(l.Implemented) / float64(l.Answers)
	}
	if l.Implemented > 0 {
		e := float64(t.Effective) / float64(l.Implemented)
		l.EffectiveShare = &e
	}
	impl := l.Answers > 0 && l.ImplementedShare >= threshold
	eff := l.EffectiveShare != nil && *l.EffectiveShare >= threshold
	switch {
	case impl && eff:
		l.Class = ClassBoth
	case impl:
		l.Class = ClassImplemented
	case eff:
		l.Class = ClassEffective
	}
	return l
}
