package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/access"
	"kensho/internal/jpdate"
	"kensho/internal/review"
	"kensho/internal/stacktest"
)

// underReview puts DEMO-Q-2026-01 (KDDI's emergency-call outage, filed
// through the portal) under review through the service, as the
// secretariat does on the triage desk: verified in depth, and the
// proposed panel accepted (expert and expert-consumer; expert-telecom has
// a conflict with KDDI).
func underReview(t *testing.T, s *stacktest.Stack) int64 {
	t.Helper()
	ctx, sec := context.Background(), secretariat(t, s)
	id := s.Cases["DEMO-Q-2026-01"]
	_, err := s.Stack.Review.Decide(ctx, sec, id, review.DecisionInput{Depth: review.DepthInDepth, Reason: "緊急通報への影響が大きい"})
	require.NoError(t, err)
	v, err := s.Stack.Review.Accept(ctx, sec, id, review.AcceptInput{})
	require.NoError(t, err)
	var logins []string
	for _, m := range v.Members {
		logins = append(logins, m.Login)
	}
	require.Equal(t, []string{"expert", "expert-consumer"}, logins)
	return id
}

func subjectOf(t *testing.T, s *stacktest.Stack, login string) access.Subject {
	t.Helper()
	p, err := s.Identity.ByLogin(context.Background(), login)
	require.NoError(t, err)
	return p.Subject
}

// fieldError is the text of the error shown next to the control id.
func fieldError(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`<span class="field-error" id="` + regexp.QuoteMeta(id) + `-error" role="alert">([^<]*)</span>`).FindStringSubmatch(body)
	if m == nil {
		t.Errorf("no error next to #%s", id)
		return ""
	}
	return m[1]
}

// A complete annotation, as the form sends it.
func annotationForm(version int) url.Values {
	return url.Values{"version": {fmt.Sprint(version)}, "cause_class": {"equipment"}, "cause_archetype": {"software_bug"},
		"prevention": {"partly"}, "prevention_text": {"切替試験の範囲が不十分。\r\n商用相当の負荷を想定していない。"},
		"additional_measures": {"商用相当の負荷で切替試験を行うこと。"},
		"lessons.0.kind":      {"link"}, "lessons.0.lesson_id": {"TEST-01"},
		"lessons.1.kind": {"propose"}, "lessons.1.theme": {"first_notice"}, "lessons.1.text_ja": {"緊急通報に影響する障害は15分以内に第一報を出すこと。"}}
}

func TestReviewQueuePage(t *testing.T) {
	s := stacktest.New(t)
	id := underReview(t, s)
	ctx := context.Background()

	expert := signedIn(t, s, "expert")
	r := expert.get("/review")
	require.Equal(t, http.StatusOK, r.Status)
	q, err := s.Stack.Review.Queue(ctx, subjectOf(t, s, "expert"), subjectOf(t, s, "expert").UserID(), false)
	require.NoError(t, err)
	require.Len(t, q.Items, 1)
	due, err := jpdate.ParseDate(q.Items[0].DueOn)
	require.NoError(t, err)
	assert.Contains(t, r.Body, fmt.Sprintf(`<a href="/cases/%d/review">DEMO-Q-2026-01</a>`, id))
	assert.Contains(t, r.Body, `<td class="due">`+jpdate.Wareki(due)+`</td>`, "the due date in 和暦 with the Western year")
	assert.Contains(t, r.Body, "未着手")
	assert.Contains(t, r.Body, "0 / 2 名提出")
	assert.Contains(t, r.Body, `<a href="/review" aria-current="page">担当事案</a>`)
	assert.NotContains(t, r.Body, "overdue")
	assert.Contains(t, r.Body, `class="page-marking"><span class="tlp tlp-red">TLP:RED</span>`, "assignments are committee material")

	home := expert.get("/home")
	assert.Contains(t, home.Body, `class="home-queue"`)
	assert.Contains(t, home.Body, fmt.Sprintf(`<a href="/cases/%d/review">DEMO-Q-2026-01</a>`, id))

	// Time passes: the assignment is overdue, in red and in words. Three
	// days before today in Japan, as the queue counts: the server's
	// current_date is UTC's, a day behind from 00:00 to 09:00 JST.
	require.NoError(t, s.DB.Exec(`UPDATE review_assignments SET due_on = ?::date WHERE case_id = ?`,
		jpdate.DateOf(time.Now().AddDate(0, 0, -3)), id).Error)
	r = expert.get("/review")
	assert.Contains(t, r.Body, `<tr class="overdue">`)
	assert.Contains(t, r.Body, `<strong class="bad">3日超過</strong>`)
	assert.Contains(t, r.Body, "担当中 1 件、うち期限超過 1 件")

	t.Run("the secretariat sees every member's, with a filter", func(t *testing.T) {
		sec := signedIn(t, s, "secretariat")
		r := sec.get("/review")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, "構成員の担当事案")
		assert.Equal(t, 2, strings.Count(r.Body, fmt.Sprintf(`<a href="/cases/%d/review">DEMO-Q-2026-01</a>`, id)), "one row per member")
		assert.Contains(t, r.Body, "KDDI株式会社", "expert-telecom's declared conflict in the load table")
		consumer := subjectOf(t, s, "expert-consumer").UserID()
		r = sec.get(fmt.Sprintf("/review?expert=%d", consumer))
		assert.Equal(t, 1, strings.Count(r.Body, fmt.Sprintf(`<a href="/cases/%d/review">DEMO-Q-2026-01</a>`, id)))
		assert.Contains(t, r.Body, fmt.Sprintf(`<option value="%d" selected>`, consumer))
		r = sec.get("/review?expert=abc")
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Contains(t, r.Body, "指定された構成員が見つかりません")
		assert.NotContains(t, sec.get("/home").Body, `class="home-queue"`)
	})

	t.Run("no queue for those outside the committee", func(t *testing.T) {
		for _, login := range []string{"kddi", "editor", "auditor", "admin"} {
			b := signedIn(t, s, login)
			assert.Equal(t, http.StatusForbidden, b.get("/review").Status, login)
			assert.NotContains(t, b.get("/home").Body, `href="/review"`, login)
		}
	})

	t.Run("English", func(t *testing.T) {
		expert.get("/lang?to=en")
		r := expert.get("/review")
		assert.Contains(t, r.Body, "My cases")
		assert.Contains(t, r.Body, `<td class="due">`+jpdate.DateOf(time.Now().AddDate(0, 0, -3))+`</td>`, "ISO dates in English")
		assert.Contains(t, r.Body, "3 days overdue")
		expert.get("/lang?to=ja")
	})
}

func TestWorkspacePage(t *testing.T) {
	s := stacktest.New(t)
	id := underReview(t, s)
	ctx := context.Background()
	path := fmt.Sprintf("/cases/%d/review", id)
	save := path + "/annotation"

	expert := signedIn(t, s, "expert")
	r := expert.get(path)
	require.Equal(t, http.StatusOK, r.Status)
	for _, want := range []string{`id="annotation-form"`, `class="page-marking"><span class="tlp tlp-red">TLP:RED</span>`,
		`<option value="software_bug">ソフトウェア不具合</option>`, `<option value="equipment">設備要因</option>`,
		`value="partly" id="ann-prevention-partly"`, `id="ann-add-link"`, `id="ann-add-proposal"`,
		`class="similar-cases"`, `id="case-overview"`, `id="case-restricted"`, "影響の推移", "コメントはまだありません"} {
		assert.Contains(t, r.Body, want)
	}

	t.Run("who sees the workspace", func(t *testing.T) {
		other := signedIn(t, s, "expert-software").get(path) // no conflict, not on the panel
		assert.Equal(t, http.StatusOK, other.Status)
		assert.NotContains(t, other.Body, `id="annotation-form"`)
		assert.Contains(t, other.Body, "担当構成員ではないため")
		sec := signedIn(t, s, "secretariat").get(path)
		assert.Equal(t, http.StatusOK, sec.Status)
		assert.NotContains(t, sec.Body, `id="annotation-form"`)
		assert.Contains(t, sec.Body, fmt.Sprintf(`<a href="/cases/%d/verification">検証結果をとりまとめる</a>`, id))
		conflicted := signedIn(t, s, "expert-telecom") // declared a conflict with KDDI
		hidden := conflicted.get(path)
		assert.Equal(t, http.StatusNotFound, hidden.Status)
		assert.Equal(t, conflicted.get("/cases/999999999/review").Body, hidden.Body)
		assert.Equal(t, http.StatusForbidden, signedIn(t, s, "kddi").get(path).Status, "KDDI sees its case, not the committee's part")
		for _, login := range []string{"optage", "editor", "docomo"} {
			assert.Equal(t, http.StatusNotFound, signedIn(t, s, login).get(path).Status, login)
		}
	})

	t.Run("a form without its token changes nothing", func(t *testing.T) {
		assert.Equal(t, http.StatusForbidden, expert.post(save, annotationForm(0), "").Status)
		w, err := s.Stack.Review.Workspace(ctx, subjectOf(t, s, "expert"), id)
		require.NoError(t, err)
		assert.Nil(t, w.Mine)
	})

	t.Run("bad input is named next to its field, nothing typed is lost", func(t *testing.T) {
		f := annotationForm(0)
		f.Set("cause_archetype", "gremlins")
		r := expert.post(save, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "原因類型を一覧から選んでください。", fieldError(t, r.Body, "ann-archetype"))
		assert.Contains(t, r.Body, "切替試験の範囲が不十分。\n商用相当の負荷を想定していない。")
		assert.Contains(t, r.Body, "緊急通報に影響する障害は15分以内に第一報を出すこと。")

		f = annotationForm(0)
		f.Set("lessons.0.lesson_id", "NOPE-01")
		r = expert.post(save, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "目録にない教訓です。一覧から選んでください。", fieldError(t, r.Body, "ann-lesson-0-id"))

		f = annotationForm(0)
		f.Set("lessons.0.lesson_id", "")
		f.Set("lessons.0.note", "どれか")
		r = expert.post(save, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, fieldError(t, r.Body, "ann-lesson-0-id"), "目録の教訓を選んでください")

		// An empty row before a bad one: the problem is still shown at the row it is in.
		f = annotationForm(0)
		f.Set("lessons.0.lesson_id", "")
		f.Set("lessons.1.theme", "")
		r = expert.post(save, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "新しい教訓のテーマを選んでください。", fieldError(t, r.Body, "ann-lesson-1-theme"))

		expert.get("/lang?to=en")
		f = annotationForm(0)
		f.Set("cause_class", "weather")
		r = expert.post(save, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "Choose a cause class from the list.", fieldError(t, r.Body, "ann-cause-class"), "in the reader's language")
		expert.get("/lang?to=ja")

		f = annotationForm(0)
		f.Set("version", "one")
		r = expert.post(save, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "フォームの版が正しくありません")
	})

	t.Run("lesson rows are added and removed in place", func(t *testing.T) {
		f := annotationForm(0)
		f.Set("op", "add-link")
		r := expert.htmx(path+"/lessons", f)
		require.Equal(t, http.StatusOK, r.Status)
		assert.True(t, strings.HasPrefix(strings.TrimSpace(r.Body), `<fieldset class="lessons" id="ann-lessons">`), r.Body)
		assert.Contains(t, r.Body, `name="lessons.2.lesson_id"`)
		assert.Contains(t, r.Body, `<option value="TEST-01" selected>`)
		assert.Contains(t, r.Body, `id="ann-lesson-0-text"`, "the linked lesson's text is shown")
		f.Set("op", "remove:0")
		r = expert.htmx(path+"/lessons", f)
		assert.NotContains(t, r.Body, "TEST-01\" selected")
		assert.Contains(t, r.Body, `name="lessons.0.theme"`)
		// Without htmx the whole page comes back with the form as typed.
		f.Set("op", "add-proposal")
		r = expert.post(path+"/lessons", f, "auto")
		assert.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, `id="annotation-form"`)
		assert.Contains(t, r.Body, `name="lessons.2.text_ja"`)
		assert.Equal(t, http.StatusForbidden, signedIn(t, s, "kddi").htmx(path+"/lessons", f).Status, "the catalogue is not a reporter's")
	})

	var version int
	t.Run("save a draft, then a stale save shows what changed", func(t *testing.T) {
		f := annotationForm(0)
		f.Set("action", "save")
		r := expert.post(save, f, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		assert.Equal(t, path+"?done=annotation-saved#annotation", r.Location)
		r = expert.get(r.Location)
		assert.Contains(t, r.Body, "注釈を下書き保存しました。")
		assert.Contains(t, r.Body, `<span class="pill status-draft">下書き</span> 第1版`)
		assert.Contains(t, r.Body, `<option value="TEST-01" selected>`)

		// Another tab, loaded before the save: version 0.
		f = annotationForm(0)
		f.Set("cause_class", "human")
		r = expert.post(save, f, "auto")
		assert.Equal(t, http.StatusConflict, r.Status)
		assert.Contains(t, r.Body, "構成員 花子 (expert) が")
		assert.Contains(t, r.Body, "<td>発生原因の分類</td><td class=\"text\">—</td><td class=\"text\">設備要因</td>")
		assert.Contains(t, r.Body, `<option value="human" selected>`, "what was typed stays")
		assert.Contains(t, r.Body, `name="version" value="1"`, "saving again overwrites knowingly")
		version = 1
	})

	t.Run("submitting what is incomplete keeps a draft and names the field", func(t *testing.T) {
		f := annotationForm(version)
		f.Del("prevention")
		f.Set("action", "submit")
		r := expert.post(save, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "下書きとして保存しましたが、提出できませんでした")
		assert.Contains(t, fieldError(t, r.Body, "ann-prevention"), "十分・一部不十分・不十分")
		w, err := s.Stack.Review.Workspace(ctx, subjectOf(t, s, "expert"), id)
		require.NoError(t, err)
		assert.Equal(t, review.StatusDraft, w.Mine.Status)
		version = w.Mine.Version
	})

	t.Run("submit", func(t *testing.T) {
		f := annotationForm(version)
		f.Set("action", "submit")
		r := expert.post(save, f, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		r = expert.get(r.Location)
		assert.Contains(t, r.Body, "注釈を提出しました。")
		assert.Contains(t, r.Body, "提出済み")
		assert.Contains(t, expert.get("/review?all=1").Body, `<span class="pill status-submitted">提出済み</span>`)
		assert.Contains(t, expert.get("/review").Body, "担当中の事案はありません", "a submitted annotation completes the assignment")

		// The other members read it; a member not on the panel cannot annotate.
		consumer := signedIn(t, s, "expert-consumer").get(path)
		assert.Contains(t, consumer.Body, `id="annotation-expert"`)
		assert.Contains(t, consumer.Body, "商用相当の負荷で切替試験を行うこと。")
		software := signedIn(t, s, "expert-software")
		software.get(path)
		assert.Equal(t, http.StatusForbidden, software.post(save, annotationForm(0), "auto").Status)
		telecom := signedIn(t, s, "expert-telecom")
		telecom.get("/home")
		assert.Equal(t, http.StatusNotFound, telecom.post(save, annotationForm(0), "auto").Status, "a conflicted expert: not found, never forbidden")
	})
}

func TestReviewComments(t *testing.T) {
	s := stacktest.New(t)
	id := underReview(t, s)
	path := fmt.Sprintf("/cases/%d/comments", id)
	expert := signedIn(t, s, "expert")
	expert.get(fmt.Sprintf("/cases/%d/review", id))

	r := expert.htmx(path, url.Values{"body": {"事業者への追加質問案を送ります。"}, "back": {"review"}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.True(t, strings.HasPrefix(strings.TrimSpace(r.Body), `<li class="comment role-expert"`), r.Body)
	assert.Contains(t, r.Body, "事業者への追加質問案を送ります。")
	assert.Contains(t, r.Body, `id="comment-form" hx-swap-oob="true"`, "the form comes back empty")
	assert.Contains(t, r.Body, `id="comment-none" hx-swap-oob="delete"`)

	r = expert.htmx(path, url.Values{"body": {"事業者への追加質問案を送ります。"}})
	assert.Equal(t, http.StatusOK, r.Status)
	assert.NotContains(t, r.Body, "<li")
	assert.Contains(t, r.Body, "同じコメントは投稿済みです")

	r = expert.htmx(path, url.Values{"body": {"  "}})
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Equal(t, "#comment-form", r.Header.Get("HX-Retarget"))
	assert.Equal(t, "コメントを入力してください。", fieldError(t, r.Body, "comment-body"))

	sec := signedIn(t, s, "secretariat")
	sec.get(fmt.Sprintf("/cases/%d/verification", id))
	r = sec.post(path, url.Values{"body": {"事務局から：資料を追加しました。"}, "back": {"verification"}}, "auto")
	assert.Equal(t, http.StatusSeeOther, r.Status)
	assert.Equal(t, fmt.Sprintf("/cases/%d/verification?done=commented#comments", id), r.Location)
	r = sec.post(path, url.Values{"body": {""}, "back": {"verification"}}, "auto")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, `id="verification-form"`, "back on the page the form was on")

	page := expert.get(fmt.Sprintf("/cases/%d/review", id))
	assert.Contains(t, page.Body, `<li class="comment role-secretariat"`)
	assert.Contains(t, page.Body, "事務局 太郎")

	assert.Equal(t, http.StatusForbidden, expert.post(path, url.Values{"body": {"x"}}, "").Status, "CSRF")
	software := signedIn(t, s, "expert-software")
	assert.Equal(t, http.StatusForbidden, software.post(path, url.Values{"body": {"x"}}, "auto").Status, "not on the panel")
	assert.Equal(t, http.StatusForbidden, signedIn(t, s, "kddi").post(path, url.Values{"body": {"x"}}, "auto").Status)
	assert.Equal(t, http.StatusNotFound, signedIn(t, s, "optage").post(path, url.Values{"body": {"x"}}, "auto").Status)
	cs, err := s.Stack.Review.Comments(context.Background(), secretariat(t, s), id)
	require.NoError(t, err)
	assert.Len(t, cs, 2)
}

func TestVerificationPage(t *testing.T) {
	s := stacktest.New(t)
	id := underReview(t, s)
	ctx := context.Background()
	es := subjectOf(t, s, "expert")
	a, err := s.Stack.Review.SaveAnnotation(ctx, es, id, review.AnnotationInput{CauseClass: "equipment", CauseArchetype: "software_bug",
		Prevention: "partly", PreventionText: "切替試験の範囲が不十分。", AdditionalMeasures: "商用相当の負荷で試験すること。",
		Lessons: []review.LessonRef{{LessonID: "TEST-01"}, {Theme: "first_notice", TextJA: "緊急通報に影響する障害は15分以内に第一報を出すこと。"}}})
	require.NoError(t, err)
	_, err = s.Stack.Review.SubmitAnnotation(ctx, es, id, a.Version)
	require.NoError(t, err)
	path := fmt.Sprintf("/cases/%d/verification", id)
	before, err := s.Stack.Review.LessonByID(ctx, secretariat(t, s), "TEST-01")
	require.NoError(t, err)

	sec := signedIn(t, s, "secretariat")
	r := sec.get(path)
	require.Equal(t, http.StatusOK, r.Status)
	for _, want := range []string{`id="verification-form"`, `id="prefilled"`, "ソフトウェア不具合 1票（expert）", "一部不十分 1票（expert）",
		"【構成員 花子】切替試験の範囲が不十分。", `<option value="TEST-01" selected>`, `name="lessons.0.accept" value="1" checked`,
		"提案した構成員", "集計対象 1 件（担当 2 名）", `<option value="software_bug" selected>`, "本事案で再発として数えます"} {
		assert.Contains(t, r.Body, want)
	}

	t.Run("who sees it, who consolidates", func(t *testing.T) {
		expert := signedIn(t, s, "expert")
		r := expert.get(path)
		assert.Equal(t, http.StatusOK, r.Status)
		assert.NotContains(t, r.Body, `id="verification-form"`)
		assert.Equal(t, http.StatusForbidden, expert.post(path, url.Values{"version": {"0"}, "action": {"save"}}, "auto").Status)
		assert.Equal(t, http.StatusForbidden, signedIn(t, s, "kddi").get(path).Status)
		assert.Equal(t, http.StatusNotFound, signedIn(t, s, "expert-telecom").get(path).Status)
		assert.Equal(t, http.StatusNotFound, signedIn(t, s, "editor").get(path).Status)
		assert.Equal(t, http.StatusForbidden, sec.post(path, url.Values{"version": {"0"}}, "").Status, "CSRF")
	})

	form := func(version int) url.Values {
		return url.Values{"version": {fmt.Sprint(version)}, "cause_class": {"equipment"}, "cause_archetype": {"software_bug"},
			"prevention": {"partly"}, "prevention_text": {"切替試験の範囲が不十分。"}, "findings": {""}, "fiscal_year": {"2025"},
			"lessons.0.kind": {"link"}, "lessons.0.lesson_id": {"TEST-01"}, "lessons.0.accept": {"1"},
			"lessons.1.kind": {"propose"}, "lessons.1.theme": {"first_notice"}, "lessons.1.accept": {"1"},
			"lessons.1.text_ja": {"緊急通報に影響する障害は15分以内に第一報を出すこと。"}}
	}

	t.Run("finalising needs the findings and the English text, each named", func(t *testing.T) {
		f := form(0)
		f.Set("action", "finalise")
		r := sec.post(path, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "検証結果（所見）を記入してください。", fieldError(t, r.Body, "ver-findings"))
		v, err := s.Stack.Review.Consolidation(ctx, secretariat(t, s), id)
		require.NoError(t, err)
		require.NotNil(t, v.Verification, "saved as a draft")
		f = form(v.Verification.Version)
		f.Set("findings", "ソフトウェア更新の試験範囲が不足していた。")
		f.Set("action", "finalise")
		r = sec.post(path, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, fieldError(t, r.Body, "ver-lesson-1-en"), "英文が必要")
		assert.Contains(t, r.Body, "ソフトウェア更新の試験範囲が不足していた。")
	})

	t.Run("a lesson not accepted is left out and stays on the form", func(t *testing.T) {
		v, err := s.Stack.Review.Consolidation(ctx, secretariat(t, s), id)
		require.NoError(t, err)
		f := form(v.Verification.Version)
		f.Del("lessons.0.accept")
		f.Set("action", "save")
		r := sec.post(path, f, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		v, err = s.Stack.Review.Consolidation(ctx, secretariat(t, s), id)
		require.NoError(t, err)
		require.Len(t, v.Verification.Lessons, 1)
		r = sec.get(path)
		assert.Contains(t, r.Body, `name="lessons.1.lesson_id"`, "TEST-01 after the saved lesson")
		assert.NotContains(t, r.Body, `name="lessons.1.accept" value="1" checked`)
	})

	t.Run("a stale save shows what changed", func(t *testing.T) {
		f := form(1)
		f.Set("findings", "古い版からの所見")
		f.Set("action", "save")
		r := sec.post(path, f, "auto")
		assert.Equal(t, http.StatusConflict, r.Status)
		assert.Contains(t, r.Body, "事務局 太郎 (secretariat) が")
		assert.Contains(t, r.Body, "古い版からの所見")
	})

	t.Run("finalise: the lessons go into the catalogue", func(t *testing.T) {
		v, err := s.Stack.Review.Consolidation(ctx, secretariat(t, s), id)
		require.NoError(t, err)
		f := form(v.Verification.Version)
		f.Set("findings", "ソフトウェア更新の試験範囲が不足していた。")
		f.Set("lessons.1.text_en", "Give the first notice within 15 minutes of an outage affecting emergency calls.")
		f.Set("action", "finalise")
		r := sec.post(path, f, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		r = sec.get(r.Location)
		assert.Contains(t, r.Body, "検証結果を確定しました。")
		assert.Contains(t, r.Body, `id="final-result"`)
		assert.Contains(t, r.Body, "本検証で追加")
		after, err := s.Stack.Review.LessonByID(ctx, secretariat(t, s), "TEST-01")
		require.NoError(t, err)
		assert.Equal(t, before.Cases+1, after.Cases)
		var fy int
		require.NoError(t, s.DB.Raw("SELECT fiscal_year FROM cases WHERE id = ?", id).Scan(&fy).Error)
		lessons := sec.get("/lessons")
		assert.Contains(t, lessons.Body, fmt.Sprintf(`<a href="/lessons/NTC-%d-01"><code>NTC-%d-01</code></a>`, fy, fy))
		assert.Contains(t, lessons.Body, "緊急通報に影響する障害は15分以内に第一報を出すこと。")
		expert := signedIn(t, s, "expert").get(fmt.Sprintf("/cases/%d/review", id))
		assert.NotContains(t, expert.Body, `id="annotation-form"`, "annotations close with the result")
	})

	t.Run("reopen needs a reason", func(t *testing.T) {
		v, err := s.Stack.Review.Consolidation(ctx, secretariat(t, s), id)
		require.NoError(t, err)
		r := sec.post(path+"/reopen", url.Values{"version": {fmt.Sprint(v.Verification.Version)}, "reason": {" "}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, fieldError(t, r.Body, "reopen-reason"), "理由を入力してください")
		r = sec.post(path+"/reopen", url.Values{"version": {"1"}, "reason": {"古い版"}}, "auto")
		assert.Equal(t, http.StatusConflict, r.Status)
		r = sec.post(path+"/reopen", url.Values{"version": {fmt.Sprint(v.Verification.Version)}, "reason": {"事業者から追加報告"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		r = sec.get(r.Location)
		assert.Contains(t, r.Body, "検証結果を再開しました")
		assert.Contains(t, r.Body, `id="verification-form"`)
	})
}

func TestLessonsPages(t *testing.T) {
	s := stacktest.New(t)
	sec := signedIn(t, s, "secretariat")
	r := sec.get("/lessons")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, `<a href="/lessons" aria-current="page">教訓</a>`)
	assert.Contains(t, r.Body, "設備容量の設計")
	assert.Contains(t, r.Body, `<tr id="lesson-COOP-01">`)
	assert.Regexp(t, `(?s)<tr id="lesson-COOP-01">.*?<td class="num cases">2</td>`, r.Body, "2019-001 and 2020-005")
	r = sec.get("/lessons?theme=capacity_planning")
	assert.Contains(t, r.Body, "CAP-01")
	assert.NotContains(t, r.Body, "COOP-01")
	r = sec.get("/lessons?theme=luck")
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Contains(t, r.Body, "そのテーマは目録にありません")

	r = sec.get("/lessons/COOP-01")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, fmt.Sprintf(`<a href="/cases/%d">2019-001</a>`, s.Cases["2019-001"]))
	assert.Contains(t, r.Body, "過去の年次報告")
	assert.Equal(t, http.StatusNotFound, sec.get("/lessons/NOPE-01").Status)

	t.Run("an editor sees the texts and counts, no committee case", func(t *testing.T) {
		editor := signedIn(t, s, "editor")
		r := editor.get("/lessons")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Regexp(t, `(?s)<tr id="lesson-COOP-01">.*?<td class="num cases">2</td>`, r.Body)
		assert.Contains(t, r.Body, "Design equipment with enough headroom", "both languages")
		r = editor.get("/lessons/COOP-01")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, `<dd id="lesson-cases">2</dd>`)
		assert.Contains(t, r.Body, "ほかに 2 件の事案に関連付けられています")
		for _, ref := range []string{"2019-001", "2020-005"} {
			assert.NotContains(t, r.Body, ref)
			assert.NotContains(t, r.Body, fmt.Sprintf("/cases/%d", s.Cases[ref]))
		}
		assert.NotContains(t, r.Body, "TLP:RED")
	})

	t.Run("not for reporters or administrators", func(t *testing.T) {
		for _, login := range []string{"kddi", "admin", "auditor"} {
			b := signedIn(t, s, login)
			assert.Equal(t, http.StatusForbidden, b.get("/lessons").Status, login)
			assert.Equal(t, http.StatusForbidden, b.get("/lessons/COOP-01").Status, login)
			assert.NotContains(t, b.get("/home").Body, `href="/lessons"`, login)
		}
	})
}

func TestGuidancePages(t *testing.T) {
	s := stacktest.New(t)
	hist := s.Cases["2019-001"] // J:COM East and KDDI
	newPath := fmt.Sprintf("/cases/%d/guidance/new", hist)
	createPath := fmt.Sprintf("/cases/%d/guidance", hist)

	sec := signedIn(t, s, "secretariat")
	r := sec.get(newPath)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, `<option value="KDDI株式会社">`)
	assert.Contains(t, r.Body, `<option value="">選択してください</option>`, "two operators: none chosen for the clerk")

	for login, status := range map[string]int{"expert": 403, "kddi": 403, "optage": 404, "editor": 404} {
		assert.Equal(t, status, signedIn(t, s, login).get(newPath).Status, login)
	}

	form := url.Values{"organisation": {"KDDI株式会社"}, "issued_on": {"2019-05-20"}, "reference": {"総基安第12号"},
		"measures": {"卸先事業者への連絡体制を整備し報告すること。"}, "follow_up_due": {"2019-08-31"}, "follow_up_status": {"pending"}}
	t.Run("bad input is named next to its field", func(t *testing.T) {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("organisation", "")
		r := sec.post(createPath, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "指導先の事業者を選んでください。", fieldError(t, r.Body, "gd-org"))
		assert.Contains(t, r.Body, "卸先事業者への連絡体制を整備し報告すること。")
		f.Set("organisation", "KDDI株式会社")
		f.Set("issued_on", "20/05/2019")
		r = sec.post(createPath, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, fieldError(t, r.Body, "gd-issued"), "2025-04-30")
		assert.Equal(t, http.StatusForbidden, sec.post(createPath, form, "").Status, "CSRF")
	})

	r = sec.post(createPath, form, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	loc := r.Location
	require.Regexp(t, `^/guidance/\d+\?done=guidance-created$`, loc)
	gpath := strings.TrimSuffix(loc, "?done=guidance-created")
	r = sec.post(createPath, form, "auto")
	assert.Equal(t, gpath+"?done=guidance-duplicate", r.Location, "the same guidance twice is one")
	r = sec.get(loc)
	assert.Contains(t, r.Body, "行政指導を記録しました。")
	assert.Contains(t, r.Body, "令和元年(2019年)5月20日")
	assert.Contains(t, r.Body, "報告待ち")

	t.Run("the committee reads it; others are sent to the published list", func(t *testing.T) {
		r := signedIn(t, s, "expert").get("/guidance")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, "卸先事業者への連絡体制")
		assert.Contains(t, r.Body, "報告待ち")
		assert.NotContains(t, signedIn(t, s, "expert").get(gpath).Body, `id="guidance-form"`, "experts read, the secretariat edits")
		for _, login := range []string{"editor", "kddi"} {
			b := signedIn(t, s, login)
			r := b.get("/guidance")
			assert.Equal(t, http.StatusSeeOther, r.Status, login)
			assert.Equal(t, "/guidance/published", r.Location)
			assert.Equal(t, http.StatusNotFound, b.get(gpath).Status, "unpublished guidance is committee tier")
			assert.NotContains(t, b.get("/guidance/published").Body, "卸先事業者への連絡体制")
		}
	})

	t.Run("follow-up: a stale save shows what changed", func(t *testing.T) {
		f := url.Values{"version": {"1"}, "organisation": {"KDDI株式会社"}, "issued_on": {"2019-05-20"}, "reference": {"総基安第12号"},
			"measures": {"卸先事業者への連絡体制を整備し報告すること。"}, "follow_up_due": {"2019-08-31"}, "follow_up_status": {"reported"},
			"follow_up_text": {"事業者から報告書を受領した。"}}
		r := sec.post(gpath, f, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		f.Set("follow_up_status", "closed")
		r = sec.post(gpath, f, "auto")
		assert.Equal(t, http.StatusConflict, r.Status)
		assert.Contains(t, r.Body, "<td>フォローアップの状況</td><td class=\"text\">報告待ち</td><td class=\"text\">報告受領</td>")
		assert.Contains(t, r.Body, `<option value="closed" selected>`)
		f.Set("follow_up_due", "2019-05-01")
		f.Set("version", "2")
		r = sec.post(gpath, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Equal(t, "報告期限が指導日より前です。", fieldError(t, r.Body, "gd-due"))
	})

	t.Run("publish, with confirmation", func(t *testing.T) {
		assert.Equal(t, http.StatusForbidden, signedIn(t, s, "expert").get(gpath+"/publish").Status)
		r := sec.get(gpath + "/publish")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, `id="publish-preview"`)
		assert.NotContains(t, r.Body, "事業者から報告書を受領した。", "the follow-up is not shown as public")
		r = sec.post(gpath+"/publish", url.Values{"version": {"1"}}, "auto")
		assert.Equal(t, http.StatusConflict, r.Status)
		assert.Contains(t, r.Body, "確認後に記録が変更されました")
		r = sec.post(gpath+"/publish", url.Values{"version": {"2"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		assert.Contains(t, sec.get(r.Location).Body, "行政指導を公表しました。")

		public := newBrowser(t, s).get("/guidance/published")
		require.Equal(t, http.StatusOK, public.Status)
		assert.Contains(t, public.Body, "卸先事業者への連絡体制を整備し報告すること。")
		assert.Contains(t, public.Body, "総基安第12号")
		assert.NotContains(t, public.Body, "事業者から報告書を受領した。")
		assert.NotContains(t, public.Body, "2019-001", "the case is not public")
		editor := signedIn(t, s, "editor").get(gpath)
		assert.Equal(t, http.StatusOK, editor.Status)
		assert.NotContains(t, editor.Body, "事業者から報告書を受領した。")

		// Published: only the follow-up changes; the measures stay.
		f := url.Values{"version": {"3"}, "organisation": {"KDDI株式会社"}, "issued_on": {"2019-05-20"}, "reference": {"総基安第12号"},
			"measures": {"別の措置"}, "follow_up_status": {"closed"}}
		r = sec.post(gpath, f, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, `<p class="form-error" role="alert" id="guidance-error">公表済みの指導内容は変更できません。</p>`)
	})
}

func TestCaseReviewLinks(t *testing.T) {
	s := stacktest.New(t)
	id := s.Cases["2019-001"]
	path := fmt.Sprintf("/cases/%d", id)
	r := signedIn(t, s, "secretariat").get(path)
	for _, want := range []string{`id="case-review"`, fmt.Sprintf(`href="/cases/%d/verification" id="case-verification-link">検証結果をとりまとめる`, id),
		fmt.Sprintf(`href="/cases/%d/guidance/new" id="case-guidance-link"`, id), `<a href="/lessons/COOP-01"><code>COOP-01</code></a>`, "詳細検証"} {
		assert.Contains(t, r.Body, want)
	}
	r = signedIn(t, s, "expert").get(path)
	assert.Contains(t, r.Body, fmt.Sprintf(`href="/cases/%d/review" id="case-review-link">検証作業を見る`, id))
	assert.NotContains(t, r.Body, "case-guidance-link")
	for _, login := range []string{"kddi", "docomo"} {
		assert.NotContains(t, signedIn(t, s, login).get(path).Body, "case-review", login)
	}
	q := underReview(t, s)
	r = signedIn(t, s, "expert").get(fmt.Sprintf("/cases/%d", q))
	assert.Contains(t, r.Body, "注釈を作成する（検証作業）", "a panel member is asked to annotate")
}

// The leak matrix on the review's pages: for every role and every tier of
// case, the workspace and the consolidation are there for the committee
// only (404 for a case the caller does not see, 403 for one it sees
// without its committee part), and no marker of a section the role may not
// see appears on any of the review's pages.
func TestReviewPagesLeakMatrix(t *testing.T) {
	s := stacktest.New(t)
	s.Plant(t)
	for role, cases := range stacktest.Want {
		if role == "anonymous" {
			continue
		}
		t.Run(role, func(t *testing.T) {
			bad := s.Forbidden(role)
			b := signedIn(t, s, role)
			for _, p := range []string{"/review", "/lessons", "/lessons/COOP-01", "/lessons/TEST-01", "/guidance", "/guidance/published"} {
				stacktest.NoMarkers(t, b.get(p).Body, bad, p)
			}
			for _, tg := range stacktest.Targets {
				id := s.Cases[tg.Ref]
				want := http.StatusOK
				switch sections := cases[tg.Ref]; {
				case sections == nil:
					want = http.StatusNotFound
				case !slices.Contains(sections, stacktest.Committee):
					want = http.StatusForbidden
				}
				for _, p := range []string{"/cases/%d/review", "/cases/%d/verification"} {
					r := b.get(fmt.Sprintf(p, id))
					assert.Equal(t, want, r.Status, "%s %s", fmt.Sprintf(p, id), tg.What)
					stacktest.NoMarkers(t, r.Body, bad, fmt.Sprintf(p, id))
				}
			}
		})
	}
}
