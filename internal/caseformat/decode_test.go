package caseformat_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
)

const validCase = `{
  "ref": "2020-004",
  "kind": "accident",
  "operators": [{"name": "株式会社NTTドコモ", "role": "reporter"}],
  "occurred_at": "2020-05-30T12:56:00+09:00",
  "recovered_at": "2020-05-30T18:32:00+09:00",
  "area": "全国",
  "impacts": [{
    "service": "internet_access",
    "degradation": false,
    "peak_users": 2200000,
    "user_unit": "people",
    "description": "インターネット接続サービスの提供の停止",
    "timeline": [{"from": "2020-05-30T12:56:00+09:00", "to": "2020-05-30T18:32:00+09:00", "users": 2200000}]
  }],
  "cause": {"class": "equipment", "archetype": "software_bug", "text": "ソフトウェア不具合"},
  "summary": "データ通信が利用しづらい状況が発生した。"
}`

func TestDecodeValidCase(t *testing.T) {
	c, err := caseformat.DecodeCase([]byte(validCase))
	require.NoError(t, err)
	assert.Equal(t, "2020-004", c.Ref)
	assert.Equal(t, caseformat.KindAccident, c.Kind)
	assert.Equal(t, caseformat.RoleReporter, c.Operators[0].Role)
	require.Len(t, c.Impacts, 1)
	assert.Equal(t, int64(2200000), *c.Impacts[0].PeakUsers)
	assert.Equal(t, "software_bug", c.Cause.Archetype)
	assert.Empty(t, c.Extra)
}

// Defaults: role reporter, user_unit people.
func TestDecodeDefaults(t *testing.T) {
	c, err := caseformat.DecodeCase([]byte(`{"ref":"r","kind":"accident","operators":[{"name":"A"}],
		"occurred_at":"2020-01-01T00:00:00Z","impacts":[{"service":"voice"}]}`))
	require.NoError(t, err)
	assert.Equal(t, caseformat.RoleReporter, c.Operators[0].Role)
	assert.Equal(t, caseformat.UnitPeople, c.Impacts[0].UserUnit)
	assert.Nil(t, c.RecoveredAt)

	// RFC 3339 allows a lower-case t and z.
	c, err = caseformat.DecodeCase([]byte(`{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01t00:00:00z"}`))
	require.NoError(t, err)
	assert.Equal(t, "2020-01-01T09:00:00+09:00", c.OccurredAt.In(jpdate.JST).Format(time.RFC3339))
}

// Every problem is reported, each with its JSON path.
func TestDecodeErrorsCarryPaths(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"not json", `{"ref":`, []string{"invalid JSON at line 1"}},
		{"not an object", `[1,2]`, []string{"must be a JSON object"}},
		{"empty", `{}`, []string{"ref: required", "kind: required", "operators: at least one operator is required", "occurred_at: required"}},
		{"bad enums", `{"ref":"r","kind":"crash","operators":[{"name":"A","role":"boss"}],"occurred_at":"2020-01-01T00:00:00+09:00",
			"impacts":[{"service":"tv","user_unit":"souls"}]}`,
			[]string{`kind: must be one of accident, near_miss, information; got "crash"`, `operators[0].role: must be one of`, `impacts[0].service: must be one of`, `impacts[0].user_unit: must be one of`}},
		{"to before from", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00",
			"impacts":[{"service":"voice","timeline":[{"from":"2020-01-01T01:00:00+09:00","to":"2020-01-01T02:00:00+09:00","users":1},
			{"from":"2020-01-01T03:00:00+09:00","to":"2020-01-01T02:30:00+09:00","users":1}]}]}`,
			[]string{"impacts[0].timeline[1].to: before from"}},
		{"empty period", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00",
			"impacts":[{"service":"voice","timeline":[{"from":"2020-01-01T01:00:00+09:00","to":"2020-01-01T01:00:00+09:00","users":1}]}]}`,
			[]string{"impacts[0].timeline[0].to: same as from"}},
		{"period outside the accident", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T01:00:00+09:00",
			"recovered_at":"2020-01-01T02:00:00+09:00",
			"impacts":[{"service":"voice","timeline":[{"from":"2020-01-01T00:30:00+09:00","to":"2020-01-01T02:30:00+09:00","users":1}]}]}`,
			[]string{"impacts[0].timeline[0].from: before occurred_at", "impacts[0].timeline[0].to: after recovered_at"}},
		{"recovered before occurred", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-02T00:00:00+09:00","recovered_at":"2020-01-01T00:00:00+09:00"}`,
			[]string{"recovered_at: before occurred_at"}},
		{"bad time", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01 10:00"}`,
			[]string{`occurred_at: must be an RFC 3339 date-time with offset`}},
		{"bad numbers", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00",
			"impacts":[{"service":"voice","peak_users":-5,"stopped_capacity_gbps":"lots","total_subscribers":1.5,
			"timeline":[{"from":"2020-01-01T01:00:00+09:00","to":"2020-01-01T02:00:00+09:00","users":"many"}]}]}`,
			[]string{"impacts[0].peak_users: must not be negative", "impacts[0].stopped_capacity_gbps: must be a number, got a string",
				"impacts[0].total_subscribers: must be a whole number", "impacts[0].timeline[0].users: must be a number"}},
		{"types", `{"ref":7,"kind":"accident","operators":"A","occurred_at":"2020-01-01T00:00:00+09:00","impacts":{}, "cause":"x"}`,
			[]string{"ref: must be a string, got a number", "operators: must be an array, got a string", "impacts: must be an array, got an object", "cause: must be an object, got a string"}},
		{"free_internet only fields", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00",
			"impacts":[{"service":"voice","monthly_active_users":5,"mediates_communications":true}]}`,
			[]string{"impacts[0].monthly_active_users: only for service free_internet", "impacts[0].mediates_communications: only for service free_internet"}},
		{"near_miss on an accident", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00","near_miss":{"situation":"failover_failure"}}`,
			[]string{"near_miss: only for kind near_miss"}},
		{"near_miss facts", `{"ref":"r","kind":"near_miss","operators":[{"name":"A"}],"occurred_at":"2024-01-01T00:00:00+09:00",
			"near_miss":{"situation":"meteor","switched_promptly":"no","cause_origin":"aliens"}}`,
			[]string{"near_miss.situation: must be one of", "near_miss.switched_promptly: must be true or false", "near_miss.cause_origin: must be one of"}},
		{"same operator twice", `{"ref":"r","kind":"accident","operators":[{"name":"KDDI株式会社"},{"name":"ＫＤＤＩ 株式会社"}],"occurred_at":"2020-01-01T00:00:00+09:00"}`,
			[]string{"operators[1].name: same operator as operators[0]"}},
		{"critical facility", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00","critical_facility":{"type":"balloon"}}`,
			[]string{"critical_facility.type: must be one of", "critical_facility.all_traffic_down_minutes: required"}},
		{"overlapping periods", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00",
			"impacts":[{"service":"voice","timeline":[{"from":"2020-01-01T01:00:00+09:00","to":"2020-01-01T03:00:00+09:00","users":20000},
			{"from":"2020-01-01T03:00:00+09:00","to":"2020-01-01T04:00:00+09:00","users":5},
			{"from":"2020-01-01T02:00:00+09:00","to":"2020-01-01T02:30:00+09:00","users":40000}]}]}`,
			[]string{"impacts[0].timeline[2]: overlaps timeline[0] (2020-01-01T01:00:00+09:00–2020-01-01T03:00:00+09:00)"}},
		{"counts out of range", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00",
			"impacts":[{"service":"voice","peak_users":9223372036854775807}]}`, []string{"impacts[0].peak_users: must be at most 1000000000000"}},
		{"years out of range", `{"ref":"r","kind":"accident","operators":[{"name":"A"}],"occurred_at":"9999-12-31T20:00:00Z"}`,
			[]string{"occurred_at: year 10000 is out of range (1900–2199)"}},
		{"a file given as a case", `{"format":"kensho-case/v1","cases":[]}`, []string{"expected one case, got a file"}},
		{"NUL", `{"ref":"a\u0000b","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00"}`,
			[]string{"ref: contains a NUL character"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := caseformat.DecodeCase([]byte(tt.in))
			require.Error(t, err)
			var errs caseformat.Errors
			require.True(t, errors.As(err, &errs), "want caseformat.Errors, got %T", err)
			all := strings.Join(errs.Strings(), "\n")
			for _, w := range tt.want {
				assert.Contains(t, all, w)
			}
		})
	}
}

// A file reports problems in every case with the case's index in the path.
func TestDecodeFileCollectsEveryError(t *testing.T) {
	in := `{"format":"kensho-case/v1","cases":[
	  {"ref":"ok","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00"},
	  {"ref":"bad1","kind":"accident","operators":[{"name":"A"}]},
	  "not a case",
	  {"ref":"bad3","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2020-01-01T00:00:00+09:00",
	   "impacts":[{"service":"voice"},{"service":"voice","timeline":[{"from":"2020-01-01T03:00:00+09:00","to":"2020-01-01T02:00:00+09:00","users":1}]}]}
	]}`
	_, err := caseformat.DecodeFile([]byte(in))
	var errs caseformat.Errors
	require.True(t, errors.As(err, &errs))
	assert.Equal(t, []string{
		"cases[1].occurred_at: required",
		"cases[2]: must be an object, got a string",
		"cases[3].impacts[1].timeline[0].to: before from",
	}, errs.Strings())
	assert.Equal(t, "cases[1].occurred_at: required (and 2 more errors)", errs.Error())
	assert.Equal(t, "a: b (and 1 more error)", caseformat.Errors{{Path: "a", Message: "b"}, {Path: "c", Message: "d"}}.Error())

	_, err = caseformat.DecodeFile([]byte(`{"format":"kensho-case/v2","cases":[]}`))
	assert.ErrorContains(t, err, `format: must be "kensho-case/v1"`)
	_, err = caseformat.DecodeFile([]byte(`{"format":"kensho-case/v1"}`))
	assert.ErrorContains(t, err, "cases: required")
}

// Unknown fields at every level survive decode → encode → decode, and the
// canonical hash ignores layout, key order and time offsets.
func TestUnknownFieldsRoundTrip(t *testing.T) {
	in := `{"ref":"r","kind":"near_miss","operators":[{"name":"A","x_op":{"k":[1,2]}}],"occurred_at":"2024-01-01T00:00:00+09:00",
	  "impacts":[{"service":"lpwa","x_imp":"a<b&c","timeline":[{"from":"2024-01-01T00:00:00+09:00","to":"2024-01-01T01:00:00+09:00","users":3,"x_per":true}]}],
	  "critical_facility":{"type":"satellite","all_traffic_down_minutes":30,"x_cf":1},
	  "near_miss":{"situation":"failover_failure","noticed_promptly":false,"x_nm":null},
	  "cause":{"class":"human","x_cause":"c"},
	  "note":"kept", "x_top": {"nested": {"deep": 12345678901234567890}}}`
	c, err := caseformat.DecodeCase([]byte(in))
	require.NoError(t, err)
	assert.JSONEq(t, `"kept"`, string(c.Extra["note"]))
	assert.Equal(t, `{"nested":{"deep":12345678901234567890}}`, string(c.Extra["x_top"]), "big numbers are kept as written")
	out, err := caseformat.Marshal(c)
	require.NoError(t, err)
	for _, k := range []string{`"x_op":{"k":[1,2]}`, `"x_imp":"a<b&c"`, `"x_per":true`, `"x_cf":1`, `"x_nm":null`, `"x_cause":"c"`, `"note":"kept"`} {
		assert.Contains(t, string(out), k)
	}
	again, err := caseformat.DecodeCase(out)
	require.NoError(t, err)
	assert.Equal(t, c.Hash(), again.Hash())

	// Same case, other layout, key order and offset: same hash.
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(in))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&m))
	m["occurred_at"] = "2023-12-31T15:00:00Z"
	shuffled, _ := json.MarshalIndent(m, "", "\t")
	other, err := caseformat.DecodeCase(shuffled)
	require.NoError(t, err)
	assert.Equal(t, c.Hash(), other.Hash())

	// A change of content changes the hash.
	other.Summary = "changed"
	assert.NotEqual(t, c.Hash(), other.Hash())
}

func TestEncodeFileRoundTripsDevData(t *testing.T) {
	data, err := configs.FS.ReadFile("demo/serious-2015-2020.json")
	require.NoError(t, err)
	f, err := caseformat.DecodeFile(data)
	require.NoError(t, err)
	out, err := caseformat.EncodeFile(f.Cases)
	require.NoError(t, err)
	g, err := caseformat.DecodeFile(out)
	require.NoError(t, err)
	require.Len(t, g.Cases, len(f.Cases))
	for i := range f.Cases {
		assert.Equal(t, f.Cases[i].Hash(), g.Cases[i].Hash(), f.Cases[i].Ref)
	}
	assert.Contains(t, string(out), `"note": "users not countable`, "unknown field kept")

	empty, err := caseformat.EncodeFile(nil)
	require.NoError(t, err)
	_, err = caseformat.DecodeFile(empty)
	require.NoError(t, err)
}

func TestNormalizeName(t *testing.T) {
	assert.Equal(t, caseformat.NormalizeName("株式会社ＮＴＴドコモ"), caseformat.NormalizeName("株式会社 NTTドコモ"))
	assert.Equal(t, caseformat.NormalizeName("KDDI株式会社"), caseformat.NormalizeName("kddi　株式会社"))
	assert.NotEqual(t, caseformat.NormalizeName("NTT東日本"), caseformat.NormalizeName("NTT西日本"))
}
