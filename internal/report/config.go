package report

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Band is one band of a table by duration or users: values from the
// band before's Below up to, not including, its own (0 = no upper end).
type Band struct {
	Key   string `yaml:"key"`
	Below int64  `yaml:"below"`
	JA    string `yaml:"ja"`
	EN    string `yaml:"en"`
}

// Code is the name of a code in the report's two languages.
type Code struct {
	Key string `yaml:"key"`
	JA  string `yaml:"ja"`
	EN  string `yaml:"en"`
}

// Config is configs/report.yaml: the bands and names of the report.
type Config struct {
	Version              int     `yaml:"version"`
	TrendYears           int     `yaml:"trend_years"`
	MinOperators         int     `yaml:"min_operators"`
	DurationBands        []Band  `yaml:"duration_bands"`
	UsersBands           []Band  `yaml:"users_bands"`
	Services             []Code  `yaml:"services"`
	CauseClasses         []Code  `yaml:"cause_classes"`
	CauseArchetypes      []Code  `yaml:"cause_archetypes"`
	NearMissSituations   []Code  `yaml:"near_miss_situations"`
	SimpleEquipment      []Code  `yaml:"simple_equipment"`
	Quarters             []Code  `yaml:"quarters"`
	SurveyClassThreshold float64 `yaml:"survey_class_threshold"`
}

// LoadConfig reads and validates report.yaml from fsys (configs.FS).
func LoadConfig(fsys fs.FS) (*Config, error) {
	raw, err := fs.ReadFile(fsys, "report.yaml")
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("report.yaml: %w", err)
	}
	if p := c.validate(); len(p) > 0 {
		return nil, fmt.Errorf("report.yaml: %s", strings.Join(p, "; "))
	}
	return &c, nil
}

func (c *Config) validate() []string {
	var p []string
	if c.Version != 1 {
		p = append(p, fmt.Sprintf("version: %d is not 1", c.Version))
	}
	if c.TrendYears < 1 || c.TrendYears > 30 {
		p = append(p, "trend_years: must be 1–30")
	}
	if c.MinOperators < 1 {
		p = append(p, "min_operators: must be at least 1")
	}
	if c.SurveyClassThreshold <= 0 || c.SurveyClassThreshold > 1 {
		p = append(p, "survey_class_threshold: must be in (0, 1]")
	}
	for name, bands := range map[string][]Band{"duration_bands": c.DurationBands, "users_bands": c.UsersBands} {
		if len(bands) == 0 {
			p = append(p, name+": empty")
		}
		seen := map[string]bool{}
		var last int64
		for i, b := range bands {
			at := fmt.Sprintf("%s[%d]", name, i)
			if b.Key == "" || b.JA == "" || b.EN == "" || seen[b.Key] {
				p = append(p, at+": needs a unique key, ja and en")
			}
			seen[b.Key] = true
			switch {
			case i == len(bands)-1 && b.Below != 0:
				p = append(p, at+".below: the last band has no upper end")
			case i < len(bands)-1 && b.Below <= last:
				p = append(p, at+".below: must be above the band before's")
			}
			last = b.Below
		}
	}
	for name, codes := range map[string][]Code{"services": c.Services, "cause_classes": c.CauseClasses,
		"cause_archetypes": c.CauseArchetypes, "near_miss_situations": c.NearMissSituations,
		"simple_equipment": c.SimpleEquipment, "quarters": c.Quarters} {
		if len(codes) == 0 {
			p = append(p, name+": empty")
		}
		seen := map[string]bool{}
		for i, k := range codes {
			if k.Key == "" || k.JA == "" || k.EN == "" || seen[k.Key] {
				p = append(p, fmt.Sprintf("%s[%d]: needs a unique key, ja and en", name, i))
			}
			seen[k.Key] = true
		}
	}
	return p
}

// label is the Label of key in codes; an unknown key is named by itself.
func label(codes []Code, key string) Label {
	for _, c := range codes {
		if c.Key == key {
			return Label{Key: key, JA: c.JA, EN: c.EN}
		}
	}
	return Label{Key: key, JA: key, EN: key}
}

// bandOf is the band of value v.
func bandOf(bands []Band, v int64) int {
	for i, b := range bands {
		if b.Below == 0 || v < b.Below {
			return i
		}
	}
	return len(bands) - 1
}
