package review

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"kensho/internal/caseformat"
)

// The depths of verification the secretariat decides at triage.
const (
	DepthInDepth    = "in_depth"
	DepthLight      = "light"
	DepthRecordOnly = "record_only"
)

// Depths are the depths of verification, deepest first.
var Depths = []string{DepthInDepth, DepthLight, DepthRecordOnly}

// Field is a field of expertise of the committee's members
// (configs/expert-fields.yaml).
type Field struct {
	ID string `yaml:"id" json:"id"`
	JA string `yaml:"ja" json:"ja"`
	EN string `yaml:"en" json:"en"`
}

// PanelRule sizes the panel of one depth of verification.
type PanelRule struct {
	Min     int `yaml:"min" json:"min"`
	Max     int `yaml:"max" json:"max"`
	DueDays int `yaml:"due_days" json:"due_days"`
}

// Expertise is configs/expertise.yaml: which fields a case needs, by the
// services it affected and its cause archetype, and the panel sizes.
type Expertise struct {
	Version    int                  `yaml:"version" json:"version"`
	Defaults   []string             `yaml:"defaults" json:"defaults"`
	Panel      map[string]PanelRule `yaml:"panel" json:"panel"`
	Services   map[string][]string  `yaml:"services" json:"services"`
	Archetypes map[string][]string  `yaml:"archetypes" json:"archetypes"`
	// fields are expert-fields.yaml, in order: Needs lists fields so.
	fields []Field
}

// Need is one field a case needs and why: the services and archetype that
// call for it ("service:voice_emergency", "archetype:software_bug"), or
// "default".
type Need struct {
	Field   string   `json:"field"`
	JA      string   `json:"ja"`
	EN      string   `json:"en"`
	Because []string `json:"because"`
}

// Needs are the fields case c needs, in the order of expert-fields.yaml.
func (x *Expertise) Needs(c *caseformat.Case) []Need {
	because := map[string][]string{}
	add := func(fields []string, why string) {
		for _, f := range fields {
			if !slices.Contains(because[f], why) {
				because[f] = append(because[f], why)
			}
		}
	}
	for _, im := range c.Impacts {
		add(x.Services[string(im.Service)], "service:"+string(im.Service))
	}
	if c.Cause != nil && c.Cause.Archetype != "" {
		add(x.Archetypes[c.Cause.Archetype], "archetype:"+c.Cause.Archetype)
	}
	if len(because) == 0 {
		add(x.Defaults, "default")
	}
	out := []Need{}
	for _, f := range x.fields {
		if b, ok := because[f.ID]; ok {
			out = append(out, Need{Field: f.ID, JA: f.JA, EN: f.EN, Because: b})
		}
	}
	return out
}

// Rule is the panel rule of depth, and whether the depth gets a panel.
func (x *Expertise) Rule(depth string) (PanelRule, bool) {
	r, ok := x.Panel[depth]
	return r, ok
}

// Lesson is one lesson (教訓) of the catalogue: from configs/lessons.yaml,
// or accepted by the committee at a consolidation (table lessons).
type Lesson struct {
	ID        string `yaml:"id" json:"id"`
	Theme     string `yaml:"-" json:"theme"`
	FirstYear int    `yaml:"first_year" json:"first_year"`
	JA        string `yaml:"ja" json:"ja"`
	EN        string `yaml:"en" json:"en"`
	// Source is catalogue (the file) or committee (accepted at a consolidation).
	Source string `yaml:"-" json:"source"`
}

// Theme groups lessons as the annual report does.
type Theme struct {
	ID      string    `yaml:"id" json:"id"`
	Code    string    `yaml:"code" json:"code"`
	JA      string    `yaml:"ja" json:"ja"`
	EN      string    `yaml:"en" json:"en"`
	Lessons []*Lesson `yaml:"lessons" json:"lessons"`
}

// Catalogue is configs/lessons.yaml, validated. It is never rewritten:
// lessons the committee accepts later are rows of table lessons.
type Catalogue struct {
	Version int      `yaml:"version" json:"version"`
	Themes  []*Theme `yaml:"themes" json:"themes"`
	lessons map[string]*Lesson
	themes  map[string]*Theme
}

// Lesson is the catalogue lesson id, or nil.
func (c *Catalogue) Lesson(id string) *Lesson { return c.lessons[id] }

// Theme is the theme id, or nil.
func (c *Catalogue) Theme(id string) *Theme { return c.themes[id] }

// Config is the review domain's data: the fields of expertise, which of
// them a case needs, and the lessons catalogue.
type Config struct {
	Fields    []Field
	Expertise *Expertise
	Lessons   *Catalogue
}

// Field is the field id, or nil.
func (c *Config) Field(id string) *Field {
	for i := range c.Fields {
		if c.Fields[i].ID == id {
			return &c.Fields[i]
		}
	}
	return nil
}

// ConfigError lists every problem of one data file, each with its field.
type ConfigError struct {
	File     string
	Problems []string
}

func (e *ConfigError) Error() string {
	return "configs/" + e.File + ": " + strings.Join(e.Problems, "; ")
}

// Load reads expert-fields.yaml, expertise.yaml and lessons.yaml from fsys
// (configs.FS) and validates them.
func Load(fsys fs.FS) (*Config, error) {
	read := func(name string) ([]byte, error) { return fs.ReadFile(fsys, name) }
	data, err := read("expert-fields.yaml")
	if err != nil {
		return nil, err
	}
	fields, err := ParseFields(data)
	if err != nil {
		return nil, err
	}
	if data, err = read("expertise.yaml"); err != nil {
		return nil, err
	}
	x, err := ParseExpertise(data, fields)
	if err != nil {
		return nil, err
	}
	if data, err = read("lessons.yaml"); err != nil {
		return nil, err
	}
	cat, err := ParseLessons(data)
	if err != nil {
		return nil, err
	}
	return &Config{Fields: fields, Expertise: x, Lessons: cat}, nil
}

var (
	fieldIDRE   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	themeCodeRE = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,5}$`)
	// Lessons of the file are CODE-NN; lessons the committee accepts are
	// CODE-YYYY-NN, so the two can never collide.
	fileLessonRE      = regexp.MustCompile(`^([A-Z][A-Z0-9]{1,5})-([0-9]{2,3})$`)
	committeeLessonRE = regexp.MustCompile(`^([A-Z][A-Z0-9]{1,5})-([0-9]{4})-([0-9]{2,})$`)
)

func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// problems collects what is wrong with a file.
type problems []string

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, field+": "+fmt.Sprintf(format, args...))
}

func (p problems) err(file string) error {
	if len(p) == 0 {
		return nil
	}
	return &ConfigError{File: file, Problems: p}
}

// ParseFields reads expert-fields.yaml: ids unique, names in both languages.
func ParseFields(data []byte) ([]Field, error) {
	var f struct {
		Fields []Field `yaml:"fields"`
	}
	if err := decodeStrict(data, &f); err != nil {
		return nil, &ConfigError{File: "expert-fields.yaml", Problems: []string{err.Error()}}
	}
	var p problems
	if len(f.Fields) == 0 {
		p.add("fields", "at least one field of expertise is needed")
	}
	seen := map[string]bool{}
	for i, x := range f.Fields {
		at := fmt.Sprintf("fields[%d]", i)
		switch {
		case !fieldIDRE.MatchString(x.ID):
			p.add(at+".id", "%q: lower-case letters, digits and _", x.ID)
		case seen[x.ID]:
			p.add(at+".id", "%q appears twice", x.ID)
		}
		seen[x.ID] = true
		if strings.TrimSpace(x.JA) == "" || strings.TrimSpace(x.EN) == "" {
			p.add(at, "ja and en names are required")
		}
	}
	return f.Fields, p.err("expert-fields.yaml")
}

// ParseExpertise reads expertise.yaml strictly and checks it against the
// fields and the codes of kensho-case/v1: every service and archetype
// listed, only known fields, sensible panel sizes.
func ParseExpertise(data []byte, fields []Field) (*Expertise, error) {
	var x Expertise
	if err := decodeStrict(data, &x); err != nil {
		return nil, &ConfigError{File: "expertise.yaml", Problems: []string{err.Error()}}
	}
	x.fields = fields
	known := func(id string) bool { return slices.ContainsFunc(fields, func(f Field) bool { return f.ID == id }) }
	var p problems
	checkList := func(at string, list []string) {
		seen := map[string]bool{}
		for i, f := range list {
			switch {
			case !known(f):
				p.add(fmt.Sprintf("%s[%d]", at, i), "%q is not a field of expert-fields.yaml", f)
			case seen[f]:
				p.add(fmt.Sprintf("%s[%d]", at, i), "%q appears twice", f)
			}
			seen[f] = true
		}
	}
	if x.Version < 1 {
		p.add("version", "want a version number ≥ 1")
	}
	if len(x.Defaults) == 0 {
		p.add("defaults", "name at least one field: a case must need something")
	}
	checkList("defaults", x.Defaults)
	for _, d := range []string{DepthInDepth, DepthLight} {
		r, ok := x.Panel[d]
		at := "panel." + d
		switch {
		case !ok:
			p.add(at, "missing: every depth but record_only gets a panel")
		case r.Min < 1 || r.Min > 10:
			p.add(at+".min", "%d: want 1–10", r.Min)
		case r.Max < r.Min || r.Max > 10:
			p.add(at+".max", "%d: want %d–10 (at least min)", r.Max, r.Min)
		}
		if ok && (r.DueDays < 1 || r.DueDays > 180) {
			p.add(at+".due_days", "%d: want 1–180 days", r.DueDays)
		}
	}
	for d := range x.Panel {
		if d != DepthInDepth && d != DepthLight {
			p.add("panel."+d, "unknown depth: want in_depth or light (record_only gets no panel)")
		}
	}
	checkCodes := func(section string, m map[string][]string, codes []string) {
		for _, c := range codes {
			list, ok := m[c]
			if !ok {
				p.add(section+"."+c, "missing: list every code (an empty list is allowed)")
				continue
			}
			checkList(section+"."+c, list)
		}
		for c := range m {
			if !slices.Contains(codes, c) {
				p.add(section+"."+c, "unknown code: want one of %s", strings.Join(codes, ", "))
			}
		}
	}
	var services []string
	for _, s := range caseformat.Services {
		services = append(services, string(s))
	}
	checkCodes("services", x.Services, services)
	checkCodes("archetypes", x.Archetypes, caseformat.CauseArchetypes)
	slices.Sort(p)
	return &x, p.err("expertise.yaml")
}

// ParseLessons reads lessons.yaml strictly: theme ids and codes unique,
// lesson ids CODE-NN of their theme and unique, a first fiscal year, the
// text in Japanese and English.
func ParseLessons(data []byte) (*Catalogue, error) {
	var c Catalogue
	if err := decodeStrict(data, &c); err != nil {
		return nil, &ConfigError{File: "lessons.yaml", Problems: []string{err.Error()}}
	}
	var p problems
	if c.Version < 1 {
		p.add("version", "want a version number ≥ 1")
	}
	if len(c.Themes) == 0 {
		p.add("themes", "at least one theme is needed")
	}
	c.lessons, c.themes = map[string]*Lesson{}, map[string]*Theme{}
	codes := map[string]bool{}
	for i, t := range c.Themes {
		at := fmt.Sprintf("themes[%d]", i)
		switch {
		case !fieldIDRE.MatchString(t.ID):
			p.add(at+".id", "%q: lower-case letters, digits and _", t.ID)
		case c.themes[t.ID] != nil:
			p.add(at+".id", "%q appears twice", t.ID)
		}
		c.themes[t.ID] = t
		switch {
		case !themeCodeRE.MatchString(t.Code):
			p.add(at+".code", "%q: 2–6 upper-case letters or digits, starting with a letter", t.Code)
		case codes[t.Code]:
			p.add(at+".code", "%q appears twice", t.Code)
		}
		codes[t.Code] = true
		if strings.TrimSpace(t.JA) == "" || strings.TrimSpace(t.EN) == "" {
			p.add(at, "ja and en names are required")
		}
		if len(t.Lessons) == 0 {
			p.add(at+".lessons", "a theme has at least one lesson")
		}
		for j, l := range t.Lessons {
			lat := fmt.Sprintf("%s.lessons[%d]", at, j)
			m := fileLessonRE.FindStringSubmatch(l.ID)
			switch {
			case m == nil:
				p.add(lat+".id", "%q: want %s-NN", l.ID, t.Code)
			case m[1] != t.Code:
				p.add(lat+".id", "%q: a lesson of theme %s starts with %s-", l.ID, t.ID, t.Code)
			case c.lessons[l.ID] != nil:
				p.add(lat+".id", "%q appears twice", l.ID)
			}
			if l.FirstYear < 2000 || l.FirstYear > 2100 {
				p.add(lat+".first_year", "%d: want the fiscal year the lesson was first drawn, e.g. 2019", l.FirstYear)
			}
			if strings.TrimSpace(l.JA) == "" {
				p.add(lat+".ja", "the text in Japanese is required")
			}
			if strings.TrimSpace(l.EN) == "" {
				p.add(lat+".en", "the text in English is required")
			}
			l.Theme, l.Source = t.ID, SourceCatalogue
			c.lessons[l.ID] = l
		}
	}
	return &c, p.err("lessons.yaml")
}

// The sources of lessons.
const (
	SourceCatalogue = "catalogue"
	SourceCommittee = "committee"
)
