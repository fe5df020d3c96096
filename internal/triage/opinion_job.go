package triage

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/llm"
)

// OpinionQueue is the River queue of opinion jobs: their own, so that a
// slow provider never holds up a reminder.
const OpinionQueue = "opinions"

// OpinionArgs is the job of one pending opinion.
type OpinionArgs struct {
	OpinionID int64 `json:"opinion_id"`
}

// Kind names the job in river_job.
func (OpinionArgs) Kind() string { return "kensho.llm_opinion" }

// InsertOpts: one job per opinion, whatever inserts it again. Its attempts
// are for failures of Kenshō's own (the database); the provider's are
// the client's retries, inside one attempt.
func (OpinionArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: OpinionQueue, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// AddWorkers registers the opinion worker in w: the opinions' part of an
// instance's one job runner (jobs.NewRunner). It is registered whether the
// LLM is on or not, so that a job left from when it was on is closed as
// disabled rather than left waiting.
func (o *Opinions) AddWorkers(w *river.Workers) (string, error) {
	return OpinionQueue, river.AddWorkerSafely(w, &opinionWorker{o: o})
}

type opinionWorker struct {
	river.WorkerDefaults[OpinionArgs]
	o *Opinions
}

// Work runs one opinion. The row's status is the guard: a job that finds
// it no longer pending (a second run, a retry after the outcome was
// recorded) does nothing.
func (w *opinionWorker) Work(ctx context.Context, job *river.Job[OpinionArgs]) error {
	err := w.o.run(ctx, job.Args.OpinionID)
	if err != nil && job.Attempt >= job.MaxAttempts && ctx.Err() == nil {
		// The last try: do not leave the opinion pending for ever.
		w.o.Log.Error("opinion job failed for good", "opinion", job.Args.OpinionID, "error", err)
		if ferr := w.o.fail(context.WithoutCancel(ctx), job.Args.OpinionID, "the opinion could not be recorded (an internal error); ask again"); ferr != nil {
			w.o.Log.Error("recording the failed opinion", "opinion", job.Args.OpinionID, "error", ferr)
		}
	}
	return err
}

// Timeout gives the call the client's whole budget (every attempt and
// wait) and the database its share.
func (w *opinionWorker) Timeout(*river.Job[OpinionArgs]) time.Duration {
	return w.o.LLM.Budget() + time.Minute
}

// run sends a pending opinion's prompt — rebuilt now, from the policy and
// the tiers as they are when the text leaves — and records the outcome.
func (o *Opinions) run(ctx context.Context, id int64) error {
	var rows []opinionRow
	if err := o.DB.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return err
	}
	if len(rows) == 0 || rows[0].Status != OpinionPending {
		return nil
	}
	r := &rows[0]
	if !o.Enabled() {
		return o.finish(ctx, r, func(r *opinionRow) {
			r.Status, r.Error = OpinionDisabled, "the LLM is off on the server that ran this request (llm.enabled is false): nothing was sent"
		}, "")
	}
	subj, err := o.loadCase(ctx, r.CaseID)
	if err != nil {
		return err
	}
	cands, err := o.reload(ctx, r.Candidates.V)
	if err != nil {
		return err
	}
	provider := o.LLM.Provider()
	p := o.compose(provider, subj, cands)
	r.Provider, r.Model, r.EndpointHost = provider, o.LLM.Model(), o.LLM.Host()
	r.Candidates, r.SentTiers, r.WithheldTiers = jsonOf(p.stored), jsonOf(p.sent), jsonOf(p.withheld)
	if p.nothing {
		return o.finish(ctx, r, func(r *opinionRow) { r.Status, r.PromptSystem, r.Prompt = OpinionWithheld, "", "" }, "")
	}

	// What is about to leave is recorded, and audited, before it leaves.
	started := o.now()
	r.StartedAt, r.PromptSystem, r.Prompt = &started, p.system, p.user
	err = o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(r).Where("status = ?", OpinionPending).
			Select("provider", "model", "endpoint_host", "candidates", "sent_tiers", "withheld_tiers", "started_at", "prompt_system", "prompt").Updates(r)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errSettled
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: r.RequestedBy, Action: audit.ActionOpinionSend, Object: opinionKey(r.CaseID, r.ID),
			CaseID: r.CaseID, Detail: map[string]any{"provider": r.Provider, "model": r.Model, "endpoint": r.EndpointHost,
				"tiers_sent": p.sent, "tiers_withheld": p.withheld, "prompt": audit.Hidden(p.system + "\n" + p.user),
				"prompt_chars": len([]rune(p.system + p.user))}})
		return err
	})
	if errors.Is(err, errSettled) {
		return nil // another run recorded the outcome meanwhile
	}
	if err != nil {
		return err
	}

	ans, err := o.LLM.Complete(ctx, llm.Request{System: p.system, User: p.user})
	var lerr *llm.Error
	if errors.As(err, &lerr) && lerr.Kind == llm.Canceled {
		// The instance is stopping: the job runs again later, the row stays pending.
		return ctx.Err()
	}
	if err != nil && lerr == nil && !errors.Is(err, llm.ErrDisabled) {
		return err
	}
	return o.finish(ctx, r, func(r *opinionRow) {
		switch {
		case err != nil:
			r.Status, r.Error = OpinionFailed, err.Error()
			if lerr != nil {
				r.Attempts += lerr.Attempts
			}
		default:
			r.Status, r.Response, r.AnsweredByModel = OpinionDone, ans.Text, ans.Model
			r.Attempts += ans.Attempts
			r.PromptTokens, r.CompletionTokens = &ans.PromptTokens, &ans.CompletionTokens
			rs, whatsNew, lesson, ok := parseAnswer(ans.Text)
			r.Parsed, r.WhatsNew, r.DraftLesson = ok, whatsNew, lesson
			r.Rationale = jsonOf(orEmpty(rs))
		}
	}, kindOf(lerr))
}

// errSettled: the opinion is no longer pending.
var errSettled = errors.New("opinion settled already")

func kindOf(e *llm.Error) string {
	if e == nil {
		return ""
	}
	return string(e.Kind)
}

// finish records the outcome set records on r (still pending) and audits
// it, in one transaction; an outcome recorded meanwhile wins.
func (o *Opinions) finish(ctx context.Context, r *opinionRow, set func(*opinionRow), errKind string) error {
	set(r)
	now := o.now()
	r.FinishedAt = &now
	if r.Rationale.V == nil {
		r.Rationale = jsonOf([]rationale{})
	}
	return o.DB.WithContext(context.WithoutCancel(ctx)).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(r).Where("status = ?", OpinionPending).Select("provider", "model", "endpoint_host", "answered_by_model", "status",
			"candidates", "sent_tiers", "withheld_tiers", "prompt_system", "prompt", "response", "parsed", "rationale", "whats_new",
			"draft_lesson", "attempts", "error", "prompt_tokens", "completion_tokens", "finished_at").Updates(r)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return o.auditOutcome(ctx, tx, r, errKind)
	})
}

// fail closes pending opinion id as failed with a safe message.
func (o *Opinions) fail(ctx context.Context, id int64, msg string) error {
	var rows []opinionRow
	if err := o.DB.WithContext(ctx).Where("id = ? AND status = ?", id, OpinionPending).Limit(1).Find(&rows).Error; err != nil || len(rows) == 0 {
		return err
	}
	return o.finish(ctx, &rows[0], func(r *opinionRow) { r.Status, r.Error = OpinionFailed, msg }, "internal")
}

// auditOutcome records how an opinion ended: its status, the attempts, a
// digest of the answer (never the answer) and the tiers held back.
func (o *Opinions) auditOutcome(ctx context.Context, tx *gorm.DB, r *opinionRow, errKind string) error {
	detail := map[string]any{"status": r.Status, "provider": r.Provider, "model": r.Model, "attempts": r.Attempts,
		"tiers_withheld": orEmpty(r.WithheldTiers.V)}
	if r.Response != "" {
		detail["response"] = audit.Hidden(r.Response)
		detail["parsed"] = r.Parsed
	}
	if errKind != "" {
		detail["error"] = errKind
	}
	if r.StartedAt != nil && r.FinishedAt != nil {
		detail["duration_ms"] = r.FinishedAt.Sub(*r.StartedAt).Milliseconds()
	}
	actor := r.RequestedBy
	if actor == "" {
		actor = access.Anonymous.Key
	}
	_, err := audit.Append(ctx, tx, audit.Event{Actor: actor, Action: audit.ActionOpinionOutcome, Object: opinionKey(r.CaseID, r.ID),
		CaseID: r.CaseID, Detail: detail})
	return err
}
