package rules

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"kensho/internal/jpdate"
)

// Thousands writes n with thousands separators: 30,000 (the reports and
// the pages print counts of users so).
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// durationText writes a duration in minutes, as the ordinance counts, with
// any odd seconds rounded down: "87 min", "59 min 59 s". Rounding down keeps
// a text from showing a threshold as reached when it was not.
func durationText(d time.Duration) string {
	m := int64(d / time.Minute)
	s := int64((d % time.Minute) / time.Second)
	if s == 0 {
		return Thousands(m) + " min"
	}
	return fmt.Sprintf("%s min %d s", Thousands(m), s)
}

func usersText(p *int64) string {
	if p == nil {
		return "an uncounted number of users"
	}
	return Thousands(*p) + " users"
}

func percent(f float64) string {
	return strconv.FormatFloat(f*100, 'f', -1, 64) + " %"
}

// levelText writes the level a duration was counted at: "≥30,000 users".
func levelText(t Threshold, level float64) string {
	op := "≥"
	if t.StrictShare {
		op = ">"
	}
	return op + Thousands(int64(math.Ceil(level))) + " users"
}

// thresholdText writes a threshold the way the ordinance reads:
// "≥60 min at ≥30,000 users".
func thresholdText(t Threshold, level float64) string {
	var dur string
	switch {
	case t.Minutes <= 0:
		dur = "any time"
	case t.Strict:
		dur = ">" + durationText(need(t))
	default:
		dur = "≥" + durationText(need(t))
	}
	shareOp := "≥"
	if t.StrictShare {
		shareOp = ">"
	}
	switch {
	case t.Share > 0 && level > 0:
		return fmt.Sprintf("%s at %s%s of subscribers (%s%s users)", dur, shareOp, percent(t.Share), shareOp, Thousands(int64(math.Ceil(level))))
	case t.Share > 0:
		return fmt.Sprintf("%s at %s%s of subscribers", dur, shareOp, percent(t.Share))
	case t.Users > 0:
		return fmt.Sprintf("%s at ≥%s users", dur, Thousands(t.Users))
	default:
		return dur + " affected"
	}
}

func dateJST(t time.Time) string { return jpdate.DateOf(t) }
