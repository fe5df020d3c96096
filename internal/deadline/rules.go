// Package deadline knows when operators' reports are due and chases them.
//
// SPEC §2: a serious accident's detailed report is due 30 days after it
// happened, a reportable near-miss's likewise, and a quarterly-report
// accident's report two months after its fiscal quarter ends. The rules are
// data (configs/deadlines.yaml); Sync turns a case's judgement and reports
// into one deadline per reporting organisation, inside the transaction that
// changed the case, and enqueues the reminders in that same transaction as
// River jobs. The jobs survive restarts and run once across instances; each
// records an in-app notification (once per stage, guarded by a unique key)
// and e-mails the organisation's reporters. Queue is the secretariat's view:
// what is overdue and what falls due soon, most urgent first.
package deadline

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"kensho/internal/jpdate"
)

// Conditions a deadline kind applies under (the `when` of deadlines.yaml).
const (
	SeriousAccident    = "serious_accident"
	ReportableNearMiss = "reportable_near_miss"
	QuarterlyAccident  = "quarterly_accident"
)

// Origins a deadline is counted from (the `from` of deadlines.yaml).
const (
	FromOccurrence = "occurrence"
	FromQuarterEnd = "quarter_end"
)

// ReportKinds are the kinds of reports (migration 00003) a deadline can be
// met by.
var ReportKinds = []string{"import", "quick", "detailed", "amendment", "quarterly_detailed", "information"}

// Kind is one kind of deadline: who owes it, when it falls due and which
// reports fulfil it.
type Kind struct {
	ID     string   `yaml:"id" json:"id"`
	JA     string   `yaml:"ja" json:"ja"`
	EN     string   `yaml:"en" json:"en"`
	When   []string `yaml:"when" json:"when"`
	From   string   `yaml:"from" json:"from"`
	Days   int      `yaml:"days" json:"days,omitempty"`
	Months int      `yaml:"months" json:"months,omitempty"`
	MetBy  []string `yaml:"met_by" json:"met_by"`
}

// Name is the kind's name in lang ("ja" or "en").
func (k *Kind) Name(lang string) string {
	if lang == "en" {
		return k.EN
	}
	return k.JA
}

// Due is the last day on time (midnight JST at its start) and the instant
// the deadline passes (the end of that day) for an occurrence at t.
func (k *Kind) Due(occurred time.Time) (dueOn, dueAt time.Time) {
	j := occurred.In(jpdate.JST)
	day := time.Date(j.Year(), j.Month(), j.Day(), 0, 0, 0, 0, jpdate.JST)
	switch k.From {
	case FromQuarterEnd:
		// Fiscal quarters start in April, July, October and January: the
		// quarter of month m starts at month m - (m-1)%3 (calendar months
		// line up with fiscal quarters because April = 4 ≡ 1 mod 3).
		start := time.Month(int(j.Month()) - (int(j.Month())-1)%3)
		after := time.Date(j.Year(), start+3, 1, 0, 0, 0, 0, jpdate.JST) // the day after the quarter
		dueAt = after.AddDate(0, k.Months, 0)
	default: // FromOccurrence: the day of occurrence is not counted.
		dueAt = day.AddDate(0, 0, k.Days+1)
	}
	return dueAt.AddDate(0, 0, -1), dueAt
}

// Stage is one reminder of a deadline.
type Stage struct {
	ID   string `yaml:"id"`
	Days int    `yaml:"days"`
	JA   string `yaml:"ja"`
	EN   string `yaml:"en"`
}

// MessageKey is the key a notification of this stage carries.
func (s *Stage) MessageKey() string { return "reminder." + s.ID }

// Rules are configs/deadlines.yaml, validated.
type Rules struct {
	Kinds     []*Kind `yaml:"kinds"`
	Reminders struct {
		At     string   `yaml:"at"`
		Stages []*Stage `yaml:"stages"`
	} `yaml:"reminders"`
	Queue struct {
		WithinDays int `yaml:"within_days"`
	} `yaml:"queue"`

	// atMinutes is Reminders.At as minutes after midnight.
	atMinutes int
}

// Kind is the deadline kind id, or nil.
func (r *Rules) Kind(id string) *Kind {
	for _, k := range r.Kinds {
		if k.ID == id {
			return k
		}
	}
	return nil
}

// Stage is the reminder stage id, or nil.
func (r *Rules) Stage(id string) *Stage {
	for _, s := range r.Reminders.Stages {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// StageByKey is the stage whose message key is key, or nil.
func (r *Rules) StageByKey(key string) *Stage {
	for _, s := range r.Reminders.Stages {
		if s.MessageKey() == key {
			return s
		}
	}
	return nil
}

// RemindAt is when stage s of a deadline whose last day is dueOn goes out.
func (r *Rules) RemindAt(dueOn time.Time, s *Stage) time.Time {
	d := dueOn.In(jpdate.JST)
	return time.Date(d.Year(), d.Month(), d.Day()+s.Days, 0, r.atMinutes, 0, 0, jpdate.JST)
}

// RulesError lists every problem of deadlines.yaml, each with its field.
type RulesError struct{ Problems []string }

func (e *RulesError) Error() string {
	return "configs/deadlines.yaml: " + strings.Join(e.Problems, "; ")
}

// LoadRules reads and validates deadlines.yaml from fsys (configs.FS).
func LoadRules(fsys fs.FS) (*Rules, error) {
	data, err := fs.ReadFile(fsys, "deadlines.yaml")
	if err != nil {
		return nil, err
	}
	return ParseRules(data)
}

var (
	idRE          = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	placeholderRE = regexp.MustCompile(`\{([a-z_]+)\}`)
	placeholders  = []string{"ref", "kind", "due", "days"}
)

// ParseRules decodes deadlines.yaml strictly (unknown keys are errors) and
// checks every field.
func ParseRules(data []byte) (*Rules, error) {
	var r Rules
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return nil, &RulesError{Problems: []string{err.Error()}}
	}
	var problems []string
	bad := func(field, format string, args ...any) {
		problems = append(problems, field+": "+fmt.Sprintf(format, args...))
	}
	if len(r.Kinds) == 0 {
		bad("kinds", "at least one kind of deadline is needed")
	}
	seen := map[string]bool{}
	for i, k := range r.Kinds {
		f := fmt.Sprintf("kinds[%d]", i)
		switch {
		case !idRE.MatchString(k.ID):
			bad(f+".id", "%q: lower-case letters, digits and _", k.ID)
		case seen[k.ID]:
			bad(f+".id", "%q appears twice", k.ID)
		}
		seen[k.ID] = true
		if strings.TrimSpace(k.JA) == "" || strings.TrimSpace(k.EN) == "" {
			bad(f, "ja and en names are required")
		}
		if len(k.When) == 0 {
			bad(f+".when", "name at least one of %s, %s, %s", SeriousAccident, ReportableNearMiss, QuarterlyAccident)
		}
		for j, w := range k.When {
			if w != SeriousAccident && w != ReportableNearMiss && w != QuarterlyAccident {
				bad(fmt.Sprintf("%s.when[%d]", f, j), "%q: want %s, %s or %s", w, SeriousAccident, ReportableNearMiss, QuarterlyAccident)
			}
		}
		switch k.From {
		case FromOccurrence:
			if k.Days < 1 || k.Days > 366 || k.Months != 0 {
				bad(f, "from occurrence counts days: 1–366, and no months (got days %d, months %d)", k.Days, k.Months)
			}
		case FromQuarterEnd:
			if k.Months < 1 || k.Months > 12 || k.Days != 0 {
				bad(f, "from quarter_end counts months: 1–12, and no days (got months %d, days %d)", k.Months, k.Days)
			}
		default:
			bad(f+".from", "%q: want %s or %s", k.From, FromOccurrence, FromQuarterEnd)
		}
		if len(k.MetBy) == 0 {
			bad(f+".met_by", "name the report kinds that fulfil it")
		}
		for j, m := range k.MetBy {
			if !slices.Contains(ReportKinds, m) {
				bad(fmt.Sprintf("%s.met_by[%d]", f, j), "%q is not a report kind (%s)", m, strings.Join(ReportKinds, ", "))
			}
		}
	}
	at, err := time.Parse("15:04", r.Reminders.At)
	if err != nil {
		bad("reminders.at", "%q: want a JST time of day such as 09:00", r.Reminders.At)
	}
	r.atMinutes = at.Hour()*60 + at.Minute()
	stages := map[string]bool{}
	for i, s := range r.Reminders.Stages {
		f := fmt.Sprintf("reminders.stages[%d]", i)
		switch {
		case !idRE.MatchString(s.ID):
			bad(f+".id", "%q: lower-case letters, digits and _", s.ID)
		case stages[s.ID]:
			bad(f+".id", "%q appears twice", s.ID)
		}
		stages[s.ID] = true
		if s.Days < -60 || s.Days > 60 {
			bad(f+".days", "%d: at most 60 days before or after", s.Days)
		}
		if i > 0 && s.Days <= r.Reminders.Stages[i-1].Days {
			bad(f+".days", "stages go in time order: %d is not after %d", s.Days, r.Reminders.Stages[i-1].Days)
		}
		for lang, text := range map[string]string{"ja": s.JA, "en": s.EN} {
			if strings.TrimSpace(text) == "" {
				bad(f+"."+lang, "the message is required")
			}
			for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
				if !slices.Contains(placeholders, m[1]) {
					bad(f+"."+lang, "unknown placeholder {%s} (known: {%s})", m[1], strings.Join(placeholders, "}, {"))
				}
			}
		}
	}
	if r.Queue.WithinDays < 1 || r.Queue.WithinDays > 366 {
		bad("queue.within_days", "%d: want 1–366", r.Queue.WithinDays)
	}
	if len(problems) > 0 {
		return nil, &RulesError{Problems: problems}
	}
	return &r, nil
}

// Message renders the text of a notification in lang from its key and
// parameters, as stored: {due} is a date (2006-01-02) shown as 和暦 with the
// Western year in Japanese, {kind} a deadline kind shown by its name. An
// unknown key renders as itself, so that an old notification still shows
// something after its stage was removed from the configuration.
func (r *Rules) Message(lang, key string, params map[string]any) string {
	s := r.StageByKey(key)
	if s == nil {
		return key
	}
	text := s.JA
	if lang == "en" {
		text = s.EN
	}
	return placeholderRE.ReplaceAllStringFunc(text, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := params[name]
		if !ok {
			return m
		}
		str := fmt.Sprint(v)
		switch name {
		case "due":
			if t, err := jpdate.ParseDate(str); err == nil {
				if lang == "en" {
					return jpdate.DateOf(t)
				}
				return jpdate.Wareki(t)
			}
		case "kind":
			if k := r.Kind(str); k != nil {
				return k.Name(lang)
			}
		case "days":
			if f, ok := v.(float64); ok { // numbers read back from jsonb
				return strconv.Itoa(int(f))
			}
		}
		return str
	})
}
