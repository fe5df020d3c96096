package redact

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Rules is configs/anonymise.yaml: which words give an operator, a place or a
// piece of equipment away, besides the names the registry holds.
type Rules struct {
	// Brands maps a brand to the registry name of the organisation that
	// sells it (au → KDDI株式会社).
	Brands map[string]string `yaml:"brands"`
	// Regions are kept: they are coarse enough to publish.
	Regions []string `yaml:"regions"`
	// Prefectures are redacted (without 北海道, which is kept as a region).
	Prefectures []string `yaml:"prefectures"`
	// Places are other place names that are redacted.
	Places []string `yaml:"places"`
	// Municipality describes municipality-like tokens (札幌市, 大手町).
	Municipality Municipality `yaml:"municipality"`
	// Equipment lists what looks like an equipment identifier but is not.
	Equipment Equipment `yaml:"equipment"`
}

// Municipality describes municipality-like tokens: up to MaxNameRunes kanji
// or katakana followed by one of Suffixes, unless a stop word covers the
// suffix.
type Municipality struct {
	Suffixes     []string `yaml:"suffixes"`
	MaxNameRunes int      `yaml:"max_name_runes"`
	StopWords    []string `yaml:"stop_words"`
}

// Equipment lists the tokens that have letters and digits but identify no
// equipment.
type Equipment struct {
	// Allow are whole terms (5G, IPv6, B2B).
	Allow []string `yaml:"allow"`
	// Units follow a number (24h, 10Gbps).
	Units []string `yaml:"units"`
	// Numbered are followed by a number (FY2023, No.3).
	Numbered []string `yaml:"numbered"`
}

// ParseRules reads and checks configs/anonymise.yaml. Unknown fields, empty
// or duplicate entries and entries that contradict each other are errors,
// each naming its field.
func ParseRules(data []byte) (*Rules, error) {
	var r Rules
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return nil, decodeError(err, data)
	}
	if p := r.validate(); len(p) > 0 {
		return nil, errors.New(strings.Join(p, "; "))
	}
	return &r, nil
}

// decodeError rewrites a YAML error so that each problem names its field:
// "prefectures: cannot unmarshal !!str `東京都` into []string (line 4)".
func decodeError(err error, data []byte) error {
	paths := fieldsByLine(data)
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:")
	var out []string
	for _, line := range strings.Split(msg, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		var n int
		if _, scanErr := fmt.Sscanf(line, "line %d:", &n); scanErr == nil && len(paths[n]) > 0 {
			rest := strings.TrimSpace(line[strings.Index(line, ":")+1:])
			path := paths[n][0]
			var field string
			if _, e := fmt.Sscanf(rest, "field %s not found", &field); e == nil {
				for _, p := range paths[n] {
					if p == field || strings.HasSuffix(p, "."+field) {
						path = p
					}
				}
			}
			line = fmt.Sprintf("%s: %s (line %d)", path, rest, n)
		}
		out = append(out, line)
	}
	return errors.New(strings.Join(out, "; "))
}

// fieldsByLine maps each line of a YAML document to the fields on it, the
// outermost first (brands, municipality.suffixes, prefectures[3]).
func fieldsByLine(data []byte) map[int][]string {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return nil
	}
	paths := map[int][]string{}
	note := func(line int, path string) {
		if path != "" && !slices.Contains(paths[line], path) {
			paths[line] = append(paths[line], path)
		}
	}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "." + p
				}
				note(n.Content[i].Line, p)
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				note(c.Line, p)
				walk(c, p)
			}
		}
		note(n.Line, path)
	}
	walk(&root, "")
	return paths
}

func (r *Rules) validate() []string {
	var p []string
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	if len(r.Brands) == 0 {
		bad("brands: at least one brand")
	}
	brandKeys := map[string]string{}
	for _, b := range sortedKeys(r.Brands) {
		at := fmt.Sprintf("brands[%q]", b)
		k := key(b)
		switch {
		case k == "":
			bad("%s: empty brand", at)
		case brandKeys[k] != "":
			bad("%s: same as brand %q once width, case and spaces are ignored", at, brandKeys[k])
		default:
			brandKeys[k] = b
		}
		if strings.TrimSpace(r.Brands[b]) == "" {
			bad("%s: organisation required", at)
		}
	}

	regions := words(r.Regions, "regions", true, bad)
	prefectures := words(r.Prefectures, "prefectures", true, bad)
	words(r.Places, "places", false, bad)
	for i, w := range r.Prefectures {
		if regions[key(w)] {
			bad("prefectures[%d]: %q is also a region; a region is kept, so list it only under regions", i, w)
		}
	}
	for i, w := range r.Places {
		k := key(w)
		if regions[k] {
			bad("places[%d]: %q is also a region; a region is kept, so list it only under regions", i, w)
		}
		if prefectures[k] {
			bad("places[%d]: %q is already listed under prefectures", i, w)
		}
	}

	m := r.Municipality
	if len(m.Suffixes) == 0 {
		bad("municipality.suffixes: at least one suffix")
	}
	suffix := map[rune]bool{}
	for i, s := range m.Suffixes {
		k := key(s)
		if utf8.RuneCountInString(k) != 1 {
			bad("municipality.suffixes[%d]: %q must be one character", i, s)
			continue
		}
		r, _ := utf8.DecodeRuneInString(k)
		if suffix[r] {
			bad("municipality.suffixes[%d]: %q listed twice", i, s)
		}
		suffix[r] = true
	}
	if m.MaxNameRunes < 1 || m.MaxNameRunes > 10 {
		bad("municipality.max_name_runes: must be 1–10, got %d", m.MaxNameRunes)
	}
	words(m.StopWords, "municipality.stop_words", false, bad)
	for i, w := range m.StopWords {
		if len(suffix) > 0 && !strings.ContainsFunc(key(w), func(r rune) bool { return suffix[r] }) {
			bad("municipality.stop_words[%d]: %q contains no suffix, so it would stop nothing", i, w)
		}
	}

	e := r.Equipment
	words(e.Allow, "equipment.allow", false, bad)
	for name, list := range map[string][]string{"equipment.units": e.Units, "equipment.numbered": e.Numbered} {
		words(list, name, false, bad)
		for i, w := range list {
			if k := key(w); k != "" && strings.IndexFunc(k, func(r rune) bool { return !isASCIILetter(r) }) >= 0 {
				bad("%s[%d]: %q must be ASCII letters only", name, i, w)
			}
		}
	}
	sort.Strings(p)
	return p
}

// words checks that a list has no empty or duplicate entry and returns the
// keys of its entries.
func words(list []string, field string, required bool, bad func(string, ...any)) map[string]bool {
	if required && len(list) == 0 {
		bad("%s: at least one entry", field)
	}
	seen := map[string]bool{}
	for i, w := range list {
		k := key(w)
		switch {
		case k == "":
			bad("%s[%d]: empty", field, i)
		case seen[k]:
			bad("%s[%d]: %q listed twice", field, i, w)
		}
		seen[k] = true
	}
	return seen
}

// Check reports what in the rules contradicts the organisation registry: a
// brand whose organisation is not a registry name, and a brand that is a
// name or alias of another organisation. The registry lives in the database
// and changes, so this is separate from ParseRules.
func (r *Rules) Check(orgs []Org) error {
	names := map[string]string{} // key of a registry name → the name
	owner := map[string]string{} // key of a name or alias → its organisation
	for _, o := range orgs {
		if k := key(o.Name); k != "" {
			names[k] = o.Name
			owner[k] = o.Name
		}
		for _, a := range o.Aliases {
			if k := key(a); k != "" {
				if _, taken := owner[k]; !taken {
					owner[k] = o.Name
				}
			}
		}
	}
	var p []string
	for _, b := range sortedKeys(r.Brands) {
		org := r.Brands[b]
		at := fmt.Sprintf("brands[%q]", b)
		name, ok := names[key(org)]
		switch {
		case ok && name != org:
			p = append(p, fmt.Sprintf("%s: the registry spells the organisation %q, not %q", at, name, org))
		case !ok && owner[key(org)] != "":
			p = append(p, fmt.Sprintf("%s: %q is an alias of %q; give the registry name", at, org, owner[key(org)]))
		case !ok:
			p = append(p, fmt.Sprintf("%s: organisation %q is not in the registry", at, org))
		}
		if o := owner[key(b)]; o != "" && ok && o != name {
			p = append(p, fmt.Sprintf("%s: the brand is a name of %q in the registry, not of %q", at, o, name))
		}
	}
	if len(p) > 0 {
		return errors.New("anonymisation rules and organisation registry disagree: " + strings.Join(p, "; "))
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
