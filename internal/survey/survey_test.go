package survey

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/granttest"
	"kensho/internal/identity"
	"kensho/internal/intake"
	"kensho/internal/report"
	"kensho/internal/review"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is a fresh database with the policy and the registry, the survey
// service over it, users of every role that matters, and accident cases
// that decide the default recipients of fiscal 2025.
type env struct {
	t     *testing.T
	db    *gorm.DB
	svc   *Service
	sub   map[string]access.Subject
	orgs  map[string]int64
	clock time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	gdb, _ := granttest.New(t, true)
	ac, err := access.New(ctx, gdb, quiet)
	require.NoError(t, err)
	rcfg, err := review.Load(configs.FS)
	require.NoError(t, err)
	repCfg, err := report.LoadConfig(configs.FS)
	require.NoError(t, err)
	e := &env{t: t, db: gdb, sub: map[string]access.Subject{}, orgs: map[string]int64{}}
	e.svc = New(gdb, ac, review.New(gdb, ac, nil, nil, nil, nil, rcfg, quiet), repCfg, quiet)
	e.clock = time.Date(2025, 6, 2, 1, 0, 0, 0, time.UTC)
	e.svc.Now = func() time.Time { return e.clock }

	// オプテージ had an accident in fiscal 2023 (a default recipient of a
	// fiscal-2025 survey); テスト通信 one in fiscal 2021 (too long ago) and
	// ケーブル a near-miss in 2024 (not an accident).
	e.addCase("OPT-1", "accident", "株式会社オプテージ", "2023-08-01T10:00:00+09:00")
	e.addCase("TST-1", "accident", "株式会社テスト通信", "2022-03-20T10:00:00+09:00")
	e.addCase("CBL-1", "near_miss", "ケーブル株式会社", "2024-05-01T10:00:00+09:00")
	var rows []struct {
		ID   int64
		Name string
	}
	require.NoError(t, gdb.Raw("SELECT id, name FROM organisations").Scan(&rows).Error)
	for _, r := range rows {
		e.orgs[r.Name] = r.ID
	}
	ids := &identity.Service{DB: gdb, Access: ac, Fields: []string{"telecom_engineering"}}
	for _, u := range []identity.NewUser{
		{Login: "sec", Role: "secretariat"},
		{Login: "editor", Role: "editor"},
		{Login: "expert", Role: "expert", Fields: []string{"telecom_engineering"}},
		{Login: "kddi", Role: "reporter", Org: "KDDI株式会社"},
		{Login: "docomo", Role: "reporter", Org: "株式会社NTTドコモ"},
		{Login: "optage", Role: "reporter", Org: "株式会社オプテージ"},
	} {
		got, err := ids.Create(ctx, u, "test")
		require.NoError(t, err, u.Login)
		var org int64
		if got.OrganisationID != nil {
			org = *got.OrganisationID
		}
		e.sub[u.Login] = access.UserSubject(got.ID, org)
	}
	require.NoError(t, ac.Reload())
	return e
}

// addCase stores a case of kind with one operator, imported.
func (e *env) addCase(ref, kind, org, at string) {
	e.t.Helper()
	body := fmt.Sprintf(`{"ref":%q,"kind":%q,"operators":[{"name":%q}],"occurred_at":%q,"impacts":[],"summary":"テスト"}`, ref, kind, org, at)
	if kind == "near_miss" {
		body = fmt.Sprintf(`{"ref":%q,"kind":%q,"operators":[{"name":%q}],"occurred_at":%q,"impacts":[],
			"near_miss":{"situation":"other"},"summary":"テスト"}`, ref, kind, org, at)
	}
	c, err := caseformat.DecodeCase([]byte(body))
	require.NoError(e.t, err)
	require.NoError(e.t, e.db.Transaction(func(tx *gorm.DB) error {
		ids, err := casestore.ResolveOrganisations(tx, []string{org})
		if err != nil {
			return err
		}
		orgIDs := []int64{ids[caseformat.NormalizeName(org)]}
		sum := sha256.Sum256([]byte(body))
		return casestore.Insert(tx, []casestore.NewCase{{Case: c, Hash: c.Hash(), Identity: intake.IdentityKey(orgIDs, c.Ref), OrgIDs: orgIDs,
			Report: casestore.Report{Source: "import", Kind: "import", Body: []byte(body), BodySHA256: hex.EncodeToString(sum[:]), ReceivedAt: c.OccurredAt}}})
	}))
}

// paths are the fields an error names.
func paths(t *testing.T, err error) []string {
	t.Helper()
	var errs Errors
	require.ErrorAs(t, err, &errs)
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Path
	}
	return out
}

func yes() *bool { v := true; return &v }
func no() *bool  { v := false; return &v }

func (e *env) auditActions() []string {
	var out []string
	require.NoError(e.t, e.db.Raw("SELECT action FROM audit_log WHERE action LIKE 'survey.%' ORDER BY id").Scan(&out).Error)
	return out
}

func TestSurvey(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sec := e.sub["sec"]
	in := CreateInput{FiscalYear: 2025, Title: "令和7年度 教訓のフォローアップ調査", DueOn: "2025-07-31", Lessons: []string{"CAP-01", "PROC-01", "TEST-01"}}

	t.Run("who may manage", func(t *testing.T) {
		for _, who := range []string{"editor", "expert", "kddi"} {
			_, err := e.svc.Create(ctx, e.sub[who], in)
			assert.ErrorIs(t, err, ErrForbidden, who)
			_, err = e.svc.List(ctx, e.sub[who])
			if who == "kddi" {
				assert.NoError(t, err, "a reporter lists the surveys addressed to it")
			} else {
				assert.ErrorIs(t, err, ErrForbidden, who)
			}
			_, err = e.svc.Choices(ctx, e.sub[who], 2025)
			assert.ErrorIs(t, err, ErrForbidden, who)
		}
	})

	t.Run("bad input names every field", func(t *testing.T) {
		_, err := e.svc.Create(ctx, sec, CreateInput{FiscalYear: 1999, Title: " ", DueOn: "2025-13-01",
			Lessons: []string{"CAP-01", "NOPE-01", "CAP-01"}, Recipients: []int64{e.orgs["KDDI株式会社"], 999999, e.orgs["KDDI株式会社"]}})
		assert.Equal(t, []string{"fiscal_year", "title", "due_on", "lessons[1]", "lessons[2]", "recipients[1]", "recipients[2]"}, paths(t, err))
		_, err = e.svc.Create(ctx, sec, CreateInput{FiscalYear: 2025, Title: "x", DueOn: "2025-05-01"})
		assert.Equal(t, []string{"due_on", "lessons"}, paths(t, err), "a due date in the past; no lesson")
		var n int64
		require.NoError(t, e.db.Raw("SELECT count(*) FROM surveys").Scan(&n).Error)
		assert.Zero(t, n, "nothing was written")
	})

	t.Run("the default recipients", func(t *testing.T) {
		ch, err := e.svc.Choices(ctx, sec, 2025)
		require.NoError(t, err)
		var names []string
		for _, o := range ch.Recipients {
			names = append(names, o.Name)
		}
		assert.Len(t, names, 8, "%v", names)
		assert.Contains(t, names, "株式会社オプテージ", "an accident in fiscal 2023")
		assert.Contains(t, names, "楽天モバイル株式会社", "designated")
		assert.NotContains(t, names, "株式会社テスト通信", "its accident was in fiscal 2021")
		assert.NotContains(t, names, "ケーブル株式会社", "a near-miss is not an accident")
		assert.True(t, ch.Recipients[0].Designated)
		assert.True(t, ch.Recipients[len(ch.Recipients)-1].Accident)
		require.NotEmpty(t, ch.Themes)
		assert.Equal(t, "capacity_planning", ch.Themes[0].ID)
		assert.Equal(t, "CAP-01", ch.Themes[0].Lessons[0].ID)
	})

	var sv *Survey
	t.Run("create with the default recipients", func(t *testing.T) {
		var err error
		sv, err = e.svc.Create(ctx, sec, in)
		require.NoError(t, err)
		assert.Equal(t, StatusDraft, sv.Status)
		assert.Equal(t, 1, sv.Version)
		assert.Equal(t, "2025-07-31", sv.DueOn)
		assert.Len(t, sv.Recipients, 8)
		require.Len(t, sv.Lessons, 3)
		assert.Equal(t, "PROC-01", sv.Lessons[1].ID)
		assert.Equal(t, "work_procedures", sv.Lessons[1].Theme)
		assert.NotEmpty(t, sv.Lessons[1].JA)
		assert.Equal(t, 0.7, sv.Threshold)
		assert.Nil(t, sv.Lessons[0].EffectiveShare)
	})

	t.Run("a draft is the secretariat's", func(t *testing.T) {
		_, err := e.svc.Sheet(ctx, e.sub["kddi"], sv.ID)
		assert.ErrorIs(t, err, ErrNotFound)
		list, err := e.svc.List(ctx, e.sub["kddi"])
		require.NoError(t, err)
		assert.Empty(t, list)
		_, err = e.svc.Close(ctx, sec, sv.ID, sv.Version)
		var se *StateError
		assert.ErrorAs(t, err, &se, "a draft is not closed")
	})

	t.Run("open: stale version, then once", func(t *testing.T) {
		_, err := e.svc.Open(ctx, sec, sv.ID, 7)
		assert.ErrorIs(t, err, ErrStale)
		for _, who := range []string{"expert", "editor", "kddi"} {
			_, err := e.svc.Open(ctx, e.sub[who], sv.ID, sv.Version)
			assert.Error(t, err, who)
			assert.True(t, errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden), who)
		}
		e.clock = e.clock.Add(time.Hour)
		got, err := e.svc.Open(ctx, sec, sv.ID, sv.Version)
		require.NoError(t, err)
		assert.Equal(t, StatusOpen, got.Status)
		assert.Equal(t, 2, got.Version)
		again, err := e.svc.Open(ctx, sec, sv.ID, 1)
		require.NoError(t, err)
		assert.Equal(t, 2, again.Version, "opening an open survey changes nothing")
		sv = got
	})

	// A second survey addressed to KDDI and Docomo only.
	other, err := e.svc.Create(ctx, sec, CreateInput{FiscalYear: 2025, Title: "指定公共機関向け", Lessons: []string{"COOP-01"},
		Recipients: []int64{e.orgs["KDDI株式会社"], e.orgs["株式会社NTTドコモ"]}})
	require.NoError(t, err)
	_, err = e.svc.Open(ctx, sec, other.ID, other.Version)
	require.NoError(t, err)

	t.Run("a reporter sees only what is addressed to it", func(t *testing.T) {
		list, err := e.svc.List(ctx, e.sub["kddi"])
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, sv.ID, list[0].ID, "the soonest due first")
		require.NotNil(t, list[0].Answered)
		assert.Zero(t, *list[0].Answered)
		assert.Nil(t, list[0].Recipients, "not the others' progress")
		list, err = e.svc.List(ctx, e.sub["optage"])
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, sv.ID, list[0].ID)

		_, err = e.svc.Sheet(ctx, e.sub["optage"], other.ID)
		assert.ErrorIs(t, err, ErrNotFound, "not addressed to オプテージ: not found, not forbidden")
		_, err = e.svc.Answer(ctx, e.sub["optage"], other.ID, AnswerInput{Answers: []AnswerItem{{LessonID: "COOP-01", Status: Planned}}})
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = e.svc.Get(ctx, e.sub["optage"], other.ID)
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = e.svc.Get(ctx, e.sub["kddi"], other.ID)
		assert.ErrorIs(t, err, ErrForbidden, "addressed: it exists, but the results are the secretariat's")
		_, err = e.svc.Get(ctx, e.sub["expert"], other.ID)
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = e.svc.Answer(ctx, sec, other.ID, AnswerInput{})
		assert.ErrorIs(t, err, ErrForbidden, "the secretariat answers for no organisation")
		_, err = e.svc.Sheet(ctx, e.sub["kddi"], 999999)
		assert.ErrorIs(t, err, ErrNotFound)

		sh, err := e.svc.Sheet(ctx, e.sub["kddi"], sv.ID)
		require.NoError(t, err)
		assert.Equal(t, "KDDI株式会社", sh.Organisation)
		assert.True(t, sh.Open)
		require.Len(t, sh.Lessons, 3)
		assert.Empty(t, sh.Lessons[0].Status)
	})

	t.Run("answers are validated whole, each problem by path", func(t *testing.T) {
		_, err := e.svc.Answer(ctx, e.sub["kddi"], sv.ID, AnswerInput{})
		assert.Equal(t, []string{"answers"}, paths(t, err))
		_, err = e.svc.Answer(ctx, e.sub["kddi"], sv.ID, AnswerInput{Answers: []AnswerItem{
			{LessonID: "CAP-01", Status: NewlyDone},
			{LessonID: "PROC-01", Status: Planned, Effective: yes()},
			{LessonID: "COOP-01", Status: "done"},
			{LessonID: "CAP-01", Status: Revised, Effective: no()},
		}})
		assert.Equal(t, []string{"answers[0].effective", "answers[1].effective", "answers[2].lesson_id", "answers[2].status",
			"answers[3].lesson_id", "answers"}, paths(t, err), "TEST-01 is not answered")
		var errs Errors
		require.ErrorAs(t, err, &errs)
		assert.Contains(t, errs[len(errs)-1].Message, "TEST-01")
		var n int64
		require.NoError(t, e.db.Raw("SELECT count(*) FROM survey_answers").Scan(&n).Error)
		assert.Zero(t, n)
	})

	t.Run("answer, then replace", func(t *testing.T) {
		e.clock = e.clock.Add(time.Hour)
		sh, err := e.svc.Answer(ctx, e.sub["kddi"], sv.ID, AnswerInput{Answers: []AnswerItem{
			{LessonID: "TEST-01", Status: NotPlanned},
			{LessonID: "CAP-01", Status: NewlyDone, Effective: yes()},
			{LessonID: "PROC-01", Status: Planned},
		}})
		require.NoError(t, err)
		assert.Equal(t, 3, sh.Answered)
		assert.Equal(t, NewlyDone, sh.Lessons[0].Status, "in the survey's order")
		assert.Equal(t, yes(), sh.Lessons[0].Effective)
		sh, err = e.svc.Answer(ctx, e.sub["kddi"], sv.ID, AnswerInput{Answers: []AnswerItem{
			{LessonID: "CAP-01", Status: Revised, Effective: no()},
			{LessonID: "PROC-01", Status: NewlyDone, Effective: yes()},
			{LessonID: "TEST-01", Status: WantedButHard},
		}})
		require.NoError(t, err)
		assert.Equal(t, Revised, sh.Lessons[0].Status)
		assert.Equal(t, 3, sh.Answered)
		for who, answers := range map[string][]AnswerItem{
			"docomo": {{LessonID: "CAP-01", Status: NewlyDone, Effective: yes()}, {LessonID: "PROC-01", Status: Revised, Effective: yes()},
				{LessonID: "TEST-01", Status: NotPlanned}},
			"optage": {{LessonID: "CAP-01", Status: Planned}, {LessonID: "PROC-01", Status: NewlyDone, Effective: no()},
				{LessonID: "TEST-01", Status: NotPlanned}},
		} {
			_, err := e.svc.Answer(ctx, e.sub[who], sv.ID, AnswerInput{Answers: answers})
			require.NoError(t, err, who)
		}
	})

	t.Run("results and progress", func(t *testing.T) {
		got, err := e.svc.Get(ctx, sec, sv.ID)
		require.NoError(t, err)
		assert.Equal(t, 3, got.Respondents)
		// CAP-01: KDDI revised (not effective), Docomo newly done
		// (effective), オプテージ planned → 2 of 3 implemented, 1 of 2 effective.
		cap := got.Lessons[0]
		assert.Equal(t, 3, cap.Answers)
		assert.Equal(t, 1, cap.NewlyDone)
		assert.Equal(t, 1, cap.Revised)
		assert.Equal(t, 1, cap.Planned)
		assert.Equal(t, 2, cap.Implemented)
		assert.Equal(t, 1, cap.Effective)
		assert.InDelta(t, 2.0/3, cap.ImplementedShare, 1e-12)
		require.NotNil(t, cap.EffectiveShare)
		assert.InDelta(t, 0.5, *cap.EffectiveShare, 1e-12)
		assert.Equal(t, "", cap.Class)
		// PROC-01: all three implemented, 2 of 3 effective.
		proc := got.Lessons[1]
		assert.Equal(t, 3, proc.Implemented)
		assert.Equal(t, 2, proc.Effective)
		assert.Equal(t, ClassImplemented, proc.Class)
		// TEST-01: nothing implemented.
		test := got.Lessons[2]
		assert.Equal(t, 1, test.WantedButHard)
		assert.Equal(t, 2, test.NotPlanned)
		assert.Nil(t, test.EffectiveShare)
		assert.Equal(t, "", test.Class)
		answered := map[string]int{}
		for _, p := range got.Recipients {
			answered[p.Organisation] = p.Answered
			assert.Equal(t, 3, p.Lessons)
		}
		assert.Equal(t, map[string]int{"KDDI株式会社": 3, "株式会社NTTドコモ": 3, "株式会社オプテージ": 3, "東日本電信電話株式会社": 0,
			"西日本電信電話株式会社": 0, "エヌ・ティ・ティ・コミュニケーションズ株式会社": 0, "ソフトバンク株式会社": 0, "楽天モバイル株式会社": 0}, answered)
		list, err := e.svc.List(ctx, sec)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, other.ID, list[0].ID, "the newest first")
		assert.Equal(t, 3, *list[1].Respondents)
		assert.Equal(t, 8, *list[1].Recipients)
	})

	t.Run("close: no more answers", func(t *testing.T) {
		cur, err := e.svc.Get(ctx, sec, sv.ID)
		require.NoError(t, err)
		_, err = e.svc.Close(ctx, sec, sv.ID, cur.Version-1)
		assert.ErrorIs(t, err, ErrStale)
		e.clock = time.Date(2025, 8, 1, 16, 0, 0, 0, time.UTC) // 2025-08-02 01:00 JST
		closed, err := e.svc.Close(ctx, sec, sv.ID, cur.Version)
		require.NoError(t, err)
		assert.Equal(t, StatusClosed, closed.Status)
		_, err = e.svc.Answer(ctx, e.sub["kddi"], sv.ID, AnswerInput{Answers: []AnswerItem{{LessonID: "CAP-01", Status: Planned}}})
		assert.ErrorIs(t, err, ErrClosed)
		_, err = e.svc.Open(ctx, sec, sv.ID, closed.Version)
		var se *StateError
		assert.ErrorAs(t, err, &se, "a closed survey does not open again")
		again, err := e.svc.Close(ctx, sec, sv.ID, closed.Version)
		require.NoError(t, err)
		assert.Equal(t, closed.Version, again.Version)
		sh, err := e.svc.Sheet(ctx, e.sub["kddi"], sv.ID)
		require.NoError(t, err, "the organisation still reads what it answered")
		assert.False(t, sh.Open)
		list, err := e.svc.List(ctx, e.sub["kddi"])
		require.NoError(t, err)
		require.Len(t, list, 1, "only open surveys are listed for reporters")
	})

	t.Run("the report", func(t *testing.T) {
		got, err := e.svc.ReportSurveys(ctx, 2025)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, "2025-08-02", got[0].ClosedOn, "the day in JST")
		assert.Equal(t, 3, got[0].Respondents)
		assert.Equal(t, 0.7, got[0].Threshold, "the classes' threshold goes with the results")
		assert.Equal(t, []string{"CAP-01", "PROC-01", "TEST-01"}, []string{got[0].Lessons[0].ID, got[0].Lessons[1].ID, got[0].Lessons[2].ID})
		none, err := e.svc.ReportSurveys(ctx, 2024)
		require.NoError(t, err)
		assert.NotNil(t, none)
		assert.Empty(t, none)
	})

	assert.Equal(t, []string{"survey.create", "survey.open", "survey.create", "survey.open",
		"survey.answer", "survey.answer", "survey.answer", "survey.answer", "survey.close"}, e.auditActions())
	var detail string
	require.NoError(t, e.db.Raw("SELECT detail::text FROM audit_log WHERE action = 'survey.answer' ORDER BY id OFFSET 1 LIMIT 1").Scan(&detail).Error)
	assert.Contains(t, detail, `"replaced":true`)
	assert.Contains(t, detail, `"CAP-01":"revised+not_effective"`)
}

// ReportSurveys on a fixture: ten organisations' answers written straight
// into the tables, two surveys closed in turn, one still open and one of
// another year — the report has the two, in the order they closed, with
// the hand-computed shares and classes.
func TestReportSurveys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var orgs []int64
	require.NoError(t, e.db.Transaction(func(tx *gorm.DB) error {
		names := make([]string, 10)
		for i := range names {
			names[i] = fmt.Sprintf("調査事業者%02d", i+1)
		}
		ids, err := casestore.ResolveOrganisations(tx, names)
		for _, n := range names {
			orgs = append(orgs, ids[caseformat.NormalizeName(n)])
		}
		return err
	}))
	mk := func(fy int, title string, lessons []string) int64 {
		sv, err := e.svc.Create(ctx, e.sub["sec"], CreateInput{FiscalYear: fy, Title: title, Lessons: lessons, Recipients: orgs})
		require.NoError(t, err)
		_, err = e.svc.Open(ctx, e.sub["sec"], sv.ID, sv.Version)
		require.NoError(t, err)
		return sv.ID
	}
	answer := func(id int64, lesson string, statuses ...string) {
		for i, st := range statuses {
			var eff any
			switch st {
			case "newly_done+", "revised+":
				st, eff = st[:len(st)-1], true
			case NewlyDone, Revised:
				eff = false
			}
			require.NoError(t, e.db.Exec(`INSERT INTO survey_answers (survey_id, organisation_id, lesson_id, status, effective, answered_by)
				VALUES (?, ?, ?, ?, ?, 'fixture')`, id, orgs[i], lesson, st, eff).Error)
		}
	}
	closeAt := func(id int64, at time.Time) {
		e.clock = at
		sv, err := e.svc.Get(ctx, e.sub["sec"], id)
		require.NoError(t, err)
		_, err = e.svc.Close(ctx, e.sub["sec"], id, sv.Version)
		require.NoError(t, err)
	}
	late := mk(2025, "後で閉じた調査", []string{"SIMP-01"})
	early := mk(2025, "先に閉じた調査", []string{"CAP-01", "PROC-01", "REC-01"})
	open := mk(2025, "回答受付中", []string{"CAP-02"})
	before := mk(2024, "前年度の調査", []string{"CAP-02"})
	// CAP-01, the brief's example: 5 newly done (4 effective), 2 revised
	// (both effective), 1 planned, 1 wanted but hard, 1 not planned.
	answer(early, "CAP-01", "newly_done+", "newly_done+", "newly_done+", "newly_done+", NewlyDone, "revised+", "revised+",
		Planned, WantedButHard, NotPlanned)
	// PROC-01: 3 of 10 implemented, all effective → effective only.
	answer(early, "PROC-01", "newly_done+", "revised+", "revised+", Planned, Planned, Planned, WantedButHard, WantedButHard, NotPlanned, NotPlanned)
	// REC-01: nothing implemented.
	answer(early, "REC-01", Planned, Planned, Planned, Planned, Planned, WantedButHard, WantedButHard, NotPlanned, NotPlanned, NotPlanned)
	// SIMP-01: 8 of 10 implemented, 5 of 8 effective → implemented only;
	// two organisations did not answer.
	answer(late, "SIMP-01", "newly_done+", "newly_done+", "newly_done+", "revised+", "revised+", NewlyDone, Revised, Revised)
	answer(open, "CAP-02", Planned)
	answer(before, "CAP-02", Planned)
	closeAt(before, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC))
	closeAt(early, time.Date(2026, 3, 30, 15, 30, 0, 0, time.UTC)) // 2026-03-31 00:30 JST
	closeAt(late, time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC))

	got, err := e.svc.ReportSurveys(ctx, 2025)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "先に閉じた調査", got[0].Title)
	assert.Equal(t, "2026-03-31", got[0].ClosedOn)
	assert.Equal(t, 10, got[0].Respondents)
	assert.Equal(t, "後で閉じた調査", got[1].Title)
	assert.Equal(t, "2026-04-10", got[1].ClosedOn)
	assert.Equal(t, 8, got[1].Respondents)

	f := func(v float64) *float64 { return &v }
	for i, want := range []report.SurveyLesson{
		{ID: "CAP-01", Answers: 10, NewlyDone: 5, Revised: 2, Planned: 1, WantedButHard: 1, NotPlanned: 1, Implemented: 7, Effective: 6,
			ImplementedShare: 0.7, EffectiveShare: f(6.0 / 7), Class: ClassBoth},
		{ID: "PROC-01", Answers: 10, NewlyDone: 1, Revised: 2, Planned: 3, WantedButHard: 2, NotPlanned: 2, Implemented: 3, Effective: 3,
			ImplementedShare: 0.3, EffectiveShare: f(1), Class: ClassEffective},
		{ID: "REC-01", Answers: 10, Planned: 5, WantedButHard: 2, NotPlanned: 3, ImplementedShare: 0, Class: ""},
	} {
		l := got[0].Lessons[i]
		assert.NotEmpty(t, l.JA, want.ID)
		assert.NotEmpty(t, l.EN, want.ID)
		l.JA, l.EN = "", ""
		assert.Equal(t, want, l)
	}
	simp := got[1].Lessons[0]
	assert.Equal(t, "SIMP-01", simp.ID)
	assert.Equal(t, 8, simp.Answers)
	assert.Equal(t, 1.0, simp.ImplementedShare)
	assert.InDelta(t, 5.0/8, *simp.EffectiveShare, 1e-12)
	assert.Equal(t, ClassImplemented, simp.Class)

	// The database refuses what the service would: an effective flag on an
	// answer that is not implemented, an organisation not addressed.
	assert.Error(t, e.db.Exec(`INSERT INTO survey_answers (survey_id, organisation_id, lesson_id, status, effective, answered_by)
		VALUES (?, ?, 'CAP-02', 'planned', true, 'x')`, open, orgs[5]).Error)
	assert.Error(t, e.db.Exec(`INSERT INTO survey_answers (survey_id, organisation_id, lesson_id, status, effective, answered_by)
		VALUES (?, ?, 'CAP-02', 'newly_done', NULL, 'x')`, open, orgs[5]).Error)
	assert.Error(t, e.db.Exec(`INSERT INTO survey_answers (survey_id, organisation_id, lesson_id, status, answered_by)
		VALUES (?, ?, 'CAP-02', 'planned', 'x')`, open, e.orgs["KDDI株式会社"]).Error)
	assert.Error(t, e.db.Exec(`INSERT INTO survey_answers (survey_id, organisation_id, lesson_id, status, answered_by)
		VALUES (?, ?, 'CAP-01', 'planned', 'x')`, open, orgs[5]).Error, "a lesson the survey does not ask")
}

// Two people of one organisation answering at the same moment: both are
// recorded, one after the other, and the organisation has one set of
// answers.
func TestAnswerConcurrently(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sv, err := e.svc.Create(ctx, e.sub["sec"], CreateInput{FiscalYear: 2025, Title: "同時回答", Lessons: []string{"CAP-01", "PROC-01"},
		Recipients: []int64{e.orgs["KDDI株式会社"]}})
	require.NoError(t, err)
	_, err = e.svc.Open(ctx, e.sub["sec"], sv.ID, sv.Version)
	require.NoError(t, err)
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			st := []string{Planned, NotPlanned}[i%2]
			_, err := e.svc.Answer(ctx, e.sub["kddi"], sv.ID, AnswerInput{Answers: []AnswerItem{{LessonID: "CAP-01", Status: st},
				{LessonID: "PROC-01", Status: st}}})
			errs <- err
		}()
	}
	for range 8 {
		assert.NoError(t, <-errs)
	}
	var n int64
	require.NoError(t, e.db.Raw("SELECT count(*) FROM survey_answers WHERE survey_id = ?", sv.ID).Scan(&n).Error)
	assert.EqualValues(t, 2, n)
}
