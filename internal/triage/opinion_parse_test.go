package triage

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"kensho/internal/caseformat"
	"kensho/internal/casestore"
)

// Models answer in many shapes; what the committee needs is read from
// each, and an answer with no JSON in it is not "parsed".
func TestParseAnswerIsLenient(t *testing.T) {
	for _, tc := range []struct {
		name, text     string
		ok             bool
		want           []rationale
		whatsNew, less string
	}{
		{"as asked", `{"candidates":[{"id":"C1","same_failure_mode":"yes","rationale":"同じ"}],"whats_new":"新しい","draft_lesson":"教訓"}`,
			true, []rationale{{"C1", "yes", "同じ"}}, "新しい", "教訓"},
		{"in a code fence with prose", "以下のとおりです。\n```json\n{\"candidates\": [{\"id\": \"c2\", \"same_failure_mode\": false, \"rationale\": \"違う\"}], \"whats_new\": \"x\", \"draft_lesson\": \"y\"}\n```\n以上。",
			true, []rationale{{"C2", "no", "違う"}}, "x", "y"},
		{"other keys, keyed by label, lists", `{"candidates":{"C2":{"same":"いいえ","reason":"b"},"C1":{"same":"はい","reason":"a"}},"new":["点1","点2"],"lesson":"l"}`,
			true, []rationale{{"C1", "yes", "a"}, {"C2", "no", "b"}}, "点1 点2", "l"},
		{"Japanese keys", `{"候補":[{"候補":"C1","同じ故障モード":"同じ","理由":"r"}],"新しい点":"n","教訓案":"k"}`,
			true, []rationale{{"C1", "yes", "r"}}, "n", "k"},
		{"unclear judgement", `{"candidates":[{"id":"C1","same_failure_mode":"たぶん","rationale":"?"}]}`,
			true, []rationale{{"C1", "unclear", "?"}}, "", ""},
		{"no JSON", "判断できません。", false, nil, "", ""},
		{"broken JSON", `{"candidates": [`, false, nil, "", ""},
		{"JSON of something else", `{"answer": 42}`, false, nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, n, l, ok := parseAnswer(tc.text)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, rs)
			assert.Equal(t, tc.whatsNew, n)
			assert.Equal(t, tc.less, l)
		})
	}
}

// The case's contacts and the report's personal items are scrubbed
// wherever they appear, and so are e-mail addresses and phone numbers.
func TestScrubRemovesPersonalData(t *testing.T) {
	d := &caseDoc{rec: &casestore.Record{
		Contacts: "電気通信設備統括管理者: 山田 一郎（デモ） 03-0000-0000\n電気通信主任技術者: 佐藤 花子（伝送交換）\n連絡先: noc@example.jp",
		Case:     caseformat.Case{Extra: caseformat.Extra{"report": []byte(`{"facility_manager": "鈴木 次郎", "equipment_type": "router"}`)}},
	}}
	personal := personalValues(d)
	assert.Contains(t, personal, "山田 一郎")
	assert.Contains(t, personal, "山田一郎")
	assert.Contains(t, personal, "佐藤 花子")
	assert.Contains(t, personal, "鈴木 次郎")
	text := "山田一郎と佐藤 花子が鈴木 次郎に連絡した(03-0000-0000、+81 3-1111-2222、noc@example.jp)。ルータ 1 台、利用者 2,200,000 人、2024-05-01 に発生。"
	got := scrub(text, personal)
	for _, p := range []string{"山田", "佐藤", "鈴木", "03-0000-0000", "3-1111-2222", "noc@example.jp"} {
		assert.NotContains(t, got, p)
	}
	assert.Contains(t, got, "利用者 2,200,000 人、2024-05-01 に発生", "numbers and dates of the accident stay")
}

// Codes go out in Japanese, as configs/ names them.
func TestPiecesUseJapaneseLabels(t *testing.T) {
	o := &Opinions{}
	l := labels{cat: o.codes()}
	assert.Equal(t, "ルータ・中継設備", l.equipment("router"))
	assert.Equal(t, "インターネット接続サービス", l.service("internet_access"))
	assert.Equal(t, "設定誤り", l.archetype("config_error"))
	assert.Equal(t, "not_a_code", l.class("not_a_code"))
}
