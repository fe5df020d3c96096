package webui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/review"
	"kensho/internal/triage"
)

// matches are the similarity engine's answer in every shape the pages
// meet: each kind of reason, a case whose overview the reader may not
// read (no ref, no date), a quarterly-report row (no case to link).
func matches() *triage.Result {
	at := time.Date(2019, 7, 12, 9, 0, 0, 0, time.UTC)
	return &triage.Result{CaseID: 1, Novelty: 0.64, Matches: []triage.Match{
		{CaseID: 7, Ref: "2019-001", Kind: "accident", FiscalYear: 2019, OccurredAt: at, Title: "音声通話が利用できなかった", Score: 0.36,
			Why: []triage.Reason{
				{Code: "phrases", Values: []string{"切替", "呼制御"}, Text: "Shared key words: 切替, 呼制御."},
				{Code: "archetype", Values: []string{"software_bug"}, Text: "Same cause archetype: Software bug."},
				{Code: "service", Values: []string{"voice_emergency", "voice"}, Text: "Same services."},
				{Code: "equipment", Values: []string{"switching"}, Text: "Same equipment."},
				{Code: "cause_class", Values: []string{"equipment"}, Text: "Same cause class."},
				{Code: "operator", Values: []string{"KDDI株式会社"}, Text: "Same operator: KDDI株式会社."},
				{Code: "situation", Values: []string{"failover_failure"}, Text: "Same situation."},
				{Code: "weather", Values: []string{"rain"}, Text: "Same weather."},
			}},
		{CaseID: 9, Kind: "near_miss", FiscalYear: 2023, Title: "予備系への切替えに4分", Score: 0.21},
		{QuarterlyRowID: 3, Ref: "Q-2024-2-17", Kind: "quarterly", FiscalYear: 2024, Score: 0.12},
	}}
}

func render(t *testing.T, page string, data any) string {
	t.Helper()
	tmpl, err := loadTemplates()
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, tmpl[page].ExecuteTemplate(&buf, "layout", data))
	return buf.String()
}

// The similar cases and novelty render fully, in both languages, whatever
// the engine returns: every reason code translated (an unknown one in the
// engine's words), no missing string, no link where there is no case.
func TestTriageRendersMatches(t *testing.T) {
	for _, lang := range []string{langJA, langEN} {
		res := matches()
		n := res.Novelty
		v := &review.TriageView{Case: review.CaseHeader{ID: 1, Ref: "K-1", Kind: "accident", OccurredAt: time.Now()},
			Deadlines: &review.DeadlineState{}, Similarity: res}
		tp := &triagePage{triageKit: triageKit{base: base{Lang: lang, Title: "K-1"}}, V: v}
		dp := &deskPage{triageKit: triageKit{base: base{Lang: lang, Title: "desk"}},
			Page: &review.DeskPage{Items: []review.DeskItem{{Case: v.Case, Deadlines: v.Deadlines, Novelty: &n, Similar: res.Matches[:3]}}, Total: 1, Awaiting: 1}}
		for page, body := range map[string]string{"triage.html": render(t, "triage.html", tp), "triage-desk.html": render(t, "triage-desk.html", dp)} {
			assert.NotContains(t, body, "[tri.", "%s %s: a missing string", lang, page)
			assert.Contains(t, body, "<meter", page)
			assert.Contains(t, body, `value="0.64"`, page)
			assert.Contains(t, body, `<a href="/cases/7" class="sim-name">2019-001</a>`, page)
			assert.NotContains(t, body, `href="/cases/0"`, "a quarterly row has no case")
			assert.Contains(t, body, "Q-2024-2-17", page)
			assert.Contains(t, body, "Same weather.", "an unknown reason in the engine's words")
			if lang == langJA {
				assert.Contains(t, body, "共通の語句: 「切替」「呼制御」", page)
				assert.Contains(t, body, "同じ原因類型: ソフトウェア不具合", page)
				assert.Contains(t, body, "同じサービス: 緊急通報を取り扱う音声伝送役務、音声伝送役務", page)
				assert.Contains(t, body, "同じ原因設備: 交換設備", "equipment named from configs/codes.yaml")
				assert.Contains(t, body, "同じ原因区分: 設備要因", page)
				assert.Contains(t, body, "同じ事業者: KDDI株式会社", page)
				assert.Contains(t, body, "同じおそれ事態の類型: 予備設備への切替え不能", page)
				assert.Contains(t, body, "前例の少ない事案です（最も似た過去事案との類似度 0.36）", page)
				assert.Contains(t, body, "おそれ事態 令和5年度(2023年度)", "no ref: its kind and fiscal year")
				assert.Contains(t, body, "令和元年(2019年)7月12日", page)
				assert.Contains(t, body, "四半期報告の事故", page)
			} else {
				assert.Contains(t, body, "Shared key words: “切替”, “呼制御”", page)
				assert.Contains(t, body, "Same cause archetype: Software bug", page)
				assert.Contains(t, body, "Same cause class: Equipment", page)
				assert.Contains(t, body, "Little like it before (the closest past case scores 0.36)", page)
				assert.Contains(t, body, "Near-miss FY2023", page)
			}
		}
		if lang == langJA {
			body := render(t, "triage.html", tp)
			assert.Contains(t, body, "類似事案（上位3件）")
			assert.Equal(t, 3, strings.Count(body, `class="sim-score"`))
		}
	}
}

func TestTriageNoveltyWords(t *testing.T) {
	b := &base{Lang: langJA}
	for n, level := range map[float64]string{0.95: "high", 0.6: "high", 0.45: "middle", 0.3: "middle", 0.1: "low", 0: "low"} {
		v := b.Novelty(&n)
		assert.Equal(t, level, v.Level, n)
		assert.True(t, v.Known)
	}
	off := b.Novelty(nil)
	assert.False(t, off.Known)
	assert.Contains(t, off.Say, "類似度エンジンが稼働していない")
}

// Every code of the review's input errors the pages meet has its words.
func TestTriageMessages(t *testing.T) {
	for code, key := range reviewMessages {
		assert.True(t, hasMessage(key), "%s → %s", code, key)
	}
	for _, d := range review.Depths {
		assert.True(t, hasMessage("tri.depth."+d), d)
		assert.True(t, hasMessage("tri.depth.help."+d), d)
	}
	for _, s := range []string{triage.OpinionPending, triage.OpinionDone, triage.OpinionFailed, triage.OpinionWithheld, triage.OpinionDisabled} {
		assert.True(t, hasMessage("op.status."+s), s)
	}
	for _, s := range []string{review.StatusAwaiting, review.StatusDecided, review.StatusAll} {
		assert.True(t, hasMessage("tri.status."+s), s)
	}
}
