package rules_test

import (
	"time"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
)

// jst parses "2006-01-02 15:04" in JST.
func jst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, jpdate.JST)
	if err != nil {
		panic(err)
	}
	return t
}

func n(v int64) *int64 { return &v }

func per(from, to string, users int64) caseformat.Period {
	return caseformat.Period{From: jst(from), To: jst(to), Users: n(users)}
}

func imp(svc caseformat.Service, periods ...caseformat.Period) caseformat.Impact {
	im := caseformat.Impact{Service: svc, UserUnit: caseformat.UnitPeople, Timeline: periods}
	var peak int64
	for _, p := range periods {
		if p.Users != nil && *p.Users > peak {
			peak = *p.Users
		}
	}
	if len(periods) > 0 {
		im.PeakUsers = &peak
	}
	return im
}

// accident spans its impacts' periods; occurred and recovered may be given
// to widen it.
func accident(impacts ...caseformat.Impact) caseformat.Case {
	c := caseformat.Case{Ref: "t", Kind: caseformat.KindAccident, Operators: []caseformat.Operator{{Name: "試験通信株式会社", Role: caseformat.RoleReporter}}, Impacts: impacts}
	for _, im := range impacts {
		for _, p := range im.Timeline {
			if c.OccurredAt.IsZero() || p.From.Before(c.OccurredAt) {
				c.OccurredAt = p.From
			}
			if c.RecoveredAt == nil || p.To.After(*c.RecoveredAt) {
				to := p.To
				c.RecoveredAt = &to
			}
		}
	}
	return c
}

// window is a case with one impact of users over [from, from+minutes).
func window(svc caseformat.Service, date string, minutes int, users int64) caseformat.Case {
	from := jst(date + " 10:00")
	to := from.Add(time.Duration(minutes) * time.Minute)
	return accident(caseformat.Impact{Service: svc, UserUnit: caseformat.UnitPeople, PeakUsers: n(users),
		Timeline: []caseformat.Period{{From: from, To: to, Users: n(users)}}})
}

func with(c caseformat.Case, f func(*caseformat.Case)) caseformat.Case {
	f(&c)
	return c
}

func boolp(b bool) *bool { return &b }
