package triage

import (
	"strings"
	"sync"
	"unicode"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"
)

// Terms are kept as strings with a one-byte kind prefix, so that the word
// 装置 and the bigram 装置 of a longer run can be told apart in one
// dictionary.
const (
	wordPrefix   = "w"
	bigramPrefix = "b"
)

// analyzer turns Japanese text into index terms: kagome (IPA dictionary)
// content words by their base form, and character bigrams of the runs of
// kanji, katakana and latin letters. The tokenizer is read-only after
// construction and safe for concurrent use.
type analyzer struct {
	tok *tokenizer.Tokenizer
}

var (
	sharedAnalyzer     *analyzer
	sharedAnalyzerErr  error
	sharedAnalyzerOnce sync.Once
)

// newAnalyzer returns the process's analyzer: the IPA dictionary takes
// tens of megabytes and a second to load, once.
func newAnalyzer() (*analyzer, error) {
	sharedAnalyzerOnce.Do(func() {
		t, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
		sharedAnalyzer, sharedAnalyzerErr = &analyzer{tok: t}, err
	})
	return sharedAnalyzer, sharedAnalyzerErr
}

// Words that are grammar rather than content: auxiliary verbs the IPA
// dictionary tags as verbs, and nouns every report uses.
var stopWords = map[string]bool{
	"する": true, "なる": true, "ある": true, "いる": true, "れる": true, "られる": true, "せる": true,
	"できる": true, "おる": true, "くる": true, "いく": true, "行う": true, "よる": true, "伴う": true,
	"こと": true, "もの": true, "ため": true, "よう": true, "これ": true, "それ": true, "とき": true,
	"ない": true, "よい": true, "いい": true, "含む": true, "株式会社": true, "有限会社": true,
}

// termCount is a term of a text and how often it occurs.
type termCount struct {
	term  string
	count int
}

// analysis is one text's terms, in first-occurrence order, and its length
// in terms (BM25's document length).
type analysis struct {
	terms  []termCount
	length int
}

// normalise folds widths (ＡＢＣ１２３, ｶﾀｶﾅ) and case, so that the same
// word typed two ways is one term.
func normalise(s string) string { return strings.ToLower(norm.NFKC.String(s)) }

// analyze returns the terms of text.
func (a *analyzer) analyze(text string) analysis {
	text = normalise(text)
	idx := map[string]int{}
	var out analysis
	add := func(t string) {
		out.length++
		if i, ok := idx[t]; ok {
			out.terms[i].count++
			return
		}
		idx[t] = len(out.terms)
		out.terms = append(out.terms, termCount{term: t, count: 1})
	}
	words := map[string]bool{}
	for _, tk := range a.tok.Tokenize(text) {
		if w, ok := contentWord(tk); ok {
			words[w] = true
			add(wordPrefix + w)
		}
	}
	forBigrams(text, func(bg string) {
		// A two-character word is already counted as the word.
		if !words[bg] {
			add(bigramPrefix + bg)
		}
	})
	return out
}

// contentWord is the base form of a noun, verb or adjective that carries
// meaning, or false.
func contentWord(tk tokenizer.Token) (string, bool) {
	pos := tk.POS()
	if len(pos) == 0 {
		return "", false
	}
	switch pos[0] {
	case "名詞":
		if len(pos) > 1 {
			switch pos[1] {
			// 副詞可能: 前, 後, 時, 間, 今回 — when, not what.
			case "非自立", "代名詞", "数", "接尾", "特殊", "副詞可能":
				return "", false
			}
		}
	case "動詞", "形容詞":
		if len(pos) > 1 && pos[1] != "自立" {
			return "", false
		}
	default:
		return "", false
	}
	w := tk.Surface
	if b, ok := tk.BaseForm(); ok && b != "*" && b != "" {
		w = b
	}
	if stopWords[w] || !meaningful(w) {
		return "", false
	}
	return w, true
}

// meaningful rejects one-character kana and tokens without a letter
// (numbers, symbols): they match everything.
func meaningful(w string) bool {
	n, letters, kanaOnly := 0, 0, true
	for _, r := range w {
		n++
		if unicode.IsLetter(r) {
			letters++
		}
		if !unicode.Is(unicode.Hiragana, r) && !unicode.Is(unicode.Katakana, r) {
			kanaOnly = false
		}
	}
	return letters > 0 && !(kanaOnly && n < 2)
}

// bigramRune reports whether r belongs to a run bigrams are made of.
func bigramRune(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Katakana, r) || r == 'ー' ||
		(r >= 'a' && r <= 'z')
}

// forBigrams calls f with each character bigram of the runs of kanji,
// katakana and latin letters of s. Digits break runs: 14時26分 would
// otherwise give 時2 and 6分, which every report shares.
func forBigrams(s string, f func(string)) {
	run := make([]rune, 0, 32)
	flush := func() {
		if len(run) >= 2 {
			for i := 0; i+1 < len(run); i++ {
				f(string(run[i : i+2]))
			}
		}
		run = run[:0]
	}
	for _, r := range s {
		if bigramRune(r) {
			run = append(run, r)
			continue
		}
		flush()
	}
	flush()
}
