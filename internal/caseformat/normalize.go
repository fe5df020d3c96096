package caseformat

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName is the key two spellings of one organisation name share:
// NFKC (full-width and half-width forms agree), lower case, no white space.
// 「株式会社ＮＴＴドコモ」 and 「株式会社 NTTドコモ」 give the same key.
func NormalizeName(name string) string {
	n := norm.NFKC.String(name)
	var b strings.Builder
	b.Grow(len(n))
	for _, r := range n {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
