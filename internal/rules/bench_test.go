package rules_test

import (
	"testing"
	"time"

	"kensho/configs"
	"kensho/internal/caseformat"
)

// BenchmarkClassifyDevCases judges the 28 dev cases under the rule set in
// force (one op = all 28).
func BenchmarkClassifyDevCases(b *testing.B) {
	c := catalog(b)
	data, _ := configs.FS.ReadFile("demo/serious-2015-2020.json")
	f, err := caseformat.DecodeFile(data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, cs := range f.Cases {
			if _, err := c.Classify(cs, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkClassifyLongTimeline judges one impact with a 1,000-period
// intermittent timeline.
func BenchmarkClassifyLongTimeline(b *testing.B) {
	c := catalog(b)
	start := jst("2022-01-01 00:00")
	var periods []caseformat.Period
	for i := range 1000 {
		from := start.Add(time.Duration(i) * 10 * time.Minute)
		periods = append(periods, caseformat.Period{From: from, To: from.Add(7 * time.Minute), Users: n(int64(20000 + i*37%30000))})
	}
	cs := accident(caseformat.Impact{Service: internet, UserUnit: caseformat.UnitPeople, Timeline: periods})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Classify(cs, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeDevFile decodes and validates the 28-case dev file.
func BenchmarkDecodeDevFile(b *testing.B) {
	data, _ := configs.FS.ReadFile("demo/serious-2015-2020.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := caseformat.DecodeFile(data); err != nil {
			b.Fatal(err)
		}
	}
}
