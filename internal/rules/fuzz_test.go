package rules_test

import (
	"encoding/json"
	"testing"

	"kensho/configs"
	"kensho/internal/caseformat"
)

// FuzzDecodeClassify feeds arbitrary bytes to the case decoder and every
// decoded case to the classifier under every rule set: nothing may panic,
// a decoded case must survive encode → decode unchanged, and a serious
// verdict must name what it met.
func FuzzDecodeClassify(f *testing.F) {
	data, err := configs.FS.ReadFile("demo/serious-2015-2020.json")
	if err != nil {
		f.Fatal(err)
	}
	var file struct{ Cases []json.RawMessage }
	if err := json.Unmarshal(data, &file); err != nil {
		f.Fatal(err)
	}
	for _, c := range file.Cases {
		f.Add([]byte(c))
	}
	for _, s := range []string{
		`{"ref":"n","kind":"near_miss","operators":[{"name":"A"}],"occurred_at":"2024-01-01T00:00:00+09:00","near_miss":{"situation":"capacity_exceeded","cause_origin":"attack","attack_blocked":false,"legit_traffic_degraded":true}}`,
		`{"ref":"c","kind":"accident","operators":[{"name":"A"}],"occurred_at":"2021-01-01T00:00:00+09:00","critical_facility":{"type":"satellite","all_traffic_down_minutes":130}}`,
		`{"ref":"o","kind":"accident","operators":[{"name":"A"},{"name":"B","role":"wholesale_customer"}],"occurred_at":"2021-01-01T00:00:00+09:00","recovered_at":"2021-01-01T09:00:00+09:00","impacts":[{"service":"internet_access","total_subscribers":100,"timeline":[{"from":"2021-01-01T00:00:00+09:00","to":"2021-01-01T09:00:00+09:00","users":null},{"from":"2021-01-01T01:00:00+09:00","to":"2021-01-01T02:00:00+09:00","users":90}],"stopped_capacity_gbps":3}]}`,
		`{"ref":"f","kind":"information","operators":[{"name":"A"}],"occurred_at":"2025-01-01T00:00:00Z","impacts":[{"service":"free_internet","monthly_active_users":20000000,"mediates_communications":true,"peak_users":1e6}]}`,
		`{}`, `[]`, `null`, `{"cases":[]}`,
	} {
		f.Add([]byte(s))
	}
	cat := catalog(f)
	sets := cat.RuleSets()
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := caseformat.DecodeCase(in)
		if err != nil {
			return
		}
		out, err := caseformat.Marshal(c)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		again, err := caseformat.DecodeCase(out)
		if err != nil {
			t.Fatalf("re-decode of our own output failed: %v\n%s", err, out)
		}
		if again.Hash() != c.Hash() {
			t.Fatalf("round trip changed the case:\n%s", out)
		}
		ids := []string{""}
		for _, rs := range sets {
			ids = append(ids, rs.ID)
		}
		for _, id := range ids {
			r, err := cat.Classify(c, id)
			if err != nil {
				continue // no rule set in force on an early date
			}
			if r.Serious && len(r.Met) == 0 {
				t.Fatalf("serious under %q with nothing met", id)
			}
			if _, err := json.Marshal(r); err != nil {
				t.Fatalf("result does not encode: %v", err)
			}
		}
	})
}
