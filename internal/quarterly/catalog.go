package quarterly

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"

	"kensho/configs"
)

// Code is one entry of a code list: the id files and the database hold and
// its labels.
type Code struct {
	ID string `yaml:"id"`
	JA string `yaml:"ja"`
	EN string `yaml:"en"`
	// Code is a prefecture's JIS X 0401 number ("13" for Tokyo).
	Code string `yaml:"code"`
	// Simple marks equipment whose failures the simple form counts.
	Simple bool `yaml:"simple"`
}

// Label is the code's name in lang ("ja" or "en").
func (c Code) Label(lang string) string {
	if lang == "en" {
		return c.EN
	}
	return c.JA
}

// List is a code list in the order of the configuration.
type List []Code

// IDs are the list's ids.
func (l List) IDs() []string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = c.ID
	}
	return out
}

// Get returns the entry with id.
func (l List) Get(id string) (Code, bool) {
	for _, c := range l {
		if c.ID == id {
			return c, true
		}
	}
	return Code{}, false
}

// Catalog holds the code lists of configs/quarterly.yaml, with an index
// from every accepted spelling (id, label, JIS code) to the id.
type Catalog struct {
	EquipmentTypes  List `yaml:"equipment_types"`
	Prefectures     List `yaml:"prefectures"`
	Forms           List `yaml:"forms"`
	Services        List `yaml:"services"`
	CauseClasses    List `yaml:"cause_classes"`
	CauseArchetypes List `yaml:"cause_archetypes"`

	lookup map[string]map[string]string
}

// The lists the database fixes with CHECK constraints: the configuration
// may relabel them, not change them.
var fixedLists = map[string][]string{
	"forms":            {FormSimple, FormDetailed},
	"services":         {"voice_emergency", "voice", "free_internet", "internet_access", "lpwa", "other"},
	"cause_classes":    {"equipment", "human", "external"},
	"cause_archetypes": {"software_bug", "hardware_failure", "config_error", "procedure_error", "capacity", "natural_disaster", "cyber_attack", "other_operator", "power", "unknown"},
}

var codeID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// ParseCatalog reads and checks a quarterly.yaml: unknown keys, missing or
// repeated ids and labels, a fixed list that differs from the database's,
// no equipment for the simple form. Every problem is named.
func ParseCatalog(data []byte) (*Catalog, error) {
	var c Catalog
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("quarterly.yaml: %w", err)
	}
	var problems []string
	c.lookup = map[string]map[string]string{}
	for _, l := range c.lists() {
		if len(l.list) == 0 {
			problems = append(problems, l.name+": empty")
		}
		idx := map[string]string{}
		for i, e := range l.list {
			where := fmt.Sprintf("%s[%d]", l.name, i)
			if !codeID.MatchString(e.ID) {
				problems = append(problems, fmt.Sprintf("%s.id: %q must be lower case letters, digits and _", where, e.ID))
			}
			if strings.TrimSpace(e.JA) == "" || strings.TrimSpace(e.EN) == "" {
				problems = append(problems, where+": ja and en labels are required")
			}
			if e.Simple && l.name != "equipment_types" {
				problems = append(problems, where+".simple: only equipment types have it")
			}
			if e.Code != "" && l.name != "prefectures" {
				problems = append(problems, where+".code: only prefectures have it")
			}
			for _, spelling := range []string{e.ID, e.JA, e.EN, e.Code} {
				k := normKey(spelling)
				if k == "" {
					continue
				}
				if other, dup := idx[k]; dup && other != e.ID {
					problems = append(problems, fmt.Sprintf("%s: %q already names %s", where, spelling, other))
				}
				idx[k] = e.ID
			}
		}
		if want, fixed := fixedLists[l.name]; fixed && !slices.Equal(l.list.IDs(), want) {
			problems = append(problems, fmt.Sprintf("%s: the ids must be %s (the database's), in this order", l.name, strings.Join(want, ", ")))
		}
		c.lookup[l.name] = idx
	}
	if len(c.Prefectures) > 0 && len(c.Prefectures) != 48 {
		problems = append(problems, fmt.Sprintf("prefectures: want the 47 prefectures and 全国, got %d", len(c.Prefectures)))
	}
	if !slices.ContainsFunc(c.EquipmentTypes, func(e Code) bool { return e.Simple }) {
		problems = append(problems, "equipment_types: none is marked simple: true")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("quarterly.yaml: %s", strings.Join(problems, "; "))
	}
	return &c, nil
}

type namedList struct {
	name string
	list List
}

func (c *Catalog) lists() []namedList {
	return []namedList{{"equipment_types", c.EquipmentTypes}, {"prefectures", c.Prefectures}, {"forms", c.Forms},
		{"services", c.Services}, {"cause_classes", c.CauseClasses}, {"cause_archetypes", c.CauseArchetypes}}
}

// resolve maps a spelling (id, label, JIS code; width and case folded) to
// the id of list name.
func (c *Catalog) resolve(list, s string) (string, bool) {
	id, ok := c.lookup[list][normKey(s)]
	return id, ok
}

// normKey folds width (NFKC), case and spaces, so that 「東京都」, 「ＤＳＬＡＭ」
// and "Base station" match their entries.
func normKey(s string) string {
	s = strings.ToLower(norm.NFKC.String(strings.TrimSpace(s)))
	return strings.Join(strings.Fields(s), " ")
}

var defaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	data, err := catalogYAML()
	if err != nil {
		return nil, err
	}
	return ParseCatalog(data)
})

// DefaultCatalog is configs/quarterly.yaml as built into the binary.
func DefaultCatalog() (*Catalog, error) { return defaultCatalog() }

// catalogYAML is codes.yaml (equipment types and prefectures, shared with
// the report forms) and quarterly.yaml as one document: two mappings with
// distinct keys, so their texts concatenate into one.
func catalogYAML() ([]byte, error) {
	codes, err := configs.FS.ReadFile("codes.yaml")
	if err != nil {
		return nil, err
	}
	own, err := configs.FS.ReadFile("quarterly.yaml")
	if err != nil {
		return nil, err
	}
	return append(append(codes, '\n'), own...), nil
}
