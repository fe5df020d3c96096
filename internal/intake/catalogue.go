package intake

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Choice is one entry of a pick list: the stored id and its labels.
type Choice struct {
	ID string `yaml:"id" json:"id"`
	JA string `yaml:"ja" json:"ja"`
	EN string `yaml:"en" json:"en"`
	// Code is a prefecture's JIS X 0401 number; Simple marks equipment the
	// quarterly simple form counts (both from codes.yaml).
	Code   string `yaml:"code" json:"code,omitempty"`
	Simple bool   `yaml:"simple" json:"-"`
}

// Label is the choice's label in lang ("ja" or "en").
func (c Choice) Label(lang string) string {
	if lang == "en" {
		return c.EN
	}
	return c.JA
}

// Aspect is one aspect of the recurrence-prevention measures of a
// proportional archetype, thick (濃: required, in depth) or thin (薄).
type Aspect struct {
	Choice `yaml:",inline"`
	Weight string `yaml:"weight" json:"weight"`
}

// Thick reports whether the aspect must be answered in depth.
func (a Aspect) Thick() bool { return a.Weight == "thick" }

// Archetype is a cause archetype of proportional reporting with the
// aspects its detailed report asks for.
type Archetype struct {
	Choice  `yaml:",inline"`
	Cause   []string `yaml:"cause" json:"cause"`
	Aspects []Aspect `yaml:"aspects" json:"aspects"`
}

// Catalogue is the pick lists of the report forms (configs/codes.yaml,
// shared with the quarterly reports, and configs/intake.yaml) and the
// proportional-reporting table (configs/proportional.yaml).
type Catalogue struct {
	Prefectures    []Choice `yaml:"prefectures" json:"prefectures"`
	EquipmentTypes []Choice `yaml:"equipment_types" json:"equipment_types"`
	UserNotices    []Choice `yaml:"user_notices" json:"user_notices"`
	LicenceClasses []Choice `yaml:"licence_classes" json:"licence_classes"`
	// ProportionalVersion names the version of the proportional table.
	ProportionalVersion string      `json:"proportional_version"`
	Archetypes          []Archetype `json:"archetypes"`
}

// LoadCatalogue reads codes.yaml, intake.yaml and proportional.yaml from fsys and
// checks them: ids unique and non-empty, labels in both languages, weights
// thick or thin, at least one thick aspect per archetype.
func LoadCatalogue(fsys fs.FS) (*Catalogue, error) {
	var c Catalogue
	var codes struct {
		Prefectures    []Choice `yaml:"prefectures"`
		EquipmentTypes []Choice `yaml:"equipment_types"`
	}
	if err := decodeYAML(fsys, "codes.yaml", &codes); err != nil {
		return nil, err
	}
	if err := decodeYAML(fsys, "intake.yaml", &c); err != nil {
		return nil, err
	}
	c.Prefectures, c.EquipmentTypes = codes.Prefectures, codes.EquipmentTypes
	var p struct {
		Version    string      `yaml:"version"`
		Archetypes []Archetype `yaml:"archetypes"`
	}
	if err := decodeYAML(fsys, "proportional.yaml", &p); err != nil {
		return nil, err
	}
	c.ProportionalVersion, c.Archetypes = p.Version, p.Archetypes
	var problems []string
	check := func(file, list string, cs []Choice) {
		if len(cs) == 0 {
			problems = append(problems, fmt.Sprintf("%s: %s: empty", file, list))
		}
		seen := map[string]bool{}
		for i, ch := range cs {
			at := fmt.Sprintf("%s: %s[%d]", file, list, i)
			switch {
			case ch.ID == "":
				problems = append(problems, at+": id is empty")
			case seen[ch.ID]:
				problems = append(problems, fmt.Sprintf("%s: id %q repeated", at, ch.ID))
			}
			if ch.JA == "" || ch.EN == "" {
				problems = append(problems, at+": needs both ja and en labels")
			}
			seen[ch.ID] = true
		}
	}
	check("codes.yaml", "prefectures", c.Prefectures)
	check("codes.yaml", "equipment_types", c.EquipmentTypes)
	check("intake.yaml", "user_notices", c.UserNotices)
	check("intake.yaml", "licence_classes", c.LicenceClasses)
	if p.Version == "" {
		problems = append(problems, "proportional.yaml: version is empty")
	}
	arch := make([]Choice, len(c.Archetypes))
	for i, a := range c.Archetypes {
		arch[i] = a.Choice
		aspects := make([]Choice, len(a.Aspects))
		thick := false
		for j, as := range a.Aspects {
			aspects[j] = as.Choice
			if as.Weight != "thick" && as.Weight != "thin" {
				problems = append(problems, fmt.Sprintf("proportional.yaml: archetypes[%d].aspects[%d]: weight must be thick or thin, got %q", i, j, as.Weight))
			}
			thick = thick || as.Thick()
		}
		check("proportional.yaml", fmt.Sprintf("archetypes[%d].aspects", i), aspects)
		if !thick {
			problems = append(problems, fmt.Sprintf("proportional.yaml: archetypes[%d]: no thick aspect", i))
		}
	}
	check("proportional.yaml", "archetypes", arch)
	if len(problems) > 0 {
		return nil, fmt.Errorf("intake catalogue: %v", problems)
	}
	return &c, nil
}

func decodeYAML(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Archetype returns the proportional archetype id, or nil.
func (c *Catalogue) Archetype(id string) *Archetype {
	i := slices.IndexFunc(c.Archetypes, func(a Archetype) bool { return a.ID == id })
	if i < 0 {
		return nil
	}
	return &c.Archetypes[i]
}

func has(cs []Choice, id string) bool {
	return slices.ContainsFunc(cs, func(c Choice) bool { return c.ID == id })
}

// ids lists the ids of cs.
func ids(cs []Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
