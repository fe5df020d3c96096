package review

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/triage"
)

func inputField(t *testing.T, err error) string {
	t.Helper()
	var ie *casefile.InputError
	require.ErrorAs(t, err, &ie)
	return ie.Field
}

func TestDecide(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k1, nm := e.cases["K-1"], e.cases["D-NM"]

	t.Run("who may decide", func(t *testing.T) {
		in := DecisionInput{Depth: DepthInDepth, Reason: "新しい種類の障害"}
		_, err := e.svc.Decide(ctx, e.sub["tanaka"], k1, in)
		assert.ErrorIs(t, err, casefile.ErrForbidden, "an expert reads the committee part but does not triage")
		_, err = e.svc.Decide(ctx, e.sub["kddi"], k1, in)
		assert.ErrorIs(t, err, casefile.ErrForbidden, "the reporter sees its own case, not its committee part")
		_, err = e.svc.Decide(ctx, e.sub["kddi"], nm, in)
		assert.ErrorIs(t, err, casefile.ErrNotFound, "another operator's case is not there")
		_, err = e.svc.Decide(ctx, e.sub["suzuki"], k1, in)
		assert.ErrorIs(t, err, casefile.ErrNotFound, "an expert with a conflict does not see the case at all")
		_, err = e.svc.Decide(ctx, e.sub["editor"], k1, in)
		assert.ErrorIs(t, err, casefile.ErrNotFound)
	})

	t.Run("bad input names its field", func(t *testing.T) {
		for _, tt := range []struct {
			id    int64
			in    DecisionInput
			field string
		}{
			{k1, DecisionInput{Depth: "deep", Reason: "x"}, "depth"},
			{k1, DecisionInput{Depth: DepthLight, Reason: "  "}, "reason"},
			{k1, DecisionInput{Depth: DepthLight, Reason: "x", StudyNearMiss: ptr(true)}, "study_near_miss"},
			{nm, DecisionInput{Depth: DepthLight, Reason: "x"}, "study_near_miss"},
			{k1, DecisionInput{Depth: DepthLight, Reason: "x", Version: 3}, "version"},
		} {
			_, err := e.svc.Decide(ctx, e.sub["sec"], tt.id, tt.in)
			assert.Equal(t, tt.field, inputField(t, err), "%+v", tt.in)
		}
	})

	t.Run("decide, repeat, decide again; history kept, the latest counts", func(t *testing.T) {
		d, err := e.svc.Decide(ctx, e.sub["sec"], nm, DecisionInput{Depth: DepthLight, Reason: "冗長構成の喪失", StudyNearMiss: ptr(true)})
		require.NoError(t, err)
		assert.Equal(t, 1, d.Version)
		assert.False(t, d.Duplicate)
		assert.Nil(t, d.Similarity, "no engine running: nothing kept, nothing fails")
		again, err := e.svc.Decide(ctx, e.sub["sec"], nm, DecisionInput{Depth: DepthLight, Reason: " 冗長構成の喪失 ", StudyNearMiss: ptr(true)})
		require.NoError(t, err)
		assert.True(t, again.Duplicate, "the same decision twice is one")
		assert.Equal(t, d.ID, again.ID)

		_, err = e.svc.Decide(ctx, e.sub["sec"], nm, DecisionInput{Depth: DepthInDepth, Reason: "類似事案なし", StudyNearMiss: ptr(true)})
		var ce *ConflictError
		require.ErrorAs(t, err, &ce, "deciding from version 0 when version 1 is in force")
		assert.Equal(t, "triage", ce.Record)
		assert.Equal(t, 0, ce.Version)
		assert.Equal(t, 1, ce.Current)
		assert.Equal(t, "user:"+itoa(e.users["sec"]), ce.UpdatedBy)
		assert.Contains(t, ce.Changes, Change{Path: "depth", Before: nil, After: "light"})

		d2, err := e.svc.Decide(ctx, e.sub["sec"], nm, DecisionInput{Version: 1, Depth: DepthInDepth, Reason: "類似事案なし", StudyNearMiss: ptr(true)})
		require.NoError(t, err)
		assert.Equal(t, 2, d2.Version)
		_, err = e.svc.Decide(ctx, e.sub["sec"], nm, DecisionInput{Version: 1, Depth: DepthRecordOnly, Reason: "記録のみ", StudyNearMiss: ptr(false)})
		require.ErrorAs(t, err, &ce)
		assert.Contains(t, ce.Changes, Change{Path: "depth", Before: "light", After: "in_depth"})
		assert.Contains(t, ce.Changes, Change{Path: "reason", Before: "冗長構成の喪失", After: "類似事案なし"})

		v, err := e.svc.Triage(ctx, e.sub["tanaka"], nm)
		require.NoError(t, err, "the committee reads the triage page")
		require.Len(t, v.Decisions, 2)
		assert.Equal(t, DepthInDepth, v.Current.Depth)
		assert.Empty(t, v.Actions, "but only the secretariat decides")
		v, err = e.svc.Triage(ctx, e.sub["sec"], nm)
		require.NoError(t, err)
		assert.Equal(t, []string{"triage"}, actions(v.Actions))
		assert.Equal(t, []string{"triage.decide", "triage.decide", "read", "read"}, e.auditActions(nm))
	})

	t.Run("the snapshot of similar cases is kept with the decision", func(t *testing.T) {
		eng := e.engine()
		e.svc.Matcher = eng
		defer func() { e.svc.Matcher = nil }()
		want, err := eng.Similar(ctx, e.sub["sec"], k1, 10)
		require.NoError(t, err)
		d, err := e.svc.Decide(ctx, e.sub["sec"], k1, DecisionInput{Depth: DepthInDepth, Reason: "新しい種類の障害"})
		require.NoError(t, err)
		require.NotNil(t, d.Novelty)
		assert.InDelta(t, want.Novelty, *d.Novelty, 1e-9)
		require.NotNil(t, d.Similarity)
		assert.NotEmpty(t, d.Similarity.Matches)
		stored, err := current(e.db, k1)
		require.NoError(t, err)
		require.NotNil(t, stored.Similarity)
		assert.Equal(t, d.Similarity.Matches[0].Ref, stored.Similarity.Matches[0].Ref)
	})

	t.Run("a case linked into another is decided there", func(t *testing.T) {
		require.NoError(t, e.db.Exec("UPDATE cases SET merged_into = ? WHERE id = ?", k1, e.cases["SB-1"]).Error)
		defer e.db.Exec("UPDATE cases SET merged_into = NULL WHERE id = ?", e.cases["SB-1"])
		_, err := e.svc.Decide(ctx, e.sub["sec"], e.cases["SB-1"], DecisionInput{Depth: DepthLight, Reason: "x"})
		assert.Equal(t, "case", inputField(t, err))
	})
}

func actions[T ~string](as []T) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, string(a))
	}
	return out
}

func TestDesk(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.decide(e.cases["D-2016"], DepthInDepth)

	t.Run("only the secretariat", func(t *testing.T) {
		for _, who := range []string{"tanaka", "kddi", "editor", "admin"} {
			_, err := e.svc.Desk(ctx, e.sub[who], DeskQuery{})
			assert.ErrorIs(t, err, casefile.ErrForbidden, who)
		}
	})

	t.Run("awaiting: newest first, with judgement and deadlines", func(t *testing.T) {
		p, err := e.svc.Desk(ctx, e.sub["sec"], DeskQuery{})
		require.NoError(t, err)
		assert.Equal(t, []string{"K-1", "D-NM", "SB-1"}, refs(p))
		assert.Equal(t, int64(3), p.Total)
		assert.Equal(t, int64(3), p.Awaiting)
		assert.Equal(t, int64(1), p.Decided)
		k := p.Items[0]
		require.NotNil(t, k.Judgement)
		assert.True(t, k.Judgement.Serious, "80,000 emergency-call users for 2 h 30")
		assert.Equal(t, "2019", k.Judgement.RuleSet)
		assert.Equal(t, 1, k.Deadlines.Open, "KDDI owes the detailed report")
		assert.Equal(t, "2025-06-19", k.Deadlines.Items[0].DueOn)
		assert.Equal(t, 17, k.Deadlines.Items[0].DaysLeft)
		assert.Equal(t, "KDDI株式会社", k.Deadlines.Items[0].Organisation)
		assert.Nil(t, k.Novelty, "no engine: no novelty")
		assert.Empty(t, k.Similar)
		assert.Nil(t, k.Decision)
		assert.NotNil(t, k.FirstReportAt)
		assert.Equal(t, []string{"KDDI株式会社"}, k.Case.Operators)
		nm := p.Items[1]
		require.NotNil(t, nm.Judgement.NearMissReportable)
	})

	t.Run("decided, by kind and depth; paging", func(t *testing.T) {
		p, err := e.svc.Desk(ctx, e.sub["sec"], DeskQuery{Status: StatusDecided})
		require.NoError(t, err)
		assert.Equal(t, []string{"D-2016"}, refs(p))
		assert.Equal(t, DepthInDepth, p.Items[0].Decision.Depth)
		p, err = e.svc.Desk(ctx, e.sub["sec"], DeskQuery{Status: StatusAll, Kind: "near_miss"})
		require.NoError(t, err)
		assert.Equal(t, []string{"D-NM"}, refs(p))
		assert.Equal(t, int64(1), p.Awaiting)
		assert.Equal(t, int64(0), p.Decided)
		p, err = e.svc.Desk(ctx, e.sub["sec"], DeskQuery{Status: StatusAll, Depth: DepthLight})
		require.NoError(t, err)
		assert.Empty(t, p.Items)
		assert.Equal(t, int64(0), p.Total)

		p, err = e.svc.Desk(ctx, e.sub["sec"], DeskQuery{Status: StatusAll, Limit: 3})
		require.NoError(t, err)
		assert.Equal(t, []string{"K-1", "D-NM", "SB-1"}, refs(p))
		require.NotEmpty(t, p.NextCursor)
		p, err = e.svc.Desk(ctx, e.sub["sec"], DeskQuery{Status: StatusAll, Limit: 3, Cursor: p.NextCursor})
		require.NoError(t, err)
		assert.Equal(t, []string{"D-2016"}, refs(p))
		assert.Empty(t, p.NextCursor)
	})

	t.Run("bad filters name their field", func(t *testing.T) {
		for q, field := range map[DeskQuery]string{
			{Status: "open"}: "status", {Kind: "storm"}: "kind", {Depth: "deep", Status: StatusAll}: "depth",
			{Depth: DepthLight}: "depth", {Sort: "oldest"}: "sort", {Cursor: "!!"}: "cursor", {Sort: SortNovelty, Cursor: "x"}: "cursor",
		} {
			_, err := e.svc.Desk(ctx, e.sub["sec"], q)
			assert.Equal(t, field, inputField(t, err), "%+v", q)
		}
	})

	t.Run("by novelty, with the engine", func(t *testing.T) {
		eng := e.engine()
		m := &counting{m: eng}
		e.svc.Matcher = m
		defer func() { e.svc.Matcher = nil }()
		// The engine's own novelty of each case decides the order.
		novelty := map[string]float64{}
		for _, ref := range []string{"K-1", "D-NM", "SB-1"} {
			res, err := eng.Similar(ctx, e.sub["sec"], e.cases[ref], 3)
			require.NoError(t, err)
			novelty[ref] = res.Novelty
		}
		order := []string{"K-1", "D-NM", "SB-1"}
		sort.SliceStable(order, func(i, j int) bool { return novelty[order[i]] > novelty[order[j]] })
		p, err := e.svc.Desk(ctx, e.sub["sec"], DeskQuery{Sort: SortNovelty, Limit: 2})
		require.NoError(t, err)
		assert.Equal(t, order[:2], refs(p), "most novel first: %v", novelty)
		assert.InDelta(t, novelty[order[0]], *p.Items[0].Novelty, 1e-9)
		assert.LessOrEqual(t, len(p.Items[0].Similar), deskTopK)
		assert.Equal(t, novelty[order[0]] < 1, len(p.Items[0].Similar) > 0, "similar cases are listed when there are any")
		assert.Equal(t, 3, m.calls, "one query of the engine per case ranked, none again for the page")
		p, err = e.svc.Desk(ctx, e.sub["sec"], DeskQuery{Sort: SortNovelty, Limit: 2, Cursor: p.NextCursor})
		require.NoError(t, err)
		assert.Equal(t, order[2:], refs(p))
		assert.Zero(t, p.NoveltyWindow, "every case was ranked")
	})

	t.Run("a failing engine is no failure", func(t *testing.T) {
		e.svc.Matcher = failingMatcher{}
		defer func() { e.svc.Matcher = nil }()
		p, err := e.svc.Desk(ctx, e.sub["sec"], DeskQuery{})
		require.NoError(t, err)
		assert.Len(t, p.Items, 3)
		assert.Nil(t, p.Items[0].Novelty)
	})
}

func refs(p *DeskPage) []string {
	out := []string{}
	for _, it := range p.Items {
		out = append(out, it.Case.Ref)
	}
	return out
}

type failingMatcher struct{}

func (failingMatcher) Similar(context.Context, access.Subject, int64, int) (*triage.Result, error) {
	return nil, errors.New("index not ready")
}

func TestDecideHistory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d16, k1, nm := e.cases["D-2016"], e.cases["K-1"], e.cases["D-NM"]
	e.decide(k1, DepthLight)
	in := DecisionInput{Depth: DepthInDepth, Reason: "過去の検証済み事案（移行）"}
	_, err := e.svc.DecideHistory(ctx, e.sub["tanaka"], []int64{d16}, in)
	assert.ErrorIs(t, err, casefile.ErrForbidden)
	_, err = e.svc.DecideHistory(ctx, e.sub["sec"], []int64{d16, nm}, in)
	assert.Equal(t, "study_near_miss", inputField(t, err), "a near-miss says whether it is studied")
	_, err = e.svc.DecideHistory(ctx, e.sub["sec"], []int64{d16, 999999}, in)
	assert.ErrorIs(t, err, casefile.ErrNotFound)
	n, err := e.svc.DecideHistory(ctx, e.sub["sec"], []int64{d16, k1}, in)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "a case decided already keeps its decision")
	n, err = e.svc.DecideHistory(ctx, e.sub["sec"], []int64{d16, k1}, in)
	require.NoError(t, err)
	assert.Zero(t, n, "twice is once")
	cur, err := current(e.db, k1)
	require.NoError(t, err)
	assert.Equal(t, DepthLight, cur.Depth)
	cur, err = current(e.db, d16)
	require.NoError(t, err)
	assert.Equal(t, DepthInDepth, cur.Depth)
	assert.Contains(t, e.auditActions(d16), "triage.decide")
}
