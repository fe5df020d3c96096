package rules

import (
	"fmt"
	"math"
	"slices"
	"time"

	"kensho/internal/caseformat"
)

// Bases of a judgement.
const (
	BasisTimeline       = "timeline"
	BasisPeakXDuration  = "peak_x_duration"
	minuteSeconds       = 60.0
	secondsPerUserHours = 3600.0
)

// segment is a stretch of time with a constant number of affected users.
// known is false when no period covering it gave a countable user number.
type segment struct {
	start, end time.Time
	users      int64
	known      bool
}

func (s segment) seconds() float64 { return s.end.Sub(s.start).Seconds() }

// profile is an impact's affected users over time: disjoint segments in
// time order. Periods that overlap add up, as two areas hit at once do.
type profile struct {
	segments []segment
	basis    string
	deemed   bool
	notes    []string
}

// buildProfile turns an impact into a profile, under a rule set's deemed-
// users rule and a category's count unit. Without a timeline it judges the
// peak over the whole accident and says so.
func buildProfile(c *caseformat.Case, im *caseformat.Impact, rs *RuleSet, countUnit caseformat.UserUnit) profile {
	pr := profile{basis: BasisTimeline}
	periods := im.Timeline
	if len(periods) == 0 {
		pr.basis = BasisPeakXDuration
		if c.RecoveredAt == nil || !c.RecoveredAt.After(c.OccurredAt) {
			pr.notes = append(pr.notes, "no timeline and no recovery time: the duration is unknown, so no duration threshold can be met yet")
			return pr
		}
		periods = []caseformat.Period{{From: c.OccurredAt, To: *c.RecoveredAt, Users: im.PeakUsers}}
		pr.notes = append(pr.notes, fmt.Sprintf("no timeline: judged on the peak of %s over the whole %s (peak × duration)",
			usersText(im.PeakUsers), minutesText(c.RecoveredAt.Sub(c.OccurredAt).Seconds()/minuteSeconds)))
	}

	unitOK := countUnit == "" || im.UserUnit == "" || im.UserUnit == countUnit || im.UserUnit == caseformat.UnitPeople
	if !unitOK {
		pr.notes = append(pr.notes, fmt.Sprintf("this category counts %s, not %s: the numbers reported in %s were not counted; report the number of %s",
			countUnit, im.UserUnit, im.UserUnit, countUnit))
	}
	deemed := int64(-1)
	if d := rs.DeemedUsers; d != nil && im.StoppedCapacityGbps != nil && *im.StoppedCapacityGbps > d.StoppedCapacityOverGbps {
		deemed = d.Users
	}

	type event struct {
		at      time.Time
		users   int64
		known   int
		covered int
	}
	events := make([]event, 0, 2*len(periods))
	usedDeemed, unknown := false, false
	for _, p := range periods {
		users, known := int64(0), 0
		switch {
		case p.Users != nil && unitOK:
			users, known = *p.Users, 1
		case p.Users == nil && deemed >= 0:
			users, known, usedDeemed = deemed, 1, true
		default:
			unknown = true
		}
		events = append(events, event{p.From, users, known, 1}, event{p.To, -users, -known, -1})
	}
	if usedDeemed {
		pr.deemed = true
		pr.notes = append(pr.notes, fmt.Sprintf("users not countable: a stopped capacity of %g Gbps (over %g Gbps) is deemed %s users",
			*im.StoppedCapacityGbps, rs.DeemedUsers.StoppedCapacityOverGbps, thousands(rs.DeemedUsers.Users)))
	} else if unknown && unitOK {
		if rs.DeemedUsers != nil {
			pr.notes = append(pr.notes, fmt.Sprintf("users not countable and no stopped capacity over %g Gbps: only the duration can be judged",
				rs.DeemedUsers.StoppedCapacityOverGbps))
		} else {
			pr.notes = append(pr.notes, "users not countable: only the duration can be judged")
		}
	}
	slices.SortStableFunc(events, func(a, b event) int { return a.at.Compare(b.at) })
	var users int64
	known, covered := 0, 0
	for i := 0; i < len(events); {
		at := events[i].at
		for i < len(events) && events[i].at.Equal(at) {
			users += events[i].users
			known += events[i].known
			covered += events[i].covered
			i++
		}
		if i < len(events) && covered > 0 {
			next := events[i].at
			s := segment{start: at, end: next, users: users, known: known > 0}
			if n := len(pr.segments); n > 0 && pr.segments[n-1].end.Equal(at) &&
				pr.segments[n-1].users == s.users && pr.segments[n-1].known == s.known {
				pr.segments[n-1].end = next
			} else {
				pr.segments = append(pr.segments, s)
			}
		}
	}
	return pr
}

// minutesAtLeast is the time, in minutes, during which at least level users
// were affected. A level of zero or less counts any affected time, countable
// or not.
func (p profile) minutesAtLeast(level float64) float64 {
	var s float64
	for _, seg := range p.segments {
		if level <= 0 || (seg.known && float64(seg.users) >= level) {
			s += seg.seconds()
		}
	}
	return s / minuteSeconds
}

// affectedMinutes is the total time anyone was affected.
func (p profile) affectedMinutes() float64 { return p.minutesAtLeast(0) }

// peak is the largest countable number of users affected at once.
func (p profile) peak() (int64, bool) {
	var m int64
	ok := false
	for _, seg := range p.segments {
		if seg.known {
			ok = true
			m = max(m, seg.users)
		}
	}
	return m, ok
}

// userHours integrates the countable users over time.
func (p profile) userHours() float64 {
	var s float64
	for _, seg := range p.segments {
		if seg.known {
			s += float64(seg.users) * seg.seconds()
		}
	}
	return s / secondsPerUserHours
}

// durationMeets compares minutes against a threshold's duration. Minutes are
// rounded to the second first so that 60 minutes made of odd float sums
// still meets "at least 60".
func durationMeets(minutes float64, t Threshold) bool {
	m := math.Round(minutes*minuteSeconds) / minuteSeconds
	if t.Strict {
		return m > t.Minutes
	}
	return m >= t.Minutes
}
