package webui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/triage"
)

// opinionBlock is the LLM second opinion block of a case's triage page:
// whether the LLM is on and whose it is, the latest opinion (polled while
// pending) and the earlier ones, and whether the caller may ask.
type opinionBlock struct {
	*triageKit
	CaseID int64
	LLM    triage.LLMStatus
	Latest *triage.Opinion
	// Earlier are the opinions before the latest, newest first.
	Earlier []triage.Opinion
	// CanAsk: the caller may ask (the secretariat) and the LLM is on.
	CanAsk bool
	// Error is why the last request was not taken.
	Error string
}

// Pending reports whether the latest opinion awaits its answer: the block
// then polls.
func (o *opinionBlock) Pending() bool {
	return o.Latest != nil && o.Latest.Status == triage.OpinionPending
}

// Same says the model's "same failure mode" answer about a candidate.
func (o *opinionBlock) Same(v string) string { return codeLabel(o.Lang, "op.same.", v) }

// Tiers names tiers, joined.
func (o *opinionBlock) Tiers(ts []access.Tier) string {
	if len(ts) == 0 {
		return o.T("f.none")
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = o.Tier(t)
	}
	return strings.Join(names, o.sep())
}

// Tokens says how many tokens the prompt and the answer took ("" if the
// provider did not say).
func (o *opinionBlock) Tokens(op *triage.Opinion) string {
	if op == nil || op.PromptTokens == nil {
		return ""
	}
	c := 0
	if op.CompletionTokens != nil {
		c = *op.CompletionTokens
	}
	return o.Tf("op.tokens", *op.PromptTokens, c)
}

// Duration is a call's duration in seconds.
func (o *opinionBlock) Duration(ms *int64) string {
	if ms == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f s", float64(*ms)/1000)
}

// loadOpinions is the opinion block of case id for the caller, nil when
// the server has no opinions service. mayAsk is whether the caller
// triages the case (the service checks again).
func (p *pages) loadOpinions(c echo.Context, id int64, k *triageKit, mayAsk bool) (*opinionBlock, error) {
	if p.Opinions == nil {
		return nil, nil
	}
	sub := user(c).Subject
	list, err := p.Opinions.List(c.Request().Context(), sub, id)
	if err != nil {
		return nil, err
	}
	o := &opinionBlock{triageKit: k, CaseID: id, LLM: list.LLM,
		CanAsk: mayAsk && list.LLM.Enabled && p.Access.Can(sub, access.System, access.Committee, access.Consult)}
	if len(list.Opinions) > 0 {
		o.Latest, o.Earlier = &list.Opinions[0], list.Opinions[1:]
		if err := p.withPeople(c, &k.names); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// opinionBlockShow is the opinion block alone, which the page polls
// (htmx) while an opinion is pending; a browser without htmx goes to the
// triage page.
func (p *pages) opinionBlockShow(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/triage#opinion", id))
	}
	k := p.newKit(p.newBase(c, "tri.case.title", "triage"))
	o, err := p.loadOpinions(c, id, &k, p.mayTriage(user(c).Subject))
	if err != nil {
		return err
	}
	if o == nil {
		return triage.ErrOpinionNotFound
	}
	return p.renderFragment(c, http.StatusOK, "triage.html", "tri-opinion", o)
}
