package triage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/jobs"
	"kensho/internal/llm"
	"kensho/internal/quarterly"
)

// Opinions asks an LLM for a second opinion on a case: for the case and
// its most similar past cases, a short Japanese rationale per candidate
// (the same failure mode or not), what is new in the case, and a draft
// lesson. The prompt holds only texts the egress policy lets the
// configured provider receive (access.Control.Egress, subject
// llm:<provider>), each tagged with its tier; personal data never.
//
// The call runs as a River job, so the triage desk never waits on the
// provider: Ask records a pending opinion and its job in one transaction,
// and any instance's runner (jobs.NewRunner) works it once. Prompt, answer
// and provenance are kept in llm_opinions (committee tier) and every
// request, sending and outcome is audited with digests, not texts.
//
// The system works fully without it: with the LLM off, Ask answers
// ErrLLMOff and List says so.
type Opinions struct {
	DB     *gorm.DB
	Access *access.Control
	// LLM is the provider's client; nil or disabled is off.
	LLM *llm.Client
	// Matcher gives Request its candidates; nil asks about the case alone.
	Matcher Matcher
	// Candidates is how many of the Matcher's best matches Request takes.
	Candidates int
	Log        *slog.Logger
	// Now is the clock (tests set it); nil is time.Now.
	Now func() time.Time

	jobs   *river.Client[*sql.Tx]
	labels *quarterly.Catalog
}

// NewOpinions builds the service over gdb. Its jobs are inserted through
// database/sql, in the transaction that records the pending opinion.
func NewOpinions(gdb *gorm.DB, ac *access.Control, client *llm.Client, candidates int, log *slog.Logger) (*Opinions, error) {
	if log == nil {
		log = slog.Default()
	}
	o := &Opinions{DB: gdb, Access: ac, LLM: client, Candidates: candidates, Log: log}
	// The Japanese names of services, causes and equipment (configs/).
	cat, err := quarterly.DefaultCatalog()
	if err != nil {
		return nil, err
	}
	o.labels = cat
	o.jobs, err = jobs.Inserter(gdb, log, func(w *river.Workers) error { return river.AddWorkerSafely(w, &opinionWorker{o: o}) })
	if err != nil {
		return nil, fmt.Errorf("opinions: %w", err)
	}
	return o, nil
}

// codes are the code lists whose Japanese labels the prompt uses.
func (o *Opinions) codes() *quarterly.Catalog {
	if o.labels == nil {
		if cat, err := quarterly.DefaultCatalog(); err == nil {
			return cat
		}
		return &quarterly.Catalog{}
	}
	return o.labels
}

func (o *Opinions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// The states of an opinion.
const (
	// OpinionPending: recorded, its job not yet finished.
	OpinionPending = "pending"
	// OpinionDone: the provider answered.
	OpinionDone = "done"
	// OpinionFailed: the provider failed (Error says how); nothing more
	// is tried — ask again.
	OpinionFailed = "failed"
	// OpinionWithheld: the policy lets nothing of the case go to the
	// provider, so nothing was sent (WithheldTiers say what was held back).
	OpinionWithheld = "withheld"
	// OpinionDisabled: the LLM was off on the instance that ran the job;
	// nothing was sent.
	OpinionDisabled = "disabled"
)

// Errors of the opinions, mapped to status codes by the transports.
var (
	// ErrLLMOff: the LLM second opinion is switched off (llm.enabled).
	ErrLLMOff = errors.New("the LLM second opinion is off (llm.enabled is false): nothing was sent; the similarity results stand on their own")
	// ErrOpinionNotFound: no such opinion on this case.
	ErrOpinionNotFound = errors.New("opinion not found")
)

// MaxCandidates is the most past cases one opinion compares.
const MaxCandidates = 10

// staleAfter is how long a pending opinion may wait before a new request
// counts it as lost (its job gone) and replaces it.
const staleAfter = 3 * time.Hour

// Opinion is one second opinion on a case, as the committee reads it.
type Opinion struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Status      string    `json:"status"`
	RequestedBy string    `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`
	// Source says where the text comes from: a machine, not the
	// committee — which provider, model and endpoint.
	Source OpinionSource `json:"source"`
	// Candidates are the past cases compared, with the answer about each.
	Candidates []OpinionCandidate `json:"candidates"`
	// SentTiers are the tiers whose text went into the prompt;
	// WithheldTiers those the policy held back.
	SentTiers     []access.Tier `json:"sent_tiers"`
	WithheldTiers []access.Tier `json:"withheld_tiers"`
	// WhatsNew and DraftLesson are read from the answer (Japanese).
	WhatsNew    string `json:"whats_new,omitempty"`
	DraftLesson string `json:"draft_lesson,omitempty"`
	// Parsed is false when the answer was not the JSON asked for: read
	// Response as it came.
	Parsed bool `json:"parsed"`
	// PromptSystem and Prompt are the instructions and the material as
	// sent; Response the answer as received.
	PromptSystem string `json:"prompt_system,omitempty"`
	Prompt       string `json:"prompt,omitempty"`
	Response     string `json:"response,omitempty"`
	// Attempts is how many attempts reached the provider.
	Attempts int `json:"attempts"`
	// Error says why it failed, in words safe to show.
	Error            string     `json:"error,omitempty"`
	PromptTokens     *int       `json:"prompt_tokens,omitempty"`
	CompletionTokens *int       `json:"completion_tokens,omitempty"`
	StartedAt        *time.Time `json:"started_at,omitempty"`
	FinishedAt       *time.Time `json:"finished_at,omitempty"`
	// DurationMS is from the call's start to its end.
	DurationMS *int64 `json:"duration_ms,omitempty"`
	// Note explains the status in one English sentence.
	Note string `json:"note"`
	// Hidden: the opinion draws on a past case the caller may not see, so
	// only its status and source are shown.
	Hidden bool `json:"hidden,omitempty"`
	casefile.Label
}

// OpinionSource is the provenance of an opinion.
type OpinionSource struct {
	// Kind is always "llm": the text is a model's second opinion, not the
	// committee's finding.
	Kind     string `json:"kind"`
	Provider string `json:"provider"`
	Model    string `json:"model"`
	Endpoint string `json:"endpoint"`
	// AnsweredBy is the model the endpoint said answered.
	AnsweredBy string `json:"answered_by,omitempty"`
}

// OpinionCandidate is one past case compared.
type OpinionCandidate struct {
	// Label is how the prompt names it (C1, C2…): refs do not leave.
	Label          string  `json:"label"`
	CaseID         int64   `json:"case_id,omitempty"`
	QuarterlyRowID int64   `json:"quarterly_row_id,omitempty"`
	Ref            string  `json:"ref"`
	Kind           string  `json:"kind"`
	Score          float64 `json:"score"`
	// Sent is false when the policy let nothing of it go: the provider
	// never saw it.
	Sent bool `json:"sent"`
	// SameFailureMode is yes, no or unclear, as the model judged.
	SameFailureMode string `json:"same_failure_mode,omitempty"`
	Rationale       string `json:"rationale,omitempty"`
}

// OpinionList is a case's opinions, newest first, and the state of the
// LLM now.
type OpinionList struct {
	CaseID   int64     `json:"case_id"`
	LLM      LLMStatus `json:"llm"`
	Opinions []Opinion `json:"opinions"`
}

// LLMStatus says whether opinions can be asked for, from whom, and
// whether the provider is failing (the breaker).
type LLMStatus struct {
	Enabled  bool   `json:"enabled"`
	Provider string `json:"provider,omitempty"`
	Model    string `json:"model,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	// Breaker is closed, open or half_open; OpenUntil when open.
	Breaker   string     `json:"breaker,omitempty"`
	OpenUntil *time.Time `json:"open_until,omitempty"`
	Note      string     `json:"note"`
}

// Enabled reports whether opinions can be asked for.
func (o *Opinions) Enabled() bool { return o != nil && o.LLM.Enabled() }

// Status is the LLM's state for pages and the API.
func (o *Opinions) Status() LLMStatus {
	if !o.Enabled() {
		return LLMStatus{Note: "The LLM second opinion is off (llm.enabled is false). Triage works without it."}
	}
	st := LLMStatus{Enabled: true, Provider: o.LLM.Provider(), Model: o.LLM.Model(), Endpoint: o.LLM.Host(),
		Breaker: string(o.LLM.State())}
	switch o.LLM.State() {
	case llm.Open:
		u := o.LLM.OpenUntil()
		st.OpenUntil = &u
		st.Note = "The provider failed repeatedly: requests fail at once until " + u.Format(time.RFC3339) + "."
	default:
		st.Note = "Opinions are asked of " + st.Provider + " (" + st.Model + " at " + st.Endpoint + "); only text the egress policy allows is sent."
	}
	return st
}

// Request asks for an opinion on case id with the Matcher's best
// candidates (none without a Matcher).
func (o *Opinions) Request(ctx context.Context, sub access.Subject, id int64) (*Opinion, error) {
	if _, err := o.authorise(ctx, sub, id, access.Consult); err != nil {
		return nil, err
	}
	if !o.Enabled() {
		return nil, ErrLLMOff
	}
	var cands []Match
	if o.Matcher != nil {
		k := o.Candidates
		if k <= 0 || k > MaxCandidates {
			k = 5
		}
		res, err := o.Matcher.Similar(ctx, sub, id, k)
		if err != nil {
			return nil, err
		}
		if res != nil {
			cands = res.Matches
		}
	}
	return o.Ask(ctx, sub, id, cands)
}

// Ask records a pending opinion on case id comparing it with candidates
// (past cases or quarterly rows the caller sees) and enqueues its job.
// While one is pending for the case, asking again returns it. When the
// policy lets nothing of the case go to the provider, nothing is sent:
// the opinion is recorded as withheld at once.
func (o *Opinions) Ask(ctx context.Context, sub access.Subject, id int64, candidates []Match) (*Opinion, error) {
	subj, err := o.authorise(ctx, sub, id, access.Consult)
	if err != nil {
		return nil, err
	}
	if !o.Enabled() {
		return nil, ErrLLMOff
	}
	cands, err := o.candidates(ctx, sub, id, candidates)
	if err != nil {
		return nil, err
	}
	provider := o.LLM.Provider()
	p := o.compose(provider, subj, cands)
	row := opinionRow{CaseID: id, RequestedBy: actor(sub), RequestedAt: o.now(), Provider: provider, Model: o.LLM.Model(),
		EndpointHost: o.LLM.Host(), Status: OpinionPending, Candidates: jsonOf(p.stored),
		SentTiers: jsonOf(p.sent), WithheldTiers: jsonOf(p.withheld), PromptSystem: p.system, Prompt: p.user,
		Rationale: jsonOf([]rationale{})}
	if p.nothing {
		now := o.now()
		row.Status, row.FinishedAt, row.PromptSystem, row.Prompt = OpinionWithheld, &now, "", ""
	}
	var existing int64
	err = o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := o.dropStale(ctx, tx, id); err != nil {
			return err
		}
		if row.Status == OpinionPending {
			// One pending opinion per case (a unique index): asking twice is one.
			if err := tx.Raw(`SELECT id FROM llm_opinions WHERE case_id = ? AND status = 'pending'`, id).Scan(&existing).Error; err != nil {
				return err
			}
			if existing != 0 {
				return nil
			}
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		refs := make([]string, 0, len(p.stored))
		for _, c := range p.stored {
			refs = append(refs, c.Ref)
		}
		if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionOpinionRequest, Object: opinionKey(id, row.ID),
			CaseID: id, Detail: map[string]any{"provider": provider, "model": row.Model, "endpoint": row.EndpointHost, "candidates": refs}}); err != nil {
			return err
		}
		if row.Status == OpinionWithheld {
			return o.auditOutcome(ctx, tx, &row, "")
		}
		sqlTx, ok := jobs.SQLTx(tx)
		if !ok {
			return errors.New("opinions: the transaction is not a database/sql one; the job could not join it")
		}
		_, err := o.jobs.InsertTx(ctx, sqlTx, OpinionArgs{OpinionID: row.ID}, nil)
		return err
	})
	if isUniqueViolation(err) { // a concurrent request recorded one first
		err = o.DB.WithContext(ctx).Raw(`SELECT id FROM llm_opinions WHERE case_id = ? AND status = 'pending'`, id).Scan(&existing).Error
	}
	if err != nil {
		return nil, err
	}
	if existing != 0 {
		return o.get(ctx, sub, id, existing)
	}
	return o.get(ctx, sub, id, row.ID)
}

// dropStale fails a pending opinion of case id whose job was lost (it
// waited far longer than any call may take), so that it no longer stands
// in the way of a new request.
func (o *Opinions) dropStale(ctx context.Context, tx *gorm.DB, id int64) error {
	var stale []opinionRow
	if err := tx.Where("case_id = ? AND status = 'pending' AND requested_at < ?", id, o.now().Add(-staleAfter)).Find(&stale).Error; err != nil {
		return err
	}
	for i := range stale {
		r := &stale[i]
		now := o.now()
		r.Status, r.FinishedAt, r.Error = OpinionFailed, &now, fmt.Sprintf("abandoned: no outcome was recorded within %s", staleAfter)
		if err := tx.Model(r).Select("status", "finished_at", "error").Updates(r).Error; err != nil {
			return err
		}
		if err := o.auditOutcome(ctx, tx, r, ""); err != nil {
			return err
		}
	}
	return nil
}

// List is the opinions on case id, newest first: committee material. A
// case the caller may not see is casefile.ErrNotFound; one it sees but
// whose committee part it may not read is casefile.ErrForbidden. Reading
// is audited.
func (o *Opinions) List(ctx context.Context, sub access.Subject, id int64) (*OpinionList, error) {
	if _, err := o.authorise(ctx, sub, id, access.Read); err != nil {
		return nil, err
	}
	var rows []opinionRow
	if err := o.DB.WithContext(ctx).Where("case_id = ?", id).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := &OpinionList{CaseID: id, LLM: o.Status(), Opinions: make([]Opinion, 0, len(rows))}
	for i := range rows {
		op, err := o.view(ctx, sub, &rows[i])
		if err != nil {
			return nil, err
		}
		out.Opinions = append(out.Opinions, *op)
	}
	if err := audit.Record(ctx, o.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead, Object: access.CaseKey(id) + "/opinions",
		CaseID: id, Detail: map[string]any{"tiers": []access.Tier{access.Committee}, "opinions": len(rows)}}); err != nil {
		return nil, err
	}
	return out, nil
}

// Get is one opinion on case id (for polling a pending one), with the
// checks and audit of List.
func (o *Opinions) Get(ctx context.Context, sub access.Subject, id, opinionID int64) (*Opinion, error) {
	if _, err := o.authorise(ctx, sub, id, access.Read); err != nil {
		return nil, err
	}
	op, err := o.get(ctx, sub, id, opinionID)
	if err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, o.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead, Object: opinionKey(id, opinionID),
		CaseID: id, Detail: map[string]any{"tiers": []access.Tier{access.Committee}, "status": op.Status}}); err != nil {
		return nil, err
	}
	return op, nil
}

func (o *Opinions) get(ctx context.Context, sub access.Subject, id, opinionID int64) (*Opinion, error) {
	var rows []opinionRow
	if err := o.DB.WithContext(ctx).Where("id = ? AND case_id = ?", opinionID, id).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrOpinionNotFound
	}
	return o.view(ctx, sub, &rows[0])
}

// authorise loads case id and checks that sub sees it (else ErrNotFound)
// and may act on its committee tier (else ErrForbidden).
func (o *Opinions) authorise(ctx context.Context, sub access.Subject, id int64, act access.Action) (*caseDoc, error) {
	d, err := o.loadCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if !d.visibleTo(o.Access, sub) {
		return nil, casefile.ErrNotFound
	}
	if !o.Access.Can(sub, d.ref, access.Committee, act) {
		return nil, casefile.ErrForbidden
	}
	return d, nil
}

// view is a stored opinion as sub may read it: in full, or — when it
// draws on a past case sub may not see (a declared conflict) — its status
// and source only.
func (o *Opinions) view(ctx context.Context, sub access.Subject, r *opinionRow) (*Opinion, error) {
	stored := r.Candidates.V
	byLabel := map[string]rationale{}
	for _, x := range r.Rationale.V {
		byLabel[x.Label] = x
	}
	op := &Opinion{ID: r.ID, CaseID: r.CaseID, Status: r.Status, RequestedBy: r.RequestedBy, RequestedAt: r.RequestedAt,
		Source:    OpinionSource{Kind: "llm", Provider: r.Provider, Model: r.Model, Endpoint: r.EndpointHost, AnsweredBy: r.AnsweredByModel},
		SentTiers: orEmpty(r.SentTiers.V), WithheldTiers: orEmpty(r.WithheldTiers.V), WhatsNew: r.WhatsNew, DraftLesson: r.DraftLesson,
		Parsed: r.Parsed, PromptSystem: r.PromptSystem, Prompt: r.Prompt, Response: r.Response, Attempts: r.Attempts, Error: r.Error,
		PromptTokens: r.PromptTokens, CompletionTokens: r.CompletionTokens, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		Candidates: make([]OpinionCandidate, 0, len(stored)), Label: casefile.Label{Tier: access.Committee, TLP: access.Committee.TLP()}}
	if r.StartedAt != nil && r.FinishedAt != nil {
		ms := r.FinishedAt.Sub(*r.StartedAt).Milliseconds()
		op.DurationMS = &ms
	}
	op.Note = note(r)
	visible, err := o.candidatesVisible(ctx, sub, stored)
	if err != nil {
		return nil, err
	}
	if !visible {
		return &Opinion{ID: op.ID, CaseID: op.CaseID, Status: op.Status, RequestedBy: op.RequestedBy, RequestedAt: op.RequestedAt,
			Source: op.Source, Candidates: []OpinionCandidate{}, SentTiers: []access.Tier{}, WithheldTiers: []access.Tier{},
			StartedAt: op.StartedAt, FinishedAt: op.FinishedAt, DurationMS: op.DurationMS, Hidden: true, Label: op.Label,
			Note: "This opinion draws on a case you may not see; only its status and source are shown."}, nil
	}
	for _, c := range stored {
		oc := OpinionCandidate{Label: c.Label, CaseID: c.CaseID, QuarterlyRowID: c.QuarterlyRowID, Ref: c.Ref, Kind: c.Kind,
			Score: c.Score, Sent: c.Sent}
		if x, ok := byLabel[c.Label]; ok && c.Sent {
			oc.SameFailureMode, oc.Rationale = x.Same, x.Text
		}
		op.Candidates = append(op.Candidates, oc)
	}
	return op, nil
}

// note explains a status in English (pages say it from the status and the
// tiers in the reader's language).
func note(r *opinionRow) string {
	switch r.Status {
	case OpinionPending:
		if r.StartedAt != nil {
			return "Asked of " + r.Provider + "; waiting for the answer."
		}
		return "Waiting to be sent to " + r.Provider + "."
	case OpinionDone:
		if !r.Parsed {
			return "Answered by " + r.Provider + ", but not in the form asked for: read the response as it came."
		}
		return "A machine-generated second opinion from " + r.Provider + " (" + r.Model + "); not the committee's finding."
	case OpinionFailed:
		return "The provider failed: " + r.Error + ". Nothing more is tried; ask again."
	case OpinionWithheld:
		return fmt.Sprintf("Nothing was sent: the policy lets %s receive none of this case's text (held back: %v).", r.Provider, r.WithheldTiers.V)
	case OpinionDisabled:
		return "Nothing was sent: the LLM was off on the server that ran the request."
	}
	return ""
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func actor(sub access.Subject) string {
	if sub.Key == "" {
		return access.Anonymous.Key
	}
	return sub.Key
}

func opinionKey(caseID, id int64) string {
	return fmt.Sprintf("%s/opinions/%d", access.CaseKey(caseID), id)
}

// opinionRow is a row of llm_opinions.
type opinionRow struct {
	ID               int64
	CaseID           int64
	RequestedBy      string
	RequestedAt      time.Time
	Provider         string
	Model            string
	EndpointHost     string
	AnsweredByModel  string
	Status           string
	Candidates       jsonb[[]storedCandidate]
	SentTiers        jsonb[[]access.Tier]
	WithheldTiers    jsonb[[]access.Tier]
	PromptSystem     string
	Prompt           string
	Response         string
	Parsed           bool
	Rationale        jsonb[[]rationale]
	WhatsNew         string
	DraftLesson      string
	Attempts         int
	Error            string
	PromptTokens     *int
	CompletionTokens *int
	StartedAt        *time.Time
	FinishedAt       *time.Time
}

func (opinionRow) TableName() string { return "llm_opinions" }

// storedCandidate is a candidate as kept: what the prompt called it and
// whose it is (for the readers' checks).
type storedCandidate struct {
	Label          string  `json:"label"`
	CaseID         int64   `json:"case_id,omitempty"`
	QuarterlyRowID int64   `json:"quarterly_row_id,omitempty"`
	OrganisationID int64   `json:"organisation_id,omitempty"`
	Ref            string  `json:"ref"`
	Kind           string  `json:"kind"`
	Score          float64 `json:"score"`
	Sent           bool    `json:"sent"`
}

// rationale is the answer about one candidate.
type rationale struct {
	Label string `json:"label"`
	// Same is yes, no or unclear.
	Same string `json:"same_failure_mode"`
	Text string `json:"rationale"`
}

// jsonb is a jsonb column holding a T.
type jsonb[T any] struct{ V T }

func jsonOf[T any](v T) jsonb[T] { return jsonb[T]{V: v} }

// Value stores the JSON text.
func (j jsonb[T]) Value() (driver.Value, error) {
	b, err := json.Marshal(j.V)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		b = []byte("[]")
	}
	return string(b), nil
}

// Scan reads the JSON text.
func (j *jsonb[T]) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, &j.V)
	case string:
		return json.Unmarshal([]byte(v), &j.V)
	case nil:
		var zero T
		j.V = zero
		return nil
	}
	return fmt.Errorf("jsonb: cannot scan %T", src)
}

// isUniqueViolation reports a PostgreSQL unique_violation (23505).
func isUniqueViolation(err error) bool {
	type sqlState interface{ SQLState() string }
	var e sqlState
	return err != nil && errors.As(err, &e) && e.SQLState() == "23505"
}

// tiersOf are the distinct tiers, in the order of access.CaseTiers (then
// the rest).
func tiersOf(ts []access.Tier) []access.Tier {
	out := []access.Tier{}
	for _, t := range append(slices.Clone(access.CaseTiers), access.Quarterly) {
		if slices.Contains(ts, t) {
			out = append(out, t)
		}
	}
	return out
}
