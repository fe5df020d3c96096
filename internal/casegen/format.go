package casegen

import (
	"fmt"
	"strconv"
	"time"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
)

// thousands writes 1234567 as 1,234,567.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	pre := len(s) % 3
	if pre > 0 {
		out = append(out, s[:pre]...)
	}
	for k := pre; k < len(s); k += 3 {
		if len(out) > 0 {
			out = append(out, ',')
		}
		out = append(out, s[k:k+3]...)
	}
	return string(out)
}

// counter is the counting word of a user unit.
func counter(u caseformat.UserUnit) string {
	switch u {
	case caseformat.UnitLines:
		return "回線"
	case caseformat.UnitContracts:
		return "契約"
	}
	return "人"
}

// users writes a number of users the way reports do: 約12万人, 約3,400人,
// 1,234,567人.
func users(r *rng, n int64, u caseformat.UserUnit) string {
	c := counter(u)
	switch {
	case n >= 10000 && r.chance(0.7):
		man := float64(n) / 10000
		if man >= 100 {
			return fmt.Sprintf("約%d万%s", int64(man+0.5), c)
		}
		return fmt.Sprintf("約%s万%s", strconv.FormatFloat(float64(int64(man*10+0.5))/10, 'f', -1, 64), c)
	case n >= 1000 && r.chance(0.5):
		return fmt.Sprintf("約%s%s", thousands((n+50)/100*100), c)
	}
	return thousands(n) + c
}

// duration writes minutes as 約2時間15分, 45分間 or 3日と4時間.
func duration(r *rng, m int) string {
	switch {
	case m < 60:
		return fmt.Sprintf("%d分間", m)
	case m >= 2880:
		d, h := m/1440, (m%1440)/60
		if h == 0 {
			return fmt.Sprintf("約%d日間", d)
		}
		return fmt.Sprintf("約%d日と%d時間", d, h)
	case m%60 == 0:
		return fmt.Sprintf("%d時間", m/60)
	case r.chance(0.3):
		return fmt.Sprintf("%d分間", m)
	}
	return fmt.Sprintf("約%d時間%d分", m/60, m%60)
}

// date writes the occurrence date, in 和暦 with the Western year or in
// the Western calendar.
func date(r *rng, t time.Time) string {
	if r.chance(0.5) {
		return jpdate.Wareki(t)
	}
	j := t.In(jpdate.JST)
	return fmt.Sprintf("%d年%d月%d日", j.Year(), int(j.Month()), j.Day())
}

// clock writes a time of day as 13時05分, naming the day when it is not
// the day of the occurrence.
func clock(t, day time.Time) string {
	j, d := t.In(jpdate.JST), day.In(jpdate.JST)
	hm := fmt.Sprintf("%d時%02d分", j.Hour(), j.Minute())
	switch {
	case j.Year() == d.Year() && j.YearDay() == d.YearDay():
		return hm
	case j.Sub(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, jpdate.JST)) < 48*time.Hour:
		return "翌日" + hm
	}
	return fmt.Sprintf("%d月%d日%s", int(j.Month()), j.Day(), hm)
}
