package webui

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/review"
)

// Every code the review's pages name has a name in both languages, and
// every string of theirs has the same values to format in each.
func TestReviewMessages(t *testing.T) {
	for code, key := range rvCodes {
		assert.True(t, hasMessage(key), "%s → %s", code, key)
	}
	codes := map[string][]string{
		"rv.depth.": review.Depths,
		"rv.prev.":  review.Preventions,
		"rv.ann.":   {"none", review.StatusDraft, review.StatusSubmitted},
		"rv.ver.":   {"none", review.VerificationDraft, review.VerificationFinal},
		"gd.fu.":    review.FollowUpStatuses,
		"ls.src.":   {"history", "verification"},
	}
	for prefix, list := range codes {
		for _, c := range list {
			assert.True(t, hasMessage(prefix+c), prefix+c)
		}
	}
	for k, m := range messages {
		if strings.HasPrefix(k, "rv.") || strings.HasPrefix(k, "gd.") || strings.HasPrefix(k, "ls.") {
			assert.Equal(t, strings.Count(m.ja, "%"), strings.Count(m.en, "%"), k)
		}
	}
}

func TestReviewHelpers(t *testing.T) {
	rb := &rvBase{base: base{Lang: langJA}, lessons: &review.Catalogue{}}
	assert.Equal(t, "令和7年(2025年)4月30日", rb.Day("2025-04-30"))
	assert.Equal(t, "—", rb.Day(""))
	assert.Equal(t, "3日超過", rb.DaysLeft(-3))
	assert.Equal(t, "本日が期限", rb.DaysLeft(0))
	assert.Equal(t, "教訓2の本文（日本語）", rb.FieldName("lessons[1].text_ja"))
	assert.Equal(t, "教訓1", rb.FieldName("lessons[0]"))
	assert.Equal(t, "発生原因の分類", rb.FieldName("cause_class"))
	assert.Equal(t, "設備要因", rb.ChangeValue("cause_class", "equipment"))
	assert.Equal(t, "一部不十分", rb.ChangeValue("prevention", "partly"))
	assert.Equal(t, "TEST-01 / 「新しい教訓」", rb.ChangeValue("lessons", []any{map[string]any{"lesson_id": "TEST-01"}, map[string]any{"text_ja": "新しい教訓"}}))
	assert.Equal(t, "—", rb.ChangeValue("findings", nil))
	en := &rvBase{base: base{Lang: langEN}}
	assert.Equal(t, "2025-04-30", en.Day("2025-04-30"))
}

func TestLessonRows(t *testing.T) {
	form := url.Values{
		"lessons.10.kind": {"propose"}, "lessons.10.theme": {"first_notice"}, "lessons.10.text_ja": {"第一報\r\nを早く"},
		"lessons.2.kind": {"link"}, "lessons.2.lesson_id": {" TEST-01 "}, "lessons.2.accept": {"1"},
		"lessons.3.kind": {"link"}, // an empty row
		"lessons.4.kind": {"bogus"}, "lessons.4.text_ja": {"x"}, "lessons.4.proposed_by": {"expert,expert-consumer"},
	}
	rows := parseLessonRows(form)
	require.Len(t, rows, 4)
	assert.Equal(t, lessonRow{Kind: rowLink, LessonID: "TEST-01", Accept: true}, rows[0], "in the order of N, trimmed")
	assert.True(t, rows[1].empty())
	assert.Equal(t, rowPropose, rows[2].Kind, "an unknown kind is a proposal")
	assert.Equal(t, []string{"expert", "expert-consumer"}, rows[2].ProposedBy)
	assert.Equal(t, "第一報\nを早く", rows[3].TextJA, "line ends as stored")

	refs, at := lessonInput(rows, false)
	assert.Equal(t, []int{0, 2, 3}, at, "the empty row is left out")
	assert.Equal(t, review.LessonRef{LessonID: "TEST-01"}, refs[0])
	refs, at = lessonInput(rows, true)
	assert.Equal(t, []int{0}, at, "a verification sends the accepted rows only")
	assert.Len(t, refs, 1)

	// The service's lessons[k] is shown at the row it came from.
	b := &base{Lang: langJA}
	_, at = lessonInput(rows, false)
	errs := rowErrors(map[string]string{"lessons[1].theme": "テーマ", "lessons": "多すぎ", "cause_class": "分類"}, at, rows, b)
	assert.Equal(t, map[string]string{"lessons[2].theme": "テーマ", "lessons": "多すぎ", "cause_class": "分類"}, errs)
	errs = rowErrors(map[string]string{"lessons[0].theme": "テーマ"}, []int{1}, rows, b)
	assert.Equal(t, map[string]string{"lessons[1].lesson_id": "目録の教訓を選んでください（不要なら行を削除してください）。"}, errs,
		"a row that links a lesson but names none is told to choose one")

	rows = applyLessonOp(rows, "add-link")
	assert.Len(t, rows, 5)
	assert.Equal(t, lessonRow{Kind: rowLink, Accept: true}, rows[4])
	rows = applyLessonOp(rows, "remove:1")
	assert.Len(t, rows, 4)
	assert.Equal(t, rowPropose, rows[1].Kind)
	assert.Len(t, applyLessonOp(rows, "remove:9"), 4)
	assert.Len(t, applyLessonOp(rows, "remove:x"), 4)
}
