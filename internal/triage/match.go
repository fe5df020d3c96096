// Package triage helps the secretariat decide how deeply to verify a new
// case: it finds the past cases a case resembles and says why (a BM25
// ranking over Japanese words and character bigrams plus agreement of
// service, cause and equipment), scores how novel the case is, and — when
// the configuration allows it — asks an LLM for a second opinion built
// only from text the egress policy lets leave.
//
// Every answer is the caller's: a past case the caller may not see is not
// among the matches, and text the caller may not read never shapes a
// score or an explanation.
package triage

import (
	"context"
	"time"

	"kensho/internal/access"
)

// The kinds of document the case base holds: the kinds of case, plus the
// detailed-form rows of quarterly reports, which are not cases.
const (
	DocAccident    = "accident"
	DocNearMiss    = "near_miss"
	DocInformation = "information"
	DocQuarterly   = "quarterly"
)

// Reason is one ground of a match, in a form pages translate (Code and
// Values) and in English for API clients and the command line (Text).
type Reason struct {
	// Code is phrases, service, cause_class, archetype, equipment,
	// operator or situation.
	Code string `json:"code"`
	// Values are what the two share: the key phrases, the service ids, the
	// archetype id…
	Values []string `json:"values"`
	// Text says it in one English sentence.
	Text string `json:"text"`
}

// Match is one document of the case base like the query.
type Match struct {
	// CaseID is the case; 0 for a quarterly-report row.
	CaseID int64 `json:"case_id,omitempty"`
	// QuarterlyRowID is the quarterly-report row; 0 for a case.
	QuarterlyRowID int64  `json:"quarterly_row_id,omitempty"`
	Ref            string `json:"ref"`
	// Kind is accident, near_miss, information or quarterly.
	Kind       string    `json:"kind"`
	FiscalYear int       `json:"fiscal_year"`
	OccurredAt time.Time `json:"occurred_at"`
	// Title is the summary the caller may read (the overview's, or a
	// near-miss's approved anonymised text), shortened.
	Title string `json:"title"`
	// Score is 0..1, best first; TextScore and FacetScore are its parts
	// before weighting.
	Score      float64 `json:"score"`
	TextScore  float64 `json:"text_score"`
	FacetScore float64 `json:"facet_score"`
	// Why are the grounds, most telling first.
	Why []Reason `json:"why"`
}

// Result is the answer for one case.
type Result struct {
	CaseID int64 `json:"case_id"`
	// Novelty is 1 − the best match's score (0..1; 1: nothing like it
	// before), over the case base as the caller sees it — the whole of it
	// for the secretariat and the committee.
	Novelty float64 `json:"novelty"`
	Matches []Match `json:"matches"`
}

// Matcher finds the cases like a stored case, as a caller may see them.
// The similarity engine implements it; the triage desk, the decision
// record and the LLM second opinion use it.
type Matcher interface {
	// Similar is the top k matches of case id for sub. A case sub may not
	// see is casefile.ErrNotFound.
	Similar(ctx context.Context, sub access.Subject, id int64, k int) (*Result, error)
}
