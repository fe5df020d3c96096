package review

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/casefile"
)

// TestReviewFlow walks a case from its panel to the committee's result:
// annotations, comments, consolidation, the lessons it adds to the
// catalogue. Each step builds on the one before.
func TestReviewFlow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sec, tanaka, kato := e.sub["sec"], e.sub["tanaka"], e.sub["kato"]
	k1 := e.cases["K-1"]
	e.decide(k1, DepthInDepth)
	_, err := e.svc.Accept(ctx, sec, k1, AcceptInput{})
	require.NoError(t, err)

	first := AnnotationInput{CauseClass: "equipment", CauseArchetype: "software_bug", Prevention: PreventionPartly,
		PreventionText: "試験環境の負荷条件が本番と異なる点に触れていない。", AdditionalMeasures: "商用相当の負荷試験を行うこと。",
		Lessons: []LessonRef{{LessonID: "TEST-01"}, {Theme: "testing_near_production", TextJA: "呼制御の更新は夜間の実トラヒックで段階的に確認すること。"}}}

	t.Run("only the panel annotates", func(t *testing.T) {
		_, err := e.svc.SaveAnnotation(ctx, e.sub["sato"], k1, first)
		assert.ErrorIs(t, err, casefile.ErrForbidden, "an expert not on the panel")
		_, err = e.svc.SaveAnnotation(ctx, e.sub["suzuki"], k1, first)
		assert.ErrorIs(t, err, casefile.ErrNotFound, "an expert with a conflict does not see the case")
		_, err = e.svc.SaveAnnotation(ctx, sec, k1, first)
		assert.ErrorIs(t, err, casefile.ErrForbidden, "the secretariat consolidates, it does not annotate")
		_, err = e.svc.SaveAnnotation(ctx, e.sub["kddi"], k1, first)
		assert.ErrorIs(t, err, casefile.ErrForbidden)
	})

	t.Run("bad input names its field", func(t *testing.T) {
		for field, in := range map[string]AnnotationInput{
			"cause_class":          {CauseClass: "weather"},
			"cause_archetype":      {CauseArchetype: "gremlins"},
			"prevention":           {Prevention: "fine"},
			"lessons[0].lesson_id": {Lessons: []LessonRef{{LessonID: "NOPE-01"}}},
			"lessons[1].lesson_id": {Lessons: []LessonRef{{LessonID: "CAP-01"}, {LessonID: "CAP-01"}}},
			"lessons[0].theme":     {Lessons: []LessonRef{{TextJA: "主題のない教訓"}}},
			"lessons[1].theme":     {Lessons: []LessonRef{{LessonID: "CAP-01"}, {Theme: "luck", TextJA: "x"}}},
			"lessons[0].text_ja":   {Lessons: []LessonRef{{Theme: "simplicity"}}},
			"version":              {Version: 4},
		} {
			_, err := e.svc.SaveAnnotation(ctx, tanaka, k1, in)
			assert.Equal(t, field, inputField(t, err), "%+v", in)
		}
	})

	var v1 *Annotation
	t.Run("draft, the same again, a stale save", func(t *testing.T) {
		var err error
		v1, err = e.svc.SaveAnnotation(ctx, tanaka, k1, first)
		require.NoError(t, err)
		assert.Equal(t, 1, v1.Version)
		assert.Equal(t, StatusDraft, v1.Status)
		require.Len(t, v1.Lessons, 2)
		assert.Equal(t, "testing_near_production", v1.Lessons[0].Theme, "a linked lesson comes back with its catalogue text")
		assert.Contains(t, v1.Lessons[0].TextJA, "本番環境に近い構成")
		assert.Equal(t, 2016, v1.Lessons[0].FirstYear)

		again, err := e.svc.SaveAnnotation(ctx, tanaka, k1, first)
		require.NoError(t, err)
		assert.Equal(t, 1, again.Version, "saving what is there changes nothing")

		second := first
		second.Version = 1
		second.PreventionText = "負荷試験の不足を認めているが、対策が試験計画に反映されていない。"
		v2, err := e.svc.SaveAnnotation(ctx, tanaka, k1, second)
		require.NoError(t, err)
		assert.Equal(t, 2, v2.Version)

		stale := first
		stale.Version, stale.AdditionalMeasures = 1, "別タブでの編集"
		_, err = e.svc.SaveAnnotation(ctx, tanaka, k1, stale)
		var ce *ConflictError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "annotation", ce.Record)
		assert.Equal(t, 1, ce.Version)
		assert.Equal(t, 2, ce.Current)
		assert.Equal(t, []Change{{Path: "prevention_text", Before: first.PreventionText, After: second.PreventionText}}, ce.Changes)
	})

	t.Run("submit: complete only, once", func(t *testing.T) {
		d, err := e.svc.SaveAnnotation(ctx, kato, k1, AnnotationInput{CauseClass: "equipment"})
		require.NoError(t, err)
		_, err = e.svc.SubmitAnnotation(ctx, kato, k1, d.Version)
		assert.Equal(t, "cause_archetype", inputField(t, err))
		d, err = e.svc.SaveAnnotation(ctx, kato, k1, AnnotationInput{Version: d.Version, CauseClass: "equipment", CauseArchetype: "config_error",
			Prevention: PreventionInadequate})
		require.NoError(t, err)
		_, err = e.svc.SubmitAnnotation(ctx, kato, k1, d.Version)
		assert.Equal(t, "prevention_text", inputField(t, err), "inadequate says why")

		s, err := e.svc.SubmitAnnotation(ctx, tanaka, k1, 2)
		require.NoError(t, err)
		assert.Equal(t, StatusSubmitted, s.Status)
		require.NotNil(t, s.SubmittedAt)
		again, err := e.svc.SubmitAnnotation(ctx, tanaka, k1, 2)
		require.NoError(t, err)
		assert.Equal(t, s.SubmittedAt.UnixMicro(), again.SubmittedAt.UnixMicro(), "submitting twice is one")
		q, err := e.svc.Queue(ctx, tanaka, e.users["tanaka"], true)
		require.NoError(t, err)
		require.Len(t, q.Items, 1)
		assert.Equal(t, StatusSubmitted, q.Items[0].Annotation)
		assert.False(t, q.Items[0].Open)
		assert.Zero(t, q.Open)
	})

	t.Run("the workspace: drafts are their author's and the secretariat's", func(t *testing.T) {
		w, err := e.svc.Workspace(ctx, kato, k1)
		require.NoError(t, err)
		require.NotNil(t, w.Mine)
		assert.Equal(t, StatusDraft, w.Mine.Status)
		assert.Equal(t, []string{"tanaka"}, logins(w.Annotations, func(a *Annotation) string { return a.Expert.Login }))
		assert.Equal(t, []string{"annotate", "comment"}, actions(w.Actions))
		require.NotNil(t, w.Assignment)
		require.NotNil(t, w.View.Restricted, "the case in full, to annotate it")
		assert.Len(t, w.Catalogue, 17)
		assert.Equal(t, "K-1", w.Case.Ref)

		w, err = e.svc.Workspace(ctx, e.sub["sato"], k1)
		require.NoError(t, err, "any expert without a conflict reads it")
		assert.Nil(t, w.Mine)
		assert.Len(t, w.Annotations, 1, "the submitted one")
		assert.Empty(t, w.Actions)

		w, err = e.svc.Workspace(ctx, sec, k1)
		require.NoError(t, err)
		assert.Len(t, w.Annotations, 2, "the secretariat follows the drafts too")
		assert.Equal(t, []string{"comment", "consolidate"}, actions(w.Actions))
		_, err = e.svc.Workspace(ctx, e.sub["kddi"], k1)
		assert.ErrorIs(t, err, casefile.ErrForbidden)
	})

	t.Run("comments between the panel and the secretariat", func(t *testing.T) {
		c, err := e.svc.AddComment(ctx, kato, k1, "事業者への追加質問を検討したい。")
		require.NoError(t, err)
		assert.Equal(t, "expert", c.Role)
		dup, err := e.svc.AddComment(ctx, kato, k1, " 事業者への追加質問を検討したい。 ")
		require.NoError(t, err)
		assert.True(t, dup.Duplicate)
		assert.Equal(t, c.ID, dup.ID)
		c, err = e.svc.AddComment(ctx, sec, k1, "質問案を共有します。")
		require.NoError(t, err)
		assert.Equal(t, "secretariat", c.Role)
		_, err = e.svc.AddComment(ctx, e.sub["sato"], k1, "横から失礼")
		assert.ErrorIs(t, err, casefile.ErrForbidden, "not on the panel")
		_, err = e.svc.AddComment(ctx, kato, k1, "  ")
		assert.Equal(t, "body", inputField(t, err))
		all, err := e.svc.Comments(ctx, e.sub["sato"], k1)
		require.NoError(t, err, "the committee reads them")
		assert.Len(t, all, 2)
	})

	var cons *Consolidation
	t.Run("consolidation: tally and prefill from the counted annotations", func(t *testing.T) {
		d, err := e.svc.SaveAnnotation(ctx, kato, k1, AnnotationInput{Version: 2, CauseClass: "equipment", CauseArchetype: "config_error",
			Prevention: PreventionInadequate, PreventionText: "利用者への周知が遅れた点の対策がない。",
			Lessons: []LessonRef{{LessonID: "TEST-01"}, {LessonID: "VEND-02", Note: "ベンダの不具合情報"}}})
		require.NoError(t, err)
		_, err = e.svc.SubmitAnnotation(ctx, kato, k1, d.Version)
		require.NoError(t, err)

		_, err = e.svc.Consolidation(ctx, e.sub["kddi"], k1)
		assert.ErrorIs(t, err, casefile.ErrForbidden)
		cons, err = e.svc.Consolidation(ctx, sec, k1)
		require.NoError(t, err)
		assert.Equal(t, 2, cons.Tally.Counted)
		assert.Equal(t, []Vote{{Value: "equipment", Count: 2, Experts: []string{"tanaka", "kato"}}}, cons.Tally.CauseClass)
		p := cons.Prefill
		assert.Equal(t, "equipment", p.CauseClass)
		assert.Equal(t, "software_bug", p.CauseArchetype, "a tie goes to the earliest submission")
		assert.Equal(t, PreventionInadequate, p.Prevention, "a tie goes to the sterner assessment")
		assert.Contains(t, p.PreventionText, "【田中】負荷試験の不足")
		assert.Contains(t, p.PreventionText, "【加藤】利用者への周知")
		require.Len(t, p.Lessons, 3)
		assert.Equal(t, "TEST-01", p.Lessons[0].LessonID)
		assert.Equal(t, []string{"tanaka", "kato"}, p.Lessons[0].ProposedBy)
		assert.Equal(t, "testing_near_production", p.Lessons[1].Theme)
		assert.Empty(t, p.Lessons[1].LessonID, "a proposal")
		assert.Equal(t, "VEND-02", p.Lessons[2].LessonID)
		assert.Equal(t, []string{"consolidate", "comment"}, actions(cons.Actions))
		for _, a := range cons.Annotations {
			assert.True(t, *a.Counted, a.Expert.Login)
		}
		assert.Nil(t, cons.Verification)
	})

	var ver *Verification
	t.Run("save, finalise: lessons link, a proposal becomes a lesson", func(t *testing.T) {
		in := cons.Prefill
		in.Findings = "ソフトウェア更新の試験が商用環境の負荷を再現していなかった。"
		_, err := e.svc.SaveVerification(ctx, tanaka, k1, in)
		assert.ErrorIs(t, err, casefile.ErrForbidden, "experts annotate; the secretariat consolidates")
		var err2 error
		ver, err2 = e.svc.SaveVerification(ctx, sec, k1, in)
		require.NoError(t, err2)
		assert.Equal(t, 1, ver.Version)
		_, err = e.svc.FinaliseVerification(ctx, sec, k1, 1)
		assert.Equal(t, "lessons[1].text_en", inputField(t, err), "a new lesson enters the catalogue in both languages")

		in.Version = 1
		in.Lessons[1].TextEN = "Roll out call-control updates in stages, checked against real night-time traffic."
		ver, err = e.svc.SaveVerification(ctx, sec, k1, in)
		require.NoError(t, err)
		assert.Equal(t, 2, ver.Version)
		in.Version, in.Findings = 1, "古い版からの保存"
		_, err = e.svc.SaveVerification(ctx, sec, k1, in)
		var ce *ConflictError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "verification", ce.Record)
		assert.Contains(t, ce.Changes, Change{Path: "lessons[1].text_en", Before: nil, After: in.Lessons[1].TextEN})

		ver, err = e.svc.FinaliseVerification(ctx, sec, k1, 2)
		require.NoError(t, err)
		assert.Equal(t, VerificationFinal, ver.Status)
		assert.Equal(t, 3, ver.Version)
		require.Len(t, ver.Lessons, 3)
		assert.Equal(t, "TEST-2025-01", ver.Lessons[1].LessonID, "theme code, the case's fiscal year, a number")
		assert.True(t, ver.Lessons[1].Created)
		assert.Equal(t, SourceCommittee, ver.Lessons[1].Source)
		again, err := e.svc.FinaliseVerification(ctx, sec, k1, 3)
		require.NoError(t, err)
		assert.Equal(t, 3, again.Version, "finalising twice is one")

		var links []struct {
			LessonID  string
			Recurring bool
		}
		require.NoError(t, e.db.Raw("SELECT lesson_id, recurring FROM case_lessons WHERE case_id = ? ORDER BY lesson_id", k1).Scan(&links).Error)
		assert.Equal(t, []struct {
			LessonID  string
			Recurring bool
		}{{"TEST-01", true}, {"TEST-2025-01", false}, {"VEND-02", true}}, links)

		_, err = e.svc.SaveAnnotation(ctx, tanaka, k1, AnnotationInput{Version: 2, CauseClass: "human"})
		assert.Equal(t, "status", inputField(t, err), "annotations close with the result")
		_, err = e.svc.AddMember(ctx, sec, k1, MemberInput{UserID: e.users["sato"], Reason: "x"})
		assert.Equal(t, "case", inputField(t, err))
		q, err := e.svc.Queue(ctx, kato, e.users["kato"], false)
		require.NoError(t, err)
		assert.Empty(t, q.Items, "the assignment is complete")
	})

	t.Run("the catalogue counts, the committee sees which cases", func(t *testing.T) {
		require.NoError(t, e.svc.RecordHistory(ctx, sec, e.cases["D-2016"], []string{"TEST-01", "COOP-01"}))
		require.NoError(t, e.svc.RecordHistory(ctx, sec, e.cases["D-2016"], []string{"TEST-01"}), "recording twice is one")
		err := e.svc.RecordHistory(ctx, sec, e.cases["D-2016"], []string{"XX-01"})
		assert.Equal(t, "lessons[0]", inputField(t, err))

		cat, err := e.svc.Catalogue(ctx, e.sub["editor"], "")
		require.NoError(t, err, "editors read the catalogue for the annual report")
		st := map[string]LessonStat{}
		for _, th := range cat.Themes {
			for _, l := range th.Lessons {
				st[l.ID] = l
			}
		}
		assert.Equal(t, 2, st["TEST-01"].Cases)
		assert.Equal(t, 1, st["TEST-01"].Recurrences, "FY2025 after 2016; FY2016 is its first year")
		assert.Equal(t, []YearCount{{2016, 1}, {2025, 1}}, st["TEST-01"].Years)
		assert.Equal(t, 0, st["COOP-01"].Recurrences, "linked to a case before its first year: not a recurrence")
		assert.Equal(t, SourceCommittee, st["TEST-2025-01"].Source)
		assert.Equal(t, 2025, st["TEST-2025-01"].FirstYear)
		assert.Zero(t, st["TEST-2025-01"].OriginCaseID, "which case it came from is committee tier")
		file := 0
		for _, th := range e.svc.Config.Lessons.Themes {
			file += len(th.Lessons)
		}
		assert.Equal(t, file+1, cat.Lessons, "the file's lessons and the committee's")

		cat, err = e.svc.Catalogue(ctx, sec, "testing_near_production")
		require.NoError(t, err)
		require.Len(t, cat.Themes, 1)
		assert.Equal(t, k1, cat.Themes[0].Lessons[2].OriginCaseID)
		assert.Equal(t, 2, cat.Themes[0].Cases)
		_, err = e.svc.Catalogue(ctx, sec, "luck")
		assert.Equal(t, "theme", inputField(t, err))

		for _, who := range []string{"kddi", "admin"} {
			_, err = e.svc.Catalogue(ctx, e.sub[who], "")
			assert.ErrorIs(t, err, casefile.ErrForbidden, who)
		}
		d, err := e.svc.LessonByID(ctx, e.sub["editor"], "TEST-01")
		require.NoError(t, err)
		assert.Equal(t, 2, d.Cases)
		assert.Empty(t, d.Linked, "an editor sees the counts, not the committee's links")
		d, err = e.svc.LessonByID(ctx, sec, "TEST-01")
		require.NoError(t, err)
		assert.Equal(t, []string{"K-1", "D-2016"}, logins(d.Linked, func(l LinkedCase) string { return l.Ref }))
		assert.Equal(t, "本番環境に近い試験", d.ThemeJA)
		_, err = e.svc.LessonByID(ctx, sec, "NOPE-01")
		assert.ErrorIs(t, err, ErrNotFound)
	})

	t.Run("reopen and finalise again: the links follow", func(t *testing.T) {
		_, err := e.svc.ReopenVerification(ctx, sec, k1, 3, "")
		assert.Equal(t, "reason", inputField(t, err))
		ver, err := e.svc.ReopenVerification(ctx, sec, k1, 3, "ベンダ情報の扱いを再検討")
		require.NoError(t, err)
		assert.Equal(t, VerificationDraft, ver.Status)
		in := VerificationInput{Version: ver.Version, CauseClass: ver.CauseClass, CauseArchetype: ver.CauseArchetype, Prevention: ver.Prevention,
			PreventionText: ver.PreventionText, AdditionalMeasures: ver.AdditionalMeasures, Findings: ver.Findings, Lessons: ver.Lessons[:2]}
		ver, err = e.svc.SaveVerification(ctx, sec, k1, in)
		require.NoError(t, err)
		ver, err = e.svc.FinaliseVerification(ctx, sec, k1, ver.Version)
		require.NoError(t, err)
		assert.Equal(t, []string{"TEST-01", "TEST-2025-01"}, logins(ver.Lessons, func(l LessonRef) string { return l.LessonID }))
		var n int64
		require.NoError(t, e.db.Raw("SELECT count(*) FROM lessons").Scan(&n).Error)
		assert.Equal(t, int64(1), n, "the lesson created before is not created again")

		r, err := e.svc.Review(ctx, sec, k1)
		require.NoError(t, err)
		assert.Equal(t, []string{"TEST-01", "TEST-2025-01"}, logins(r.Lessons, func(l CaseLesson) string { return l.ID }))
		assert.Equal(t, VerificationFinal, r.Verification.Status)
		assert.Equal(t, 2, r.Summary.Submitted)
		assert.Contains(t, e.auditActions(k1), "verification.finalise")
		assert.Contains(t, e.auditActions(k1), "lesson.create")
		assert.Contains(t, e.auditActions(k1), "verification.reopen")
	})
}
