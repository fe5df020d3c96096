package triage

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func terms(t *testing.T, text string) (words, bigrams []string) {
	t.Helper()
	a, err := newAnalyzer()
	require.NoError(t, err)
	for _, tc := range a.analyze(text).terms {
		if w, ok := strings.CutPrefix(tc.term, wordPrefix); ok {
			words = append(words, w)
		} else {
			bigrams = append(bigrams, strings.TrimPrefix(tc.term, bigramPrefix))
		}
	}
	return words, bigrams
}

func TestAnalyzer(t *testing.T) {
	words, bigrams := terms(t, "14時26分頃、光伝送装置のソフトウェアに不具合があり、通信ができなくなった。")
	assert.Contains(t, words, "伝送")
	assert.Contains(t, words, "装置")
	assert.Contains(t, words, "ソフトウェア")
	assert.Contains(t, words, "不具合")
	assert.NotContains(t, words, "なる", "grammar is not content")
	assert.NotContains(t, words, "できる")
	// A compound's inner bigrams catch what segmentation splits.
	assert.Contains(t, bigrams, "送装")
	assert.NotContains(t, bigrams, "装置", "a two-character word counts once, as the word")
	for _, b := range bigrams {
		assert.NotRegexp(t, "[0-9]", b, "digits break runs: times say nothing")
	}

	// Full-width letters and half-width katakana are the same terms.
	w1, _ := terms(t, "ＤＮＳサーバ")
	w2, _ := terms(t, "DNSｻｰﾊﾞ")
	assert.Equal(t, w1, w2)
	assert.Contains(t, w1, "dns")
}

func TestSimilarityConfig(t *testing.T) {
	cfg, err := LoadSimilarityConfig()
	require.NoError(t, err)
	assert.Equal(t, 1, cfg.Version)

	_, err = ParseSimilarityConfig([]byte("version: 1\nbm25: {k1: 0, b: 2}\nquery: {max_terms: 0, max_doc_share: 0.2}\n" +
		"terms: {word_weight: 1, bigram_weight: 0.5}\nscore: {text_weight: 1.5}\nfacets: {service: -1}\nwhy: {phrases: 3}\n"))
	require.Error(t, err)
	for _, field := range []string{"bm25.k1", "bm25.b", "query.max_terms", "score.text_weight", "facets.service"} {
		assert.Contains(t, err.Error(), field)
	}
	_, err = ParseSimilarityConfig([]byte("version: 1\nbm25: {k1: 1.2, b: 0.75, k3: 1}\n"))
	assert.ErrorContains(t, err, "k3", "an unknown key is a typo")
}
