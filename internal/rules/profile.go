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
	BasisTimeline      = "timeline"
	BasisPeakXDuration = "peak_x_duration"
)

// segment is a stretch of time with a constant number of affected users.
// known is false when no period covering it gave a countable number.
type segment struct {
	start, end time.Time
	users      int64
	known      bool
}

func (s segment) length() time.Duration { return s.end.Sub(s.start) }

// affected: someone was affected during the segment (a period reporting
// zero users is not an outage).
func (s segment) affected() bool { return !s.known || s.users > 0 }

// profile is an impact's affected users over time: disjoint segments in
// time order. Durations are kept exact, never rounded, so that 59 min 59.5 s
// does not meet "at least 60 minutes".
type profile struct {
	segments []segment
	basis    string
	deemed   bool
	// reported is the peak the report gave when no duration is known: it
	// still decides a users-only line such as the quarterly ≥30,000.
	reported *int64
	notes    []string
}

// buildProfile turns an impact into a profile, under a rule set's deemed-
// users rule and a category's count unit. Without a timeline it judges the
// peak over the whole accident and says so.
func buildProfile(c *caseformat.Case, im *caseformat.Impact, rs *RuleSet, countUnit caseformat.UserUnit) profile {
	pr := profile{basis: BasisTimeline}
	count := userCounter(im, rs, countUnit, &pr)
	periods := im.Timeline
	if len(periods) == 0 {
		pr.basis = BasisPeakXDuration
		if c.RecoveredAt == nil || !c.RecoveredAt.After(c.OccurredAt) {
			if users, known := count(im.PeakUsers); known {
				pr.reported = &users
			}
			if c.RecoveredAt == nil {
				pr.notes = append(pr.notes, "no timeline and no recovery time: the duration is not known yet, so no duration threshold can be met")
			} else {
				pr.notes = append(pr.notes, "no timeline and recovered_at equals occurred_at: no duration to judge")
			}
			return pr
		}
		periods = []caseformat.Period{{From: c.OccurredAt, To: *c.RecoveredAt, Users: im.PeakUsers}}
		pr.notes = append(pr.notes, fmt.Sprintf("no timeline: judged on the peak of %s over the whole %s (peak × duration)",
			usersText(im.PeakUsers), durationText(c.RecoveredAt.Sub(c.OccurredAt))))
	} else if im.PeakUsers != nil {
		var top int64
		for _, p := range periods {
			if p.Users != nil {
				top = max(top, *p.Users)
			}
		}
		if top > *im.PeakUsers {
			pr.notes = append(pr.notes, fmt.Sprintf("the timeline reaches %s users, more than peak_users (%s): the timeline is judged", Thousands(top), Thousands(*im.PeakUsers)))
		}
	}

	// Sweep the period boundaries. Periods of one impact should not
	// overlap (the decoder refuses it); where they do, the larger number
	// counts, so nothing is ever counted twice.
	type edge struct {
		at    time.Time
		i     int
		start bool
	}
	edges := make([]edge, 0, 2*len(periods))
	values := make([]int64, len(periods))
	known := make([]bool, len(periods))
	for i, p := range periods {
		values[i], known[i] = count(p.Users)
		edges = append(edges, edge{p.From, i, true}, edge{p.To, i, false})
	}
	slices.SortStableFunc(edges, func(a, b edge) int { return a.at.Compare(b.at) })
	// Periods rarely overlap, so the set of open periods is a short slice.
	var active []int
	for k := 0; k < len(edges); {
		at := edges[k].at
		for k < len(edges) && edges[k].at.Equal(at) {
			if edges[k].start {
				active = append(active, edges[k].i)
			} else if j := slices.Index(active, edges[k].i); j >= 0 {
				active = slices.Delete(active, j, j+1)
			}
			k++
		}
		if k == len(edges) || len(active) == 0 {
			continue
		}
		s := segment{start: at, end: edges[k].at}
		for _, i := range active {
			if known[i] && (!s.known || values[i] > s.users) {
				s.users, s.known = values[i], true
			}
		}
		if n := len(pr.segments); n > 0 && pr.segments[n-1].end.Equal(s.start) &&
			pr.segments[n-1].users == s.users && pr.segments[n-1].known == s.known {
			pr.segments[n-1].end = s.end
		} else {
			pr.segments = append(pr.segments, s)
		}
	}
	return pr
}

// userCounter returns how the impact's reported numbers count as users
// under the rule set and category, recording notes on pr: device lines are
// not contracts, and uncounted users may be deemed from stopped capacity.
func userCounter(im *caseformat.Impact, rs *RuleSet, countUnit caseformat.UserUnit, pr *profile) func(*int64) (int64, bool) {
	unitOK := true
	switch {
	case countUnit == "" || im.UserUnit == countUnit:
	case im.UserUnit == caseformat.UnitPeople || im.UserUnit == "":
		pr.notes = append(pr.notes, fmt.Sprintf("this category counts %s; the numbers were given in people and are counted as %s (give user_unit %q to be exact)",
			countUnit, countUnit, countUnit))
	default:
		unitOK = false
		pr.notes = append(pr.notes, fmt.Sprintf("this category counts %s, not %s: the numbers reported in %s were not counted; report the number of %s",
			countUnit, im.UserUnit, im.UserUnit, countUnit))
	}
	deemed := int64(-1)
	if d := rs.DeemedUsers; d != nil && im.StoppedCapacityGbps != nil && *im.StoppedCapacityGbps > d.StoppedCapacityOverGbps {
		deemed = d.Users
	}
	noted := false
	return func(users *int64) (int64, bool) {
		switch {
		case users != nil && unitOK:
			return *users, true
		case users == nil && deemed >= 0:
			if !noted {
				noted, pr.deemed = true, true
				pr.notes = append(pr.notes, fmt.Sprintf("users not countable: a stopped capacity of %g Gbps (over %g Gbps) is deemed %s users",
					*im.StoppedCapacityGbps, rs.DeemedUsers.StoppedCapacityOverGbps, Thousands(rs.DeemedUsers.Users)))
			}
			return deemed, true
		case users == nil && unitOK && !noted:
			noted = true
			if rs.DeemedUsers != nil {
				pr.notes = append(pr.notes, fmt.Sprintf("users not countable and no stopped capacity over %g Gbps: only the duration can be judged",
					rs.DeemedUsers.StoppedCapacityOverGbps))
			} else {
				pr.notes = append(pr.notes, "users not countable: only the duration can be judged")
			}
		}
		return 0, false
	}
}

// durationAt is the time during which at least level users (more than
// level, when strict) were affected. A level of zero or less counts any
// affected time, countable or not.
func (p profile) durationAt(level float64, strict bool) time.Duration {
	var d time.Duration
	for _, s := range p.segments {
		if (level <= 0 && s.affected()) || (level > 0 && s.known && levelMeets(s.users, level, strict)) {
			d += s.length()
		}
	}
	return d
}

// affected is the total time anyone was affected.
func (p profile) affected() time.Duration { return p.durationAt(0, false) }

// peak is the largest countable number of users affected at once.
func (p profile) peak() (int64, bool) {
	var m int64
	ok := false
	for _, s := range p.segments {
		if s.known {
			ok = true
			m = max(m, s.users)
		}
	}
	if !ok && p.reported != nil {
		return *p.reported, true
	}
	return m, ok
}

// userHours integrates the countable users over time.
func (p profile) userHours() float64 {
	var h float64
	for _, s := range p.segments {
		if s.known {
			h += float64(s.users) * s.length().Hours()
		}
	}
	return h
}

// need is a threshold's duration.
func need(t Threshold) time.Duration { return time.Duration(t.Minutes * float64(time.Minute)) }

// durationMeets compares a duration with a threshold's, exactly.
func durationMeets(d time.Duration, t Threshold) bool {
	if t.Strict {
		return d > need(t)
	}
	return d >= need(t)
}

// levelMeets compares a number of users with a threshold's level.
func levelMeets(users int64, level float64, strict bool) bool {
	if strict {
		return float64(users) > level
	}
	return float64(users) >= level
}

// minutesOf is a duration in minutes for JSON, rounded down to 1/100 so
// that it never shows a threshold as reached when it was not.
func minutesOf(d time.Duration) float64 { return math.Floor(d.Minutes()*100) / 100 }
