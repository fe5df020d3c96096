package webui

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/caseformat"
	"kensho/internal/intake"
)

func catalogue(t *testing.T) *intake.Catalogue {
	t.Helper()
	cat, err := intake.LoadCatalogue(configs.FS)
	require.NoError(t, err)
	return cat
}

// The form's fields become kensho-case/v1 with the report items, and a
// stored body becomes the same fields again.
func TestReportFormBodyRoundTrip(t *testing.T) {
	posted := url.Values{
		"form": {"detailed"}, "case_kind": {"near_miss"}, "ref": {" R-1 "}, "occurred_at": {"2025-02-03T20:00"},
		"recovered_at": {"２０２５-02-03 21:15"}, "report.prefectures": {"tokyo", "osaka", "tokyo"},
		"impacts[3].service": {"internet_access"}, "impacts[3].degradation": {"true"},
		"impacts[3].timeline[5].from": {"2025-02-03T20:00"}, "impacts[3].timeline[5].to": {"2025-02-03T20:30"},
		"impacts[3].timeline[5].users": {"120,000"},
		"impacts[3].timeline[9].from":  {"2025-02-03T20:30"}, "impacts[3].timeline[9].to": {"2025-02-03T21:15"},
		"impacts[3].monthly_active_users": {"5"}, // not a free internet service: not sent
		"impacts[7].service":              {""},  // an untouched row
		"near_miss.situation":             {"capacity_exceeded"}, "near_miss.cause_origin": {"attack"},
		"near_miss.legit_traffic_degraded": {"false"}, "near_miss.rolled_back_promptly": {"true"},
		"cause.class": {"external"}, "cause.archetype": {"cyber_attack"},
		"report.proportional.archetype": {"unknown_software_bug"}, "report.proportional.aspects.early_detection": {"検知を早める"},
		"report.user_notices": {"website"}, "report.facility_manager": {"統括 太郎"},
		"summary": {"DDoS\r\nで輻輳"}, "unknown": {"dropped"},
	}
	f := parseReportForm(posted)
	f.cat = catalogue(t)
	assert.Equal(t, formDetailed, f.Kind)
	assert.Equal(t, caseformat.KindNearMiss, f.CaseKind)
	assert.Equal(t, []int{2, 0}, f.Impacts, "impacts and periods renumbered in order")

	var doc map[string]any
	require.NoError(t, json.Unmarshal(f.body("KDDI株式会社"), &doc))
	assert.Empty(t, f.problems)
	assert.Equal(t, "R-1", doc["ref"])
	assert.Equal(t, "near_miss", doc["kind"])
	assert.Equal(t, []any{map[string]any{"name": "KDDI株式会社"}}, doc["operators"])
	assert.Equal(t, "2025-02-03T20:00:00+09:00", doc["occurred_at"])
	assert.Equal(t, "2025-02-03T21:15:00+09:00", doc["recovered_at"], "full-width digits and a space are fine")
	assert.Equal(t, "東京都、大阪府", doc["area"], "v1's area from the prefectures chosen")
	assert.Equal(t, "DDoS\nで輻輳", doc["summary"])
	assert.Equal(t, []any{map[string]any{
		"service": "internet_access", "degradation": true, "peak_users": 120000.0,
		"timeline": []any{
			map[string]any{"from": "2025-02-03T20:00:00+09:00", "to": "2025-02-03T20:30:00+09:00", "users": 120000.0},
			map[string]any{"from": "2025-02-03T20:30:00+09:00", "to": "2025-02-03T21:15:00+09:00", "users": nil},
		},
	}}, doc["impacts"])
	assert.Equal(t, map[string]any{"situation": "capacity_exceeded", "cause_origin": "attack", "legit_traffic_degraded": false},
		doc["near_miss"], "only the facts of the situation")
	assert.Equal(t, map[string]any{
		"prefectures": []any{"tokyo", "osaka"}, "user_notices": []any{"website"}, "facility_manager": "統括 太郎",
		"proportional": map[string]any{"archetype": "unknown_software_bug", "aspects": map[string]any{"early_detection": "検知を早める"}},
	}, doc["report"])

	// The body decodes as v1 (the intake's own check is further on).
	_, err := caseformat.DecodeCase(f.body("KDDI株式会社"))
	require.NoError(t, err)

	back := &reportForm{Kind: formDetailed, Values: url.Values{}, cat: f.cat}
	require.NoError(t, back.loadBody(f.body("KDDI株式会社")))
	assert.Equal(t, caseformat.KindNearMiss, back.CaseKind)
	assert.Equal(t, []int{2}, back.Impacts)
	for _, name := range []string{"ref", "occurred_at", "recovered_at", "summary", "impacts[0].service", "impacts[0].timeline[0].users",
		"impacts[0].timeline[1].to", "near_miss.cause_origin", "report.proportional.aspects.early_detection"} {
		assert.Equal(t, f.Values.Get(name) != "", back.Values.Get(name) != "", name)
	}
	assert.Equal(t, "2025-02-03T21:15", back.Values.Get("recovered_at"))
	assert.Equal(t, "120000", back.Values.Get("impacts[0].timeline[0].users"))
	assert.Empty(t, back.Values.Get("impacts[0].peak_users"), "a peak derived from the periods is derived again")
	assert.Empty(t, back.Values.Get("area"), "an area made of the prefectures is made again")
	assert.Equal(t, []string{"tokyo", "osaka"}, back.Values["report.prefectures"])
}

func TestReportFormProblems(t *testing.T) {
	f := parseReportForm(url.Values{"form": {"quick"}, "occurred_at": {"yesterday"}, "impacts[0].service": {"voice"},
		"impacts[0].timeline[0].users": {"-3"}, "critical_facility.type": {"satellite"},
		"critical_facility.all_traffic_down_minutes": {"two hours"}})
	var doc caseDoc
	require.NoError(t, json.Unmarshal(f.body("X"), &doc))
	assert.Equal(t, []formProblem{
		{"occurred_at", "rf.err.datetime"},
		{"impacts[0].timeline[0].users", "rf.err.count"},
		{"critical_facility.all_traffic_down_minutes", "rf.err.number"},
	}, f.problems)
	assert.Empty(t, doc.OccurredAt)
	assert.Nil(t, doc.Impacts[0].Timeline[0].Users)
	for _, p := range f.problems {
		assert.True(t, hasMessage(p.Key), p.Key)
	}
}

func TestTimelineEdits(t *testing.T) {
	f := parseReportForm(url.Values{"form": {"quick"},
		"impacts[0].service": {"voice"}, "impacts[0].timeline[0].users": {"1"}, "impacts[0].timeline[1].users": {"2"},
		"impacts[0].timeline[2].users": {"3"}, "impacts[1].service": {"lpwa"}, "impacts[1].timeline[0].users": {"9"}})
	f.apply("remove-period:0:1")
	assert.Equal(t, []int{2, 1}, f.Impacts)
	assert.Equal(t, "3", f.Values.Get("impacts[0].timeline[1].users"))
	assert.Empty(t, f.Values.Get("impacts[0].timeline[2].users"))
	f.apply("remove-impact:0")
	assert.Equal(t, []int{1}, f.Impacts)
	assert.Equal(t, "lpwa", f.Values.Get("impacts[0].service"))
	assert.Equal(t, "9", f.Values.Get("impacts[0].timeline[0].users"))
	f.apply("add-period:0")
	f.apply("add-impact")
	assert.Equal(t, []int{2, 1}, f.Impacts)
	for _, bad := range []string{"remove-period:5:0", "remove-impact:-1", "add-period:x", "nonsense", ""} {
		f.apply(bad)
	}
	assert.Equal(t, []int{2, 1}, f.Impacts, "edits of rows that do not exist change nothing")
}

// Every path the intake names finds its field, and every message the
// service writes has its translation.
func TestReportFormErrors(t *testing.T) {
	for path, field := range map[string]string{
		"summary":                                   "summary",
		"impacts[0].timeline[1].to":                 "impacts[0].timeline[1].to",
		"impacts[2].timeline[0]":                    "impacts[2].timeline[0].from",
		"report.prefectures[3]":                     "report.prefectures",
		"report.proportional.aspects.alert_fishery": "report.proportional.aspects.alert_fishery",
		"near_miss":                                 "near_miss.situation",
		"operators[0].name":                         "",
		"kind":                                      "",
	} {
		assert.Equal(t, field, errorField(path), path)
	}
	for _, m := range errorMessages {
		assert.True(t, hasMessage(m.key), m.key)
	}
	for _, k := range inputKeys {
		assert.True(t, hasMessage(k), k)
	}
	d := &reportPage{base: base{Lang: langJA}, Cat: catalogue(t)}
	errs := d.formErrors(caseformat.Errors{
		{Path: "impacts[0].timeline[1]", Message: "overlaps timeline[0] (…); give the users of each stretch of time once"},
		{Path: "report.proportional.aspects.emergency_recovery", Message: "required (濃, in depth) for archetype unknown_software_bug: Emergency recovery once detected"},
		{Path: "recovered_at", Message: "required in a detailed report of an accident: 復旧日時"},
		{Path: "operators[0].name", Message: `"X" is not your organisation; report for your own organisation only`},
		{Path: "report", Message: "something new"},
	})
	require.Len(t, errs, 5)
	assert.Equal(t, formError{Path: "impacts[0].timeline[1]", Field: "impacts[0].timeline[1].from", ID: "f-impacts-0-timeline-1-from",
		Label: "影響1 期間2: 影響期間", Message: "他の期間と重なっています。同じ時間帯の利用者数は合計して1行にしてください。"}, errs[0])
	assert.Equal(t, "再発防止策（検知後の応急復旧）", errs[1].Label)
	assert.Equal(t, "「濃」の観点です。具体的に記入してください。", errs[1].Message)
	assert.Equal(t, "入力してください。", errs[2].Message)
	assert.Equal(t, "", errs[3].Field)
	assert.Contains(t, errs[3].Message, "自組織の報告のみ")
	assert.Equal(t, "入力内容を確認してください。（something new）", errs[4].Message, "an unknown message is shown as sent")
	d.Lang = langEN
	errs = d.formErrors(&intake.InputError{Field: "kind", Code: "amend_first", Message: "…"})
	assert.Equal(t, "There is no detailed report to amend yet: submit the detailed report first.", errs[0].Message)
}

// The keys the report pages build from codes are all in the catalogue:
// a form, a verdict or a pick list never shows [rf.title.x] or a bare code.
func TestReportFormKeys(t *testing.T) {
	for _, k := range formKinds {
		assert.True(t, hasMessage(formTitleKey(k)), k)
		assert.True(t, hasMessage("rf.intro."+string(k)), k)
		if k != formAmendment {
			assert.True(t, hasMessage("rf.home.new."+string(k)), k)
		}
	}
	for _, v := range []string{"serious", "quarterly", "none"} {
		assert.True(t, hasMessage("rf.j."+v), v)
	}
	for _, k := range append(intake.SubmitKinds, intake.KindImport) {
		assert.True(t, hasMessage("rkind."+string(k)), k)
	}
	for _, k := range []formKind{formDetailed, formAmendment} {
		assert.True(t, hasMessage("rf.home.make."+string(k)), k)
	}
	for _, lang := range []string{langJA, langEN} {
		d := &reportPage{base: base{Lang: lang}, Cat: catalogue(t), F: &reportForm{Kind: formDetailed, Values: url.Values{}}}
		for _, src := range []string{"service", "unit", "cause", "archetype", "facility", "situation", "origin", "traffic", "status"} {
			for _, o := range d.options("x", src) {
				if lang == langEN && src == "unit" {
					continue // people, lines, contracts: the code is the English word
				}
				assert.NotEqual(t, o.Value, o.Label, "%s %s: %s has no label", lang, src, o.Value)
			}
		}
	}
}
