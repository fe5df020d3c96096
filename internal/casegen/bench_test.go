package casegen

import "testing"

// BenchmarkCase is the cost of one case, rendered and encoded as v1.
func BenchmarkCase(b *testing.B) {
	g, err := New(1, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := g.Case(i)
		if _, err := c.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkQuarterlyRow is the cost of one detailed-form row.
func BenchmarkQuarterlyRow(b *testing.B) {
	g, err := New(1, nil)
	if err != nil {
		b.Fatal(err)
	}
	j := 0
	for b.Loop() {
		g.QuarterlyRow(j, 100000)
		j++
	}
}
