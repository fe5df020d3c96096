package report

import "time"

// Format names the JSON encoding of an annual report, version 1.
const Format = "kensho-annual-report/v1"

// Report is one edition of the annual verification report of one fiscal
// year (電気通信事故に関する検証報告): everything its outputs show and nothing
// else. The builder fills it from the case base through the public view
// only (published serious accidents, approved anonymised near-miss
// summaries, published guidance, aggregates of quarterly reports), and
// every output — page, PDF, XLSX, JSON — is rendered from it, so the leak
// scanner that checks it checks them all.
//
// It holds no build time and no database id: the same data and the same
// editorial text make the same bytes (ContentHash), whatever the day.
// Slices are never nil, so the JSON always has every key.
type Report struct {
	Format     string `json:"format"`
	FiscalYear int    `json:"fiscal_year"`
	// Edition counts from 1; a correction is a new edition of the year.
	Edition int `json:"edition"`
	// From and To are the first and last day of the fiscal year (JST),
	// 2006-01-02.
	From string `json:"from"`
	To   string `json:"to"`
	// Foreword is the editors' introduction (Japanese), and Correction,
	// for an edition after the first, what it corrects.
	Foreword   string `json:"foreword"`
	Correction string `json:"correction,omitempty"`

	Statistics Statistics        `json:"statistics"`
	Serious    []SeriousAccident `json:"serious_accidents"`
	NearMisses []NearMiss        `json:"near_misses"`
	Lessons    []LessonTheme     `json:"lessons"`
	Guidance   []Guidance        `json:"guidance"`
	Surveys    []Survey          `json:"surveys"`
}

// Label names a code in both languages.
type Label struct {
	Key string `json:"key"`
	JA  string `json:"ja"`
	EN  string `json:"en"`
}

// Series is one line of a multi-year table: a code and one value per year
// of Statistics.Years. A nil value is a suppressed cell: fewer operators
// than the minimum (SPEC §6: aggregates of quarterly reports with fewer
// than 3 operators in a cell are not published), or a cell withheld with
// one so that the other cannot be worked out from the year's total.
type Series struct {
	Label
	Values []*int `json:"values"`
}

// Cell is one value of a one-year table; Count is nil when suppressed
// (as a Series value is).
type Cell struct {
	Label
	Count *int `json:"count"`
}

// YearCount is a value of one fiscal year; Count nil when suppressed.
type YearCount struct {
	FiscalYear int  `json:"fiscal_year"`
	Count      *int `json:"count"`
}

// Statistics are the counts of the report (SPEC §7).
type Statistics struct {
	// Years are the fiscal years of the multi-year tables, oldest first:
	// the report's year and the nine before it.
	Years []int `json:"years"`
	// MinOperators is the fewest operators a published quarterly cell
	// may aggregate; smaller cells are nil.
	MinOperators int `json:"min_operators"`

	// Serious accidents per fiscal year under the rule set in force on
	// each one's date: in all, by service (a case counts once per service
	// it hit seriously) and by cause class.
	Serious          []YearCount `json:"serious"`
	SeriousByService []Series    `json:"serious_by_service"`
	SeriousByCause   []Series    `json:"serious_by_cause"`

	// Quarterly-report accidents of the detailed form: per year and by
	// cause class over the years, and for the report's year by cause
	// class, duration band and users band.
	Quarterly         []YearCount `json:"quarterly"`
	QuarterlyByCause  []Series    `json:"quarterly_by_cause"`
	QuarterlyCause    []Cell      `json:"quarterly_cause"`
	QuarterlyDuration []Cell      `json:"quarterly_duration"`
	QuarterlyUsers    []Cell      `json:"quarterly_users"`

	// Simple-form failures of the report's year: the total, by equipment
	// type and by quarter.
	Simple          *int   `json:"simple"`
	SimpleEquipment []Cell `json:"simple_equipment"`
	SimpleQuarter   []Cell `json:"simple_quarter"`

	// ReportingOperators counts the organisations that filed a quarterly
	// report (either form) or a serious accident of the report's year.
	ReportingOperators int `json:"reporting_operators"`
	// NearMisses counts the near-miss reports of the year, and
	// NearMissesPublished those with an approved anonymised summary.
	NearMisses          int `json:"near_misses"`
	NearMissesPublished int `json:"near_misses_published"`
}

// SeriousAccident is one published serious accident of the year: the
// public part of the case (SPEC §6) and the committee's lessons.
type SeriousAccident struct {
	// Number is its place in the report (1, 2, …), in occurrence order.
	Number      int        `json:"number"`
	Ref         string     `json:"ref"`
	Operators   []string   `json:"operators"`
	OccurredAt  time.Time  `json:"occurred_at"`
	RecoveredAt *time.Time `json:"recovered_at,omitempty"`
	// DurationMinutes is from occurrence to recovery.
	DurationMinutes *float64 `json:"duration_minutes,omitempty"`
	PeakUsers       *int64   `json:"peak_users,omitempty"`
	Area            string   `json:"area,omitempty"`
	Services        []Label  `json:"services"`
	Summary         string   `json:"summary"`
	Cause           Label    `json:"cause"`
	Measures        string   `json:"measures,omitempty"`
	// RuleSet is the rule set under which it is serious.
	RuleSet string      `json:"rule_set"`
	Lessons []LessonRef `json:"lessons"`
}

// NearMiss is one near-miss of the year as published: the approved
// anonymised summary, never the operator, the ref or the day.
type NearMiss struct {
	Number int `json:"number"`
	// Month is the month of occurrence, 2006-01.
	Month          string      `json:"month"`
	Situation      Label       `json:"situation"`
	Cause          Label       `json:"cause"`
	CauseArchetype Label       `json:"cause_archetype"`
	Text           string      `json:"text"`
	Lessons        []LessonRef `json:"lessons"`
}

// LessonRef is a lesson linked to a case of the report.
type LessonRef struct {
	ID    string `json:"id"`
	Theme string `json:"theme"`
	JA    string `json:"ja"`
	EN    string `json:"en"`
	// Recurring: first drawn in an earlier fiscal year.
	Recurring bool `json:"recurring"`
}

// LessonTheme groups the year's lessons under one theme of the catalogue.
type LessonTheme struct {
	Label
	New       []Lesson `json:"new"`
	Recurring []Lesson `json:"recurring"`
}

// Lesson is a lesson drawn in the report's year.
type Lesson struct {
	ID        string `json:"id"`
	JA        string `json:"ja"`
	EN        string `json:"en"`
	FirstYear int    `json:"first_year"`
	// Cases counts the year's cases (serious and near-miss) linked to it.
	Cases int `json:"cases"`
}

// Guidance is administrative guidance (行政指導) published and issued in
// the year.
type Guidance struct {
	// IssuedOn is 2006-01-02.
	IssuedOn     string `json:"issued_on"`
	Organisation string `json:"organisation"`
	Reference    string `json:"reference,omitempty"`
	Measures     string `json:"measures"`
	// CaseRef is the case's ref when its overview is public.
	CaseRef string `json:"case_ref,omitempty"`
}

// Survey is a closed follow-up survey of the year: how operators adopted
// earlier lessons.
type Survey struct {
	Title       string `json:"title"`
	ClosedOn    string `json:"closed_on"`
	Respondents int    `json:"respondents"`
	// Threshold is the share (0–1] a class needs, as configured when the
	// report was built (configs/report.yaml survey_class_threshold); 0 in
	// an edition built before it was recorded, which used 0.7.
	Threshold float64        `json:"threshold,omitempty"`
	Lessons   []SurveyLesson `json:"lessons"`
}

// ClassThreshold is the share a class of the survey needs.
func (s Survey) ClassThreshold() float64 {
	if s.Threshold <= 0 {
		return 0.7
	}
	return s.Threshold
}

// SurveyLesson is the answers about one lesson. Implemented counts
// newly done and revised; ImplementedShare is Implemented/Answers and
// EffectiveShare Effective/Implemented (nil without an implemented
// answer). Class is "both" (both ≥ the survey's threshold, 70 %),
// "implemented" (implemented only), "effective" (effective only) or "".
type SurveyLesson struct {
	ID               string   `json:"id"`
	JA               string   `json:"ja"`
	EN               string   `json:"en"`
	Answers          int      `json:"answers"`
	NewlyDone        int      `json:"newly_done"`
	Revised          int      `json:"revised"`
	Planned          int      `json:"planned"`
	WantedButHard    int      `json:"wanted_but_hard"`
	NotPlanned       int      `json:"not_planned"`
	Implemented      int      `json:"implemented"`
	Effective        int      `json:"effective"`
	ImplementedShare float64  `json:"implemented_share"`
	EffectiveShare   *float64 `json:"effective_share"`
	Class            string   `json:"class"`
}
