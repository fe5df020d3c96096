package review

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/casefile"
)

func logins[T any](xs []T, login func(T) string) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, login(x))
	}
	return out
}

func memberLogins(ms []Member) []string { return logins(ms, func(m Member) string { return m.Login }) }

func TestPanel(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sec := e.sub["sec"]
	k1, d16 := e.cases["K-1"], e.cases["D-2016"]

	t.Run("no panel before triage, none for record only", func(t *testing.T) {
		_, err := e.svc.Accept(ctx, sec, k1, AcceptInput{})
		assert.Equal(t, "case", inputField(t, err))
		v, err := e.svc.Panel(ctx, sec, k1)
		require.NoError(t, err)
		assert.Nil(t, v.Rule)
		assert.Nil(t, v.Proposal)
		e.decide(e.cases["SB-1"], DepthRecordOnly)
		_, err = e.svc.Accept(ctx, sec, e.cases["SB-1"], AcceptInput{})
		var ie *casefile.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "triage.record_only", ie.Code)
	})

	e.decide(k1, DepthInDepth)
	t.Run("the proposal covers the fields, without conflicts or the disabled", func(t *testing.T) {
		v, err := e.svc.Panel(ctx, sec, k1)
		require.NoError(t, err)
		assert.Equal(t, []string{"telecom_engineering", "software_engineering", "consumer_affairs"}, needIDs(v.Needs))
		assert.Equal(t, &PanelRule{Min: 2, Max: 4, DueDays: 30}, v.Rule)
		assert.Equal(t, 2, v.ShortBy)
		assert.Equal(t, needIDs(v.Needs), v.Uncovered)
		require.NotNil(t, v.Proposal)
		assert.Equal(t, []string{"tanaka", "kato"}, logins(v.Proposal.Members, func(p Proposed) string { return p.Login }))
		assert.Equal(t, []string{"telecom_engineering", "software_engineering"}, v.Proposal.Members[0].Covers)
		assert.Equal(t, "covers", v.Proposal.Members[0].Reason)
		assert.Equal(t, "covers telecom_engineering, software_engineering; 0 open assignments", v.Proposal.Members[0].Why)
		assert.Empty(t, v.Proposal.Uncovered)
		assert.Equal(t, "2025-07-02", v.Proposal.DueOn, "30 days (configs/expertise.yaml)")
		byLogin := map[string]Candidate{}
		for _, c := range v.Candidates {
			byLogin[c.Login] = c
		}
		assert.Equal(t, "conflict", byLogin["suzuki"].Excluded)
		assert.Equal(t, []string{"KDDI株式会社"}, byLogin["suzuki"].ConflictWith)
		assert.Equal(t, "disabled", byLogin["gone"].Excluded)
		assert.True(t, byLogin["ito"].Eligible)
		assert.Empty(t, byLogin["ito"].Covers)
		assert.Equal(t, []string{"assign"}, actions(v.Actions))
	})

	t.Run("accepting puts the proposal in place, once", func(t *testing.T) {
		v, err := e.svc.Accept(ctx, sec, k1, AcceptInput{})
		require.NoError(t, err)
		assert.Equal(t, []string{"tanaka", "kato"}, memberLogins(v.Members))
		assert.Equal(t, "2025-07-02", v.Members[0].DueOn)
		assert.Equal(t, 30, v.Members[0].DaysLeft)
		assert.Equal(t, "none", v.Members[0].Annotation)
		assert.Empty(t, v.Uncovered)
		assert.Zero(t, v.ShortBy)
		v, err = e.svc.Accept(ctx, sec, k1, AcceptInput{})
		require.NoError(t, err)
		assert.Len(t, v.Members, 2, "accepting again adds nobody")
		v, err = e.svc.Accept(ctx, sec, k1, AcceptInput{Members: []MemberInput{{UserID: e.users["tanaka"]}}})
		require.NoError(t, err)
		assert.Len(t, v.Members, 2, "nor does naming a member again")
		assert.Equal(t, []string{"read", "triage.decide", "read", "panel.accept"}, e.auditActions(k1), "reads of the panel page, the decision, the acceptance once")
	})

	t.Run("changing the panel: a conflicted expert never, a reason always", func(t *testing.T) {
		_, err := e.svc.AddMember(ctx, sec, k1, MemberInput{UserID: e.users["suzuki"], Reason: "電気通信工学の追加"})
		var ie *casefile.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "user_id", ie.Field)
		assert.Equal(t, "expert.conflict", ie.Code)
		assert.Contains(t, ie.Message, "KDDI株式会社")
		_, err = e.svc.Accept(ctx, sec, k1, AcceptInput{Members: []MemberInput{{UserID: e.users["ito"]}, {UserID: e.users["suzuki"]}}})
		assert.Equal(t, "members[1].user_id", inputField(t, err))
		_, err = e.svc.AddMember(ctx, sec, k1, MemberInput{UserID: e.users["gone"], Reason: "x"})
		assert.Equal(t, "user_id", inputField(t, err))
		_, err = e.svc.AddMember(ctx, sec, k1, MemberInput{UserID: e.users["kddi"], Reason: "x"})
		assert.Equal(t, "user_id", inputField(t, err), "not an expert")
		_, err = e.svc.AddMember(ctx, sec, k1, MemberInput{UserID: e.users["sato"]})
		assert.Equal(t, "reason", inputField(t, err))
		_, err = e.svc.AddMember(ctx, sec, k1, MemberInput{UserID: e.users["sato"], Reason: "x", DueOn: "2025-05-01"})
		assert.Equal(t, "due_on", inputField(t, err), "before today")
		v, err := e.svc.AddMember(ctx, sec, k1, MemberInput{UserID: e.users["sato"], Reason: "交換設備の知見", DueOn: "2025-06-20"})
		require.NoError(t, err)
		assert.Equal(t, []string{"tanaka", "kato", "sato"}, memberLogins(v.Members))
		assert.Equal(t, "2025-06-20", v.Members[2].DueOn)
		assert.Equal(t, "交換設備の知見", v.Members[2].Reason)
		v, err = e.svc.AddMember(ctx, sec, k1, MemberInput{UserID: e.users["ito"], Reason: "監査の観点"})
		require.NoError(t, err)
		assert.Len(t, v.Members, 4)

		_, err = e.svc.RemoveMember(ctx, sec, k1, e.users["ito"], "")
		assert.Equal(t, "reason", inputField(t, err))
		_, err = e.svc.RemoveMember(ctx, sec, k1, e.users["suzuki"], "x")
		assert.ErrorIs(t, err, ErrNotFound)
		v, err = e.svc.RemoveMember(ctx, sec, k1, e.users["ito"], "日程の都合")
		require.NoError(t, err)
		assert.Equal(t, []string{"tanaka", "kato", "sato"}, memberLogins(v.Members))
		require.Len(t, v.Removed, 1)
		assert.Equal(t, "日程の都合", v.Removed[0].RemoveReason)
		v, err = e.svc.SetDue(ctx, sec, k1, e.users["sato"], DueInput{DueOn: "2025-06-30", Reason: "資料待ち"})
		require.NoError(t, err)
		assert.Equal(t, "2025-06-30", v.Members[2].DueOn)
	})

	t.Run("open load is balanced", func(t *testing.T) {
		e.decide(d16, DepthLight)
		v, err := e.svc.Panel(ctx, sec, d16)
		require.NoError(t, err)
		// telecom: tanaka and sato have one open assignment each (K-1),
		// suzuki none (and no conflict with NTT Docomo).
		assert.Equal(t, []string{"suzuki", "kato"}, logins(v.Proposal.Members, func(p Proposed) string { return p.Login }))
		v, err = e.svc.Accept(ctx, sec, d16, AcceptInput{DueOn: "2025-06-16"})
		require.NoError(t, err)
		assert.Equal(t, "2025-06-16", v.Members[0].DueOn)
		_, err = e.svc.AddMember(ctx, sec, d16, MemberInput{UserID: e.users["sato"], Reason: "x"})
		var ie *casefile.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "panel.too_large", ie.Code, "a light verification has at most 2 members")
	})

	t.Run("who sees and changes panels", func(t *testing.T) {
		v, err := e.svc.Panel(ctx, e.sub["tanaka"], k1)
		require.NoError(t, err, "the committee reads the panel")
		assert.Len(t, v.Members, 3)
		assert.Nil(t, v.Proposal)
		assert.Empty(t, v.Candidates, "who else could sit on it is the secretariat's business")
		assert.Empty(t, v.Actions)
		_, err = e.svc.AddMember(ctx, e.sub["tanaka"], k1, MemberInput{UserID: e.users["ito"], Reason: "x"})
		assert.ErrorIs(t, err, casefile.ErrForbidden)
		_, err = e.svc.Panel(ctx, e.sub["kddi"], k1)
		assert.ErrorIs(t, err, casefile.ErrForbidden)
		_, err = e.svc.Panel(ctx, e.sub["suzuki"], k1)
		assert.ErrorIs(t, err, casefile.ErrNotFound)
		_, err = e.svc.Panel(ctx, e.sub["editor"], k1)
		assert.ErrorIs(t, err, casefile.ErrNotFound)
	})

	t.Run("queues and load", func(t *testing.T) {
		q, err := e.svc.Queue(ctx, e.sub["sato"], e.users["sato"], false)
		require.NoError(t, err)
		require.Len(t, q.Items, 1)
		it := q.Items[0]
		assert.Equal(t, "K-1", it.Case.Ref)
		assert.Equal(t, DepthInDepth, it.Depth)
		assert.Equal(t, "2025-06-30", it.DueOn)
		assert.Equal(t, 28, it.DaysLeft)
		assert.Equal(t, "none", it.Annotation)
		assert.True(t, it.Open)
		assert.Equal(t, 3, it.Panel.Members)
		assert.Equal(t, 1, q.Open)

		q, err = e.svc.Queue(ctx, sec, e.users["kato"], false)
		require.NoError(t, err, "the secretariat reads any expert's queue")
		assert.Len(t, q.Items, 2)
		_, err = e.svc.Queue(ctx, e.sub["sato"], e.users["kato"], false)
		assert.ErrorIs(t, err, ErrNotFound, "not another expert's")
		_, err = e.svc.Queue(ctx, e.sub["kddi"], e.users["kddi"], false)
		assert.ErrorIs(t, err, casefile.ErrForbidden, "a reporter has no queue")
		q, err = e.svc.Queue(ctx, e.sub["ito"], e.users["ito"], true)
		require.NoError(t, err)
		assert.Empty(t, q.Items, "removed from its only panel")

		ex, err := e.svc.Experts(ctx, sec)
		require.NoError(t, err)
		byLogin := map[string]ExpertLoad{}
		for _, x := range ex {
			byLogin[x.Login] = x
		}
		assert.Len(t, ex, len(testExperts))
		assert.Equal(t, []string{"ソフトバンク株式会社"}, byLogin["tanaka"].Conflicts)
		assert.Equal(t, 2, byLogin["kato"].Open)
		assert.True(t, byLogin["gone"].Disabled)
		_, err = e.svc.Experts(ctx, e.sub["tanaka"])
		assert.ErrorIs(t, err, casefile.ErrForbidden)
	})

	t.Run("a conflict declared after assignment takes the member off the count", func(t *testing.T) {
		require.NoError(t, e.db.Exec(`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, source) VALUES ('p', ?, ?, '*', '*', 'deny', 'user')`,
			"user:"+itoa(e.users["kato"]), "owner:org:"+itoa(orgOf(t, e, "KDDI株式会社"))).Error)
		require.NoError(t, e.ac.Reload())
		v, err := e.svc.Panel(ctx, sec, k1)
		require.NoError(t, err)
		assert.True(t, v.Members[1].Conflicted)
		assert.Equal(t, []string{"consumer_affairs"}, v.Uncovered)
		q, err := e.svc.Queue(ctx, e.sub["kato"], e.users["kato"], false)
		require.NoError(t, err)
		assert.Len(t, q.Items, 1, "the conflicted case leaves the queue")
	})
}

func orgOf(t *testing.T, e *env, name string) int64 {
	var id int64
	require.NoError(t, e.db.Raw("SELECT id FROM organisations WHERE name = ?", name).Scan(&id).Error)
	return id
}
