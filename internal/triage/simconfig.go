package triage

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"

	"go.yaml.in/yaml/v3"

	"kensho/configs"
)

// SimilarityConfig is configs/similarity.yaml: how the engine ranks and
// weighs the grounds of a match.
type SimilarityConfig struct {
	Version int `yaml:"version"`
	BM25    struct {
		K1 float64 `yaml:"k1"`
		B  float64 `yaml:"b"`
	} `yaml:"bm25"`
	Query struct {
		MaxTerms    int     `yaml:"max_terms"`
		MaxDocShare float64 `yaml:"max_doc_share"`
		MaxPostings int     `yaml:"max_postings"`
	} `yaml:"query"`
	Terms struct {
		WordWeight   float64 `yaml:"word_weight"`
		BigramWeight float64 `yaml:"bigram_weight"`
	} `yaml:"terms"`
	Score struct {
		TextWeight float64 `yaml:"text_weight"`
	} `yaml:"score"`
	Facets struct {
		Service    float64 `yaml:"service"`
		CauseClass float64 `yaml:"cause_class"`
		Archetype  float64 `yaml:"archetype"`
		Equipment  float64 `yaml:"equipment"`
		Situation  float64 `yaml:"situation"`
		Operator   float64 `yaml:"operator"`
	} `yaml:"facets"`
	Why struct {
		Phrases int `yaml:"phrases"`
	} `yaml:"why"`
}

// LoadSimilarityConfig reads the embedded configs/similarity.yaml.
func LoadSimilarityConfig() (*SimilarityConfig, error) { return ReadSimilarityConfig(configs.FS) }

// ReadSimilarityConfig reads similarity.yaml from fsys and validates it.
func ReadSimilarityConfig(fsys fs.FS) (*SimilarityConfig, error) {
	data, err := fs.ReadFile(fsys, "similarity.yaml")
	if err != nil {
		return nil, err
	}
	return ParseSimilarityConfig(data)
}

// ParseSimilarityConfig decodes similarity.yaml strictly (an unknown key is
// a typo, not an extension) and checks every value, naming each bad one.
func ParseSimilarityConfig(data []byte) (*SimilarityConfig, error) {
	var c SimilarityConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("configs/similarity.yaml: %w", err)
	}
	var bad []string
	check := func(ok bool, field, format string, args ...any) {
		if !ok {
			bad = append(bad, field+": "+fmt.Sprintf(format, args...))
		}
	}
	check(c.Version == 1, "version", "must be 1; got %d", c.Version)
	check(c.BM25.K1 > 0 && c.BM25.K1 <= 3, "bm25.k1", "must be in (0, 3]; got %g", c.BM25.K1)
	check(c.BM25.B >= 0 && c.BM25.B <= 1, "bm25.b", "must be in [0, 1]; got %g", c.BM25.B)
	check(c.Query.MaxTerms >= 1 && c.Query.MaxTerms <= 1000, "query.max_terms", "must be 1..1000; got %d", c.Query.MaxTerms)
	check(c.Query.MaxDocShare > 0 && c.Query.MaxDocShare <= 1, "query.max_doc_share", "must be in (0, 1]; got %g", c.Query.MaxDocShare)
	check(c.Query.MaxPostings >= 1000, "query.max_postings", "must be at least 1000; got %d", c.Query.MaxPostings)
	check(c.Terms.WordWeight >= 0, "terms.word_weight", "must not be negative; got %g", c.Terms.WordWeight)
	check(c.Terms.BigramWeight >= 0, "terms.bigram_weight", "must not be negative; got %g", c.Terms.BigramWeight)
	check(c.Terms.WordWeight+c.Terms.BigramWeight > 0, "terms", "word_weight and bigram_weight cannot both be 0")
	check(c.Score.TextWeight >= 0 && c.Score.TextWeight <= 1, "score.text_weight", "must be in [0, 1]; got %g", c.Score.TextWeight)
	for name, w := range map[string]float64{"service": c.Facets.Service, "cause_class": c.Facets.CauseClass,
		"archetype": c.Facets.Archetype, "equipment": c.Facets.Equipment, "situation": c.Facets.Situation, "operator": c.Facets.Operator} {
		check(w >= 0, "facets."+name, "must not be negative; got %g", w)
	}
	check(c.Why.Phrases >= 0 && c.Why.Phrases <= 20, "why.phrases", "must be 0..20; got %d", c.Why.Phrases)
	if len(bad) > 0 {
		return nil, fmt.Errorf("configs/similarity.yaml: %s", strings.Join(bad, "; "))
	}
	return &c, nil
}
