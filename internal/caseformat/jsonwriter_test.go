package caseformat

import (
	"bytes"
	"encoding/json"
	"testing"
)

// appendString must read back as encoding/json's own encoding does, for any
// input, valid UTF-8 or not.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "日本語\n\t\"q\"\\", "\x00\x1f\x7f", "a<b>&c", "\u2028\u2029", "bad\xff\xfe utf8", "\xe3\x81"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ours := appendString(nil, s)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		var got, want string
		if err := json.Unmarshal(ours, &got); err != nil {
			t.Fatalf("not JSON: %q: %v", ours, err)
		}
		if err := json.Unmarshal(buf.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%q reads back as %q, encoding/json gives %q", s, got, want)
		}
	})
}

func BenchmarkHash(b *testing.B) {
	c, err := DecodeCase([]byte(`{"ref":"2020-004","kind":"accident","operators":[{"name":"株式会社NTTドコモ"}],
	  "occurred_at":"2020-05-30T12:56:00+09:00","recovered_at":"2020-05-30T18:32:00+09:00","area":"全国",
	  "impacts":[{"service":"internet_access","peak_users":2200000,"description":"インターネット接続サービスの提供の停止",
	  "timeline":[{"from":"2020-05-30T12:56:00+09:00","to":"2020-05-30T14:32:00+09:00","users":2200000},
	  {"from":"2020-05-30T14:32:00+09:00","to":"2020-05-30T18:32:00+09:00","users":20000}]}],
	  "cause":{"class":"equipment","archetype":"software_bug","text":"ソフトウェア不具合"},
	  "summary":"データ通信が利用しづらい状況が発生した。"}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Hash()
	}
}
