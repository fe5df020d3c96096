package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"kensho/internal/caseformat"
)

// Catalog is every rule set and near-miss rule set, validated.
type Catalog struct {
	sets     map[string]*RuleSet
	ordered  []*RuleSet
	nearMiss map[string]*NearMissRules
	nmDated  []*NearMissRules
}

// LoadError lists every problem found in the rule files.
type LoadError struct{ Problems []string }

func (e *LoadError) Error() string {
	return "invalid rule sets:\n  " + strings.Join(e.Problems, "\n  ")
}

// Load reads rules/*.yaml and nearmiss/*.yaml from fsys and validates them
// all, reporting every problem with its file and field.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{sets: map[string]*RuleSet{}, nearMiss: map[string]*NearMissRules{}}
	var problems []string
	bad := func(file, format string, args ...any) {
		problems = append(problems, file+": "+fmt.Sprintf(format, args...))
	}
	nmFiles, err := fs.Glob(fsys, "nearmiss/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, f := range nmFiles {
		var nm NearMissRules
		if err := decodeStrict(fsys, f, &nm); err != nil {
			bad(f, "%v", err)
			continue
		}
		for _, p := range validateNearMiss(&nm, strings.TrimSuffix(path.Base(f), ".yaml")) {
			bad(f, "%s", p)
		}
		c.nearMiss[nm.ID] = &nm
	}
	files, err := fs.Glob(fsys, "rules/*.yaml")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		problems = append(problems, "no rule sets found (expected rules/*.yaml)")
	}
	for _, f := range files {
		var rs RuleSet
		if err := decodeStrict(fsys, f, &rs); err != nil {
			bad(f, "%v", err)
			continue
		}
		for _, p := range validateRuleSet(&rs, strings.TrimSuffix(path.Base(f), ".yaml")) {
			bad(f, "%s", p)
		}
		if rs.NearMiss != "" && rs.NearMiss != "none" && c.nearMiss[rs.NearMiss] == nil {
			bad(f, "near_miss: no near-miss rules %q in nearmiss/", rs.NearMiss)
		}
		c.sets[rs.ID] = &rs
	}
	if len(problems) > 0 {
		return nil, &LoadError{Problems: problems}
	}
	for _, rs := range c.sets {
		c.ordered = append(c.ordered, rs)
	}
	sort.Slice(c.ordered, func(i, j int) bool { return lessRuleSet(c.ordered[i], c.ordered[j]) })
	for _, nm := range c.nearMiss {
		if nm.InForceFrom != nil {
			c.nmDated = append(c.nmDated, nm)
		}
	}
	sort.Slice(c.nmDated, func(i, j int) bool { return c.nmDated[i].InForceFrom.Before(c.nmDated[j].InForceFrom.Time) })
	return c, nil
}

// lessRuleSet orders dated rule sets by date, then proposals, then foreign.
func lessRuleSet(a, b *RuleSet) bool {
	rank := func(r *RuleSet) int {
		switch {
		case r.InForceFrom != nil:
			return 0
		case r.Status == StatusProposal:
			return 1
		default:
			return 2
		}
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra < rb
	}
	if a.InForceFrom != nil && !a.InForceFrom.Equal(b.InForceFrom.Time) {
		return a.InForceFrom.Before(b.InForceFrom.Time)
	}
	return a.ID < b.ID
}

func decodeStrict(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, "unmarshal errors:")
		return errors.New(strings.Join(strings.Fields(msg), " "))
	}
	return nil
}

func validateRuleSet(rs *RuleSet, base string) []string {
	var p []string
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if rs.ID == "" {
		bad("id: required")
	} else if rs.ID != base {
		bad("id: %q must match the file name %q", rs.ID, base+".yaml")
	}
	if rs.Title == "" {
		bad("title: required")
	}
	switch rs.Status {
	case StatusInForce, StatusSuperseded:
		if rs.InForceFrom == nil {
			bad("in_force_from: required for status %s", rs.Status)
		}
	case StatusProposal, StatusForeign:
		if rs.InForceFrom != nil {
			bad("in_force_from: must be empty for status %s (it is never chosen by date)", rs.Status)
		}
	default:
		bad("status: must be one of in_force, superseded, proposal, foreign; got %q", rs.Status)
	}
	if d := rs.DeemedUsers; d != nil && (d.StoppedCapacityOverGbps <= 0 || d.Users <= 0) {
		bad("deemed_users: stopped_capacity_over_gbps and users must be > 0")
	}
	if cf := rs.CriticalFacility; cf != nil && cf.AllTrafficDownMinutes <= 0 {
		bad("critical_facility.all_traffic_down_minutes: must be > 0")
	}
	if q := rs.Quarterly; q != nil {
		if len(q.AnyOf) == 0 {
			bad("quarterly.any_of: at least one threshold")
		}
		for i, t := range q.AnyOf {
			if t.Minutes <= 0 && t.Users <= 0 && t.Share <= 0 {
				bad("quarterly.any_of[%d]: needs minutes, users or share", i)
			}
			p = append(p, validateThreshold(t, fmt.Sprintf("quarterly.any_of[%d]", i), false)...)
		}
	}
	if len(rs.Categories) == 0 {
		bad("categories: at least one category")
	}
	ids := map[string]bool{}
	for i, c := range rs.Categories {
		at := fmt.Sprintf("categories[%d]", i)
		if c.ID == "" {
			bad("%s.id: required", at)
		} else if ids[c.ID] {
			bad("%s.id: %q used twice", at, c.ID)
		}
		ids[c.ID] = true
		if c.Name == "" {
			bad("%s.name: required", at)
		}
		if len(c.Services) == 0 {
			bad("%s.services: at least one service", at)
		}
		for j, s := range c.Services {
			if !slices.Contains(caseformat.Services, s) {
				bad("%s.services[%d]: unknown service %q (one of %v)", at, j, s, caseformat.Services)
			}
		}
		if c.CountUnit != "" && !slices.Contains(caseformat.UserUnits, c.CountUnit) {
			bad("%s.count_unit: unknown unit %q", at, c.CountUnit)
		}
		if w := c.When; w != nil && w.AllOperatorsRole != "" && !slices.Contains(caseformat.Roles, w.AllOperatorsRole) {
			bad("%s.when.all_operators_role: unknown role %q", at, w.AllOperatorsRole)
		}
		if len(c.Serious) == 0 && len(c.Products) == 0 && !c.NotReportable {
			bad("%s: no thresholds; give serious or products, or mark it not_reportable", at)
		}
		if c.NotReportable && (len(c.Serious) > 0 || len(c.Products) > 0) {
			bad("%s: not_reportable with thresholds", at)
		}
		for j, t := range c.Serious {
			p = append(p, validateThreshold(t, fmt.Sprintf("%s.serious[%d]", at, j), true)...)
		}
		for j, pr := range c.Products {
			if pr.UserHours <= 0 {
				bad("%s.products[%d].user_hours: must be > 0", at, j)
			}
		}
	}
	return p
}

func validateThreshold(t Threshold, at string, serious bool) []string {
	var p []string
	if t.Minutes < 0 || t.Users < 0 || t.Share < 0 {
		p = append(p, at+": minutes, users and share must not be negative")
	}
	if t.Users > 0 && t.Share > 0 {
		p = append(p, at+": give users or share, not both")
	}
	if t.StrictShare && t.Share <= 0 {
		p = append(p, at+": strict_share without share")
	}
	if t.Share > 1 {
		p = append(p, fmt.Sprintf("%s.share: a fraction of subscribers (0.25 = 25 %%), got %g", at, t.Share))
	}
	if serious && (t.Minutes <= 0 || (t.Users <= 0 && t.Share <= 0)) {
		p = append(p, at+": a serious threshold needs minutes and users (or share)")
	}
	return p
}

func validateNearMiss(nm *NearMissRules, base string) []string {
	var p []string
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if nm.ID != base {
		bad("id: %q must match the file name %q", nm.ID, base+".yaml")
	}
	switch nm.Status {
	case StatusInForce, StatusSuperseded:
		if nm.InForceFrom == nil {
			bad("in_force_from: required for status %s", nm.Status)
		}
	case StatusProposal:
		if nm.InForceFrom != nil {
			bad("in_force_from: must be empty for a proposal")
		}
	default:
		bad("status: must be one of in_force, superseded, proposal; got %q", nm.Status)
	}
	seen := map[string]bool{}
	for i, s := range nm.Situations {
		at := fmt.Sprintf("situations[%d]", i)
		if !slices.Contains(caseformat.NearMissSituations, s.Situation) {
			bad("%s.situation: unknown situation %q (one of %v)", at, s.Situation, caseformat.NearMissSituations)
		}
		if seen[s.Situation] {
			bad("%s.situation: %q given twice", at, s.Situation)
		}
		seen[s.Situation] = true
		if len(s.Rules) == 0 {
			bad("%s.rules: at least one rule", at)
		}
		for j, r := range s.Rules {
			rat := fmt.Sprintf("%s.rules[%d]", at, j)
			if r.Reason == "" {
				bad("%s.reason: required", rat)
			}
			for fact, v := range r.When {
				typ, ok := caseformat.NearMissFacts[fact]
				if !ok {
					bad("%s.when.%s: unknown fact", rat, fact)
					continue
				}
				switch v.(type) {
				case bool:
					if typ != "bool" {
						bad("%s.when.%s: must be a %s", rat, fact, typ)
					}
				case string:
					if typ != "string" {
						bad("%s.when.%s: must be a %s", rat, fact, typ)
					}
				default:
					bad("%s.when.%s: must be a %s", rat, fact, typ)
				}
			}
		}
	}
	return p
}

// RuleSets returns every rule set: dated ones by date, then proposals, then
// foreign regimes.
func (c *Catalog) RuleSets() []*RuleSet { return slices.Clone(c.ordered) }

// NearMissRuleSets returns every near-miss rule set by id.
func (c *Catalog) NearMissRuleSets() []*NearMissRules {
	out := make([]*NearMissRules, 0, len(c.nearMiss))
	for _, nm := range c.nearMiss {
		out = append(out, nm)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ErrUnknownRuleSet is returned for a rule-set id the catalog lacks.
type ErrUnknownRuleSet struct {
	ID    string
	Known []string
}

func (e *ErrUnknownRuleSet) Error() string {
	return fmt.Sprintf("unknown rule set %q; known: %s", e.ID, strings.Join(e.Known, ", "))
}

// ErrNoRuleSetInForce is returned for a date before the first rule set.
type ErrNoRuleSetInForce struct{ Date string }

func (e *ErrNoRuleSetInForce) Error() string {
	return fmt.Sprintf("no rule set was in force on %s", e.Date)
}

// Get returns a rule set by id.
func (c *Catalog) Get(id string) (*RuleSet, error) {
	if rs, ok := c.sets[id]; ok {
		return rs, nil
	}
	known := make([]string, len(c.ordered))
	for i, rs := range c.ordered {
		known[i] = rs.ID
	}
	return nil, &ErrUnknownRuleSet{ID: id, Known: known}
}

// InForceOn returns the rule set in force at t (its JST date): the latest
// one whose in-force date is on or before it.
func (c *Catalog) InForceOn(t time.Time) (*RuleSet, error) {
	var found *RuleSet
	for _, rs := range c.ordered {
		if rs.InForceFrom != nil && !rs.InForceFrom.After(t) {
			found = rs
		}
	}
	if found == nil {
		return nil, &ErrNoRuleSetInForce{Date: dateJST(t)}
	}
	return found, nil
}

// nearMissInForceOn returns the near-miss rules in force at t, or nil.
func (c *Catalog) nearMissInForceOn(t time.Time) *NearMissRules {
	var found *NearMissRules
	for _, nm := range c.nmDated {
		if !nm.InForceFrom.After(t) {
			found = nm
		}
	}
	return found
}
