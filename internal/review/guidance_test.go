package review

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/access"
	"kensho/internal/casefile"
)

func TestGuidance(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sec := e.sub["sec"]
	k1 := e.cases["K-1"]
	in := GuidanceInput{IssuedOn: "2025-05-30", Reference: "総基安第45号", Measures: "ソフトウェア更新時の試験体制を見直し、再発防止策を報告すること。",
		FollowUpDue: "2025-07-31"}

	t.Run("who records guidance", func(t *testing.T) {
		for who, want := range map[string]error{"tanaka": casefile.ErrForbidden, "kddi": casefile.ErrForbidden, "editor": casefile.ErrNotFound, "suzuki": casefile.ErrNotFound} {
			_, err := e.svc.CreateGuidance(ctx, e.sub[who], k1, in)
			assert.ErrorIs(t, err, want, who)
		}
	})

	t.Run("bad input names its field", func(t *testing.T) {
		for field, bad := range map[string]GuidanceInput{
			"issued_on":        {Measures: "x"},
			"measures":         {IssuedOn: "2025-05-30"},
			"organisation":     {Organisation: "ソフトバンク", IssuedOn: "2025-05-30", Measures: "x"},
			"follow_up_due":    {IssuedOn: "2025-05-30", Measures: "x", FollowUpDue: "2025-05-01"},
			"follow_up_status": {IssuedOn: "2025-05-30", Measures: "x", FollowUpStatus: "late"},
		} {
			_, err := e.svc.CreateGuidance(ctx, sec, k1, bad)
			assert.Equal(t, field, inputField(t, err), "%+v", bad)
		}
		_, err := e.svc.CreateGuidance(ctx, sec, k1, GuidanceInput{IssuedOn: "2025-06-30", Measures: "x"})
		var ie *casefile.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "date.future", ie.Code)
	})

	var g *Guidance
	t.Run("record, once", func(t *testing.T) {
		var err error
		g, err = e.svc.CreateGuidance(ctx, sec, k1, in)
		require.NoError(t, err)
		assert.Equal(t, "KDDI株式会社", g.Organisation, "the case's one operator")
		assert.Equal(t, access.Committee, g.Tier)
		assert.False(t, g.Published)
		require.NotNil(t, g.FollowUp)
		assert.Equal(t, FollowUpPending, g.FollowUp.Status)
		assert.Equal(t, 59, *g.FollowUp.DaysLeft)
		assert.Equal(t, 1, g.Version)
		again, err := e.svc.CreateGuidance(ctx, sec, k1, in)
		require.NoError(t, err)
		assert.True(t, again.Duplicate)
		assert.Equal(t, g.ID, again.ID)
	})

	t.Run("unpublished: committee tier", func(t *testing.T) {
		_, err := e.svc.GuidanceByID(ctx, e.sub["editor"], g.ID)
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = e.svc.GuidanceByID(ctx, access.Anonymous, g.ID)
		assert.ErrorIs(t, err, ErrNotFound)
		got, err := e.svc.GuidanceByID(ctx, e.sub["tanaka"], g.ID)
		require.NoError(t, err)
		assert.NotNil(t, got.FollowUp)
		list, err := e.svc.GuidanceList(ctx, e.sub["editor"], GuidanceQuery{})
		require.NoError(t, err)
		assert.Empty(t, list)
		_, err = e.svc.GuidanceByID(ctx, e.sub["suzuki"], g.ID)
		assert.ErrorIs(t, err, ErrNotFound, "a conflicted expert")
		_, err = e.svc.UpdateGuidance(ctx, e.sub["editor"], g.ID, in)
		assert.ErrorIs(t, err, ErrNotFound)
	})

	t.Run("edit, stale edit, publish", func(t *testing.T) {
		edit := in
		edit.Version, edit.FollowUpStatus, edit.FollowUpText = 1, FollowUpReported, "事業者から試験計画の改訂が報告された。"
		got, err := e.svc.UpdateGuidance(ctx, sec, g.ID, edit)
		require.NoError(t, err)
		assert.Equal(t, 2, got.Version)
		assert.Nil(t, got.FollowUp.DaysLeft, "reported: no longer counting down")
		stale := in
		stale.Version, stale.Reference = 1, "総基安第46号"
		_, err = e.svc.UpdateGuidance(ctx, sec, g.ID, stale)
		var ce *ConflictError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "guidance", ce.Record)
		assert.Contains(t, ce.Changes, Change{Path: "follow_up_status", Before: "pending", After: "reported"})

		_, err = e.svc.PublishGuidance(ctx, e.sub["tanaka"], g.ID, 2)
		assert.ErrorIs(t, err, casefile.ErrForbidden)
		_, err = e.svc.PublishGuidance(ctx, sec, g.ID, 1)
		require.ErrorAs(t, err, &ce)
		got, err = e.svc.PublishGuidance(ctx, sec, g.ID, 2)
		require.NoError(t, err)
		assert.True(t, got.Published)
		assert.Equal(t, access.Public, got.Tier)
		again, err := e.svc.PublishGuidance(ctx, sec, g.ID, 2)
		require.NoError(t, err)
		assert.Equal(t, got.Version, again.Version, "publishing twice is one")
	})

	t.Run("published: public, the follow-up stays committee tier", func(t *testing.T) {
		for _, sub := range []access.Subject{e.sub["editor"], access.Anonymous, e.sub["kddi"]} {
			got, err := e.svc.GuidanceByID(ctx, sub, g.ID)
			require.NoError(t, err, sub.Key)
			assert.Nil(t, got.FollowUp, sub.Key)
			assert.Empty(t, got.CreatedBy)
			assert.Zero(t, got.CaseID, "the case's overview is not published")
			assert.Equal(t, "KDDI株式会社", got.Organisation)
		}
		_, err := e.svc.GuidanceByID(ctx, e.sub["admin"], g.ID)
		assert.ErrorIs(t, err, ErrNotFound, "administrators see no case content")
		list, err := e.svc.GuidanceList(ctx, access.Anonymous, GuidanceQuery{PublishedOnly: true})
		require.NoError(t, err)
		require.Len(t, list, 1)
		list, err = e.svc.GuidanceList(ctx, sec, GuidanceQuery{PublishedOnly: true})
		require.NoError(t, err)
		assert.Nil(t, list[0].FollowUp, "the public list is the public record, whoever asks")
		list, err = e.svc.GuidanceList(ctx, sec, GuidanceQuery{CaseID: k1})
		require.NoError(t, err)
		assert.NotNil(t, list[0].FollowUp)

		edit := in
		edit.Version, edit.Measures = 3, "書き換え"
		_, err = e.svc.UpdateGuidance(ctx, sec, g.ID, edit)
		assert.Equal(t, "measures", inputField(t, err), "published guidance is not rewritten")
		edit = in
		edit.Version, edit.FollowUpStatus = 3, FollowUpClosed
		got, err := e.svc.UpdateGuidance(ctx, sec, g.ID, edit)
		require.NoError(t, err, "its follow-up goes on")
		assert.Equal(t, FollowUpClosed, got.FollowUp.Status)
		assert.Contains(t, e.auditActions(k1), "guidance.publish")
	})
}
