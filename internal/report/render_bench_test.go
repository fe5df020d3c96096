package report

import (
	"context"
	"io"
	"testing"
)

// BenchmarkRender measures the outputs of the sample report: html is
// Charts and Body (the page, charts drawn for their URLs), xlsx the
// workbook, pdf one Document printed by a warm Printer (the browser
// already started).
func BenchmarkRender(b *testing.B) {
	r := sampleReport(b)
	b.Run("charts", func(b *testing.B) {
		for b.Loop() {
			if _, err := Charts(r, LangJA); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("html", func(b *testing.B) {
		o := HTMLOptions{Lang: LangJA, ContentHash: "sha256:0123abcd", ChartURL: func(id string) string { return "/charts/" + id + ".svg" }}
		for b.Loop() {
			if _, err := Charts(r, LangJA); err != nil {
				b.Fatal(err)
			}
			if _, err := Body(r, o); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("xlsx", func(b *testing.B) {
		for b.Loop() {
			if err := XLSX(r, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pdf", func(b *testing.B) {
		p := testPrinter(b)
		doc, err := Document(r, HTMLOptions{Lang: LangJA, ContentHash: "sha256:0123abcd"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.PDF(context.Background(), doc); err != nil { // start the browser
			b.Fatal(err)
		}
		for b.Loop() {
			doc, err := Document(r, HTMLOptions{Lang: LangJA, ContentHash: "sha256:0123abcd"})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := p.PDF(context.Background(), doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
