// Package jpdate holds the Japanese calendar facts Kenshō judges and displays
// by: Japan Standard Time, the April–March fiscal year and the imperial era
// calendar (和暦).
//
// JST is a fixed +09:00 zone: Japan has kept no daylight saving time since
// 1951, so a fixed zone is exact and needs no tz database on the machine.
package jpdate

import (
	"fmt"
	"time"
)

// JST is Japan Standard Time (UTC+9).
var JST = time.FixedZone("JST", 9*60*60)

// FiscalYear returns the Japanese fiscal year (April–March) of t, taken in
// JST: 2020-03-31T23:59+09:00 belongs to fiscal 2019, 2020-04-01T00:00+09:00
// to fiscal 2020.
func FiscalYear(t time.Time) int {
	j := t.In(JST)
	if j.Month() < time.April {
		return j.Year() - 1
	}
	return j.Year()
}

// FiscalYearStart returns the first instant of fiscal year fy in JST.
func FiscalYearStart(fy int) time.Time {
	return time.Date(fy, time.April, 1, 0, 0, 0, 0, JST)
}

// DateOf returns the calendar date of t in JST, formatted 2006-01-02.
func DateOf(t time.Time) string {
	return t.In(JST).Format(time.DateOnly)
}

// ParseDate parses a calendar date (2006-01-02) as the start of that day in JST.
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, JST)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date of the form 2006-01-02", s)
	}
	return t, nil
}

// era is one imperial era, from its first day.
type era struct {
	name  string
	start time.Time
}

// eras, newest first. Each begins on the day of the accession.
var eras = []era{
	{"令和", time.Date(2019, time.May, 1, 0, 0, 0, 0, JST)},
	{"平成", time.Date(1989, time.January, 8, 0, 0, 0, 0, JST)},
	{"昭和", time.Date(1926, time.December, 25, 0, 0, 0, 0, JST)},
	{"大正", time.Date(1912, time.July, 30, 0, 0, 0, 0, JST)},
	{"明治", time.Date(1868, time.January, 25, 0, 0, 0, 0, JST)},
}

// Wareki formats the JST date of t the way Japanese readers of an official
// report expect, with the Western year in brackets:
// 令和5年(2023年)7月22日; the first year of an era is 元年.
func Wareki(t time.Time) string {
	j := t.In(JST)
	for _, e := range eras {
		if !j.Before(e.start) {
			n := j.Year() - e.start.Year() + 1
			y := fmt.Sprintf("%d", n)
			if n == 1 {
				y = "元"
			}
			return fmt.Sprintf("%s%s年(%d年)%d月%d日", e.name, y, j.Year(), int(j.Month()), j.Day())
		}
	}
	return fmt.Sprintf("%d年%d月%d日", j.Year(), int(j.Month()), j.Day())
}

// FiscalYearName names fiscal year fy (April–March) the way official
// documents do, with the Western year in brackets: 令和元年度(2019年度),
// 平成30年度(2018年度). A fiscal year bears the era name of its calendar
// year, that is the era in force at the end of that year: the fiscal year
// begun on 2019-04-01, under Heisei, is 令和元年度, while fiscal 1988 (which
// ended under Heisei) stays 昭和63年度.
func FiscalYearName(fy int) string {
	end := time.Date(fy, time.December, 31, 0, 0, 0, 0, JST)
	for _, e := range eras {
		if !end.Before(e.start) {
			n := fy - e.start.Year() + 1
			y := fmt.Sprintf("%d", n)
			if n == 1 {
				y = "元"
			}
			return fmt.Sprintf("%s%s年度(%d年度)", e.name, y, fy)
		}
	}
	return fmt.Sprintf("%d年度", fy)
}
