package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nrune is one rune of a text after NFKC and lower-casing, with the byte
// range of the original text it came from. NFKC works on segments (a base
// character and its marks; ㍿ gives four runes): every rune of a segment
// carries the whole segment's range, so a match always maps back to whole
// original characters.
type nrune struct {
	r          rune
	start, end int
}

// doc is a text prepared for matching. full holds every normalised rune;
// compact indexes the runes of full that count for matching, skipping spaces
// and invisible format characters, so that "NTT ドコモ" matches NTTドコモ.
type doc struct {
	text    string
	full    []nrune
	compact []int
}

func newDoc(text string) *doc {
	d := &doc{text: text, full: normalise(text)}
	d.compact = make([]int, 0, len(d.full))
	for i, n := range d.full {
		if !ignorable(n.r) {
			d.compact = append(d.compact, i)
		}
	}
	return d
}

func normalise(text string) []nrune {
	out := make([]nrune, 0, len(text))
	var it norm.Iter
	it.InitString(norm.NFKC, text)
	last, pending := 0, 0
	for !it.Done() {
		seg := it.Next()
		for len(seg) > 0 {
			r, n := utf8.DecodeRune(seg)
			seg = seg[n:]
			out = append(out, nrune{r: unicode.ToLower(r)})
		}
		// The iterator may hand out a segment's output in pieces before it
		// moves past the input (㍿ → 株, 式, 会, 社): the range is known
		// only once the position advances.
		if p := it.Pos(); p > last {
			for k := pending; k < len(out); k++ {
				out[k].start, out[k].end = last, p
			}
			last, pending = p, len(out)
		}
	}
	for k := pending; k < len(out); k++ {
		out[k].start, out[k].end = last, len(text)
	}
	return out
}

// ignorable runes are skipped inside names: white space (U+3000 included)
// and format characters such as a zero-width space.
func ignorable(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}

// key is how an entry of the rules or the registry is compared: the
// normalised runes of the text, without the ignorable ones.
func key(s string) string {
	var b strings.Builder
	for _, n := range normalise(s) {
		if !ignorable(n.r) {
			b.WriteRune(n.r)
		}
	}
	return b.String()
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
func isASCIIDigit(r rune) bool  { return r >= '0' && r <= '9' }
func isASCIIAlnum(r rune) bool  { return isASCIILetter(r) || isASCIIDigit(r) }
