package rules

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"kensho/internal/jpdate"
)

// thousands writes n with thousands separators: 30,000.
func thousands(n int64) string {
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

// minutesText writes a duration: "49 min", "87.5 min".
func minutesText(m float64) string {
	r := math.Round(m*10) / 10
	if r == math.Trunc(r) {
		return thousands(int64(r)) + " min"
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + " min"
}

func usersText(p *int64) string {
	if p == nil {
		return "an uncounted number of users"
	}
	return thousands(*p) + " users"
}

func percent(f float64) string {
	return strconv.FormatFloat(f*100, 'f', -1, 64) + " %"
}

// thresholdText writes a threshold the way the ordinance reads:
// "≥60 min at ≥30,000 users".
func thresholdText(t Threshold, level float64) string {
	var dur string
	switch {
	case t.Minutes <= 0:
		dur = "any time"
	case t.Strict:
		dur = ">" + minutesText(t.Minutes)
	default:
		dur = "≥" + minutesText(t.Minutes)
	}
	switch {
	case t.Share > 0 && level > 0:
		return fmt.Sprintf("%s at ≥%s of subscribers (≥%s users)", dur, percent(t.Share), thousands(int64(math.Ceil(level))))
	case t.Share > 0:
		return fmt.Sprintf("%s at ≥%s of subscribers", dur, percent(t.Share))
	case t.Users > 0:
		return fmt.Sprintf("%s at ≥%s users", dur, thousands(t.Users))
	default:
		return dur + " affected"
	}
}

func dateJST(t time.Time) string { return jpdate.DateOf(t) }
