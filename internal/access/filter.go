package access

import (
	"fmt"
	"slices"
	"strings"
)

// Clause is a piece of SQL with its ? arguments, for gorm's Where.
type Clause struct {
	SQL  string
	Args []any
	// or holds the terms of a clause built by Or, so that nested Ors
	// flatten and repeated terms are written once.
	or []Clause
}

// True and False are the constant clauses.
var (
	True  = Clause{SQL: "TRUE"}
	False = Clause{SQL: "FALSE"}
)

// Or joins clauses with OR, simplifying constants.
func Or(cs ...Clause) Clause {
	var parts []Clause
	for _, c := range cs {
		switch c.SQL {
		case "TRUE":
			return True
		case "FALSE", "":
			continue
		}
		if c.or != nil {
			parts = append(parts, c.or...)
		} else {
			parts = append(parts, c)
		}
	}
	out := join(parts, " OR ", False)
	if len(parts) > 1 {
		out.or = parts
	}
	return out
}

// And joins clauses with AND, simplifying constants.
func And(cs ...Clause) Clause {
	var parts []Clause
	for _, c := range cs {
		switch c.SQL {
		case "FALSE":
			return False
		case "TRUE", "":
			continue
		}
		parts = append(parts, c)
	}
	return join(parts, " AND ", True)
}

// Not negates a clause.
func Not(c Clause) Clause {
	switch c.SQL {
	case "TRUE":
		return False
	case "FALSE":
		return True
	}
	return Clause{SQL: "NOT (" + c.SQL + ")", Args: c.Args}
}

func join(parts []Clause, op string, empty Clause) Clause {
	// The same condition reached by two grants is written once.
	seen := map[string]bool{}
	uniq := parts[:0:0]
	for _, p := range parts {
		k := fmt.Sprint(p.SQL, p.Args)
		if !seen[k] {
			seen[k] = true
			uniq = append(uniq, p)
		}
	}
	parts = uniq
	switch len(parts) {
	case 0:
		return empty
	case 1:
		return parts[0]
	}
	var sb strings.Builder
	var args []any
	for i, p := range parts {
		if i > 0 {
			sb.WriteString(op)
		}
		sb.WriteString("(" + p.SQL + ")")
		args = append(args, p.Args...)
	}
	return Clause{SQL: sb.String(), Args: args}
}

// Filter is the SQL condition, on a cases row aliased c, that holds exactly
// for the cases whose tier t sub may act on. It is derived from the same
// policy lines the enforcer uses (tests check the two agree case by case),
// so a list never loads a row it would have to hide.
func (c *Control) Filter(sub Subject, t Tier, act Action) Clause {
	allow, deny := c.lines(sub, t, act)
	var al, dl []Clause
	for _, p := range allow {
		al = append(al, caseClause(sub, p))
	}
	for _, p := range deny {
		dl = append(dl, caseClause(sub, p))
	}
	return And(Or(al...), Not(Or(dl...)))
}

// lines are the case patterns of the policy lines that allow and deny sub
// to act on tier t.
func (c *Control) lines(sub Subject, t Tier, act Action) (allow, deny []string) {
	if sub.Key == "" {
		sub = Anonymous
	}
	names := []string{"anyone", sub.Key}
	for _, n := range []string{sub.Key, sub.Org} {
		if n == "" {
			continue
		}
		if n == sub.Org {
			names = append(names, n)
		}
		roles, _ := c.e.GetImplicitRolesForUser(n)
		names = append(names, roles...)
	}
	policy, _ := c.e.GetPolicy()
	for _, p := range policy {
		if len(p) < 5 || !slices.Contains(names, p[0]) ||
			(p[2] != "*" && p[2] != string(t)) || (p[3] != "*" && p[3] != string(act)) {
			continue
		}
		if p[4] == "deny" {
			deny = append(deny, p[1])
		} else if p[4] == "allow" {
			allow = append(allow, p[1])
		}
	}
	return allow, deny
}

// Scope is Filter in a form code evaluates without the database: the
// similarity index decides, section by section and in memory, which cases
// a caller reads. A case is in scope when an allow matches it and no deny
// does.
type Scope struct {
	// AllowAll: every case, unless denied.
	AllowAll bool
	// AllowOrgs: the cases in which one of these is an operator ("own").
	AllowOrgs []int64
	// AllowCases: the cases shared with the caller's organisation.
	AllowCases map[int64]bool
	// DenyAll, DenyOrgs, DenyCases: the same, denying.
	DenyAll   bool
	DenyOrgs  []int64
	DenyCases map[int64]bool
}

// Scope is the cases whose tier t sub may act on, as data.
func (c *Control) Scope(sub Subject, t Tier, act Action) Scope {
	allow, deny := c.lines(sub, t, act)
	var s Scope
	for _, p := range allow {
		c.addPattern(sub, p, &s.AllowAll, &s.AllowOrgs, &s.AllowCases)
	}
	for _, p := range deny {
		c.addPattern(sub, p, &s.DenyAll, &s.DenyOrgs, &s.DenyCases)
	}
	return s
}

// addPattern is caseClause for Scope.
func (c *Control) addPattern(sub Subject, pattern string, all *bool, orgs *[]int64, cases *map[int64]bool) {
	switch {
	case pattern == "*":
		*all = true
	case pattern == "own":
		if org := sub.OrgID(); org != 0 {
			*orgs = append(*orgs, org)
		}
	case pattern == "shared":
		if org := sub.OrgID(); org != 0 {
			if *cases == nil {
				*cases = map[int64]bool{}
			}
			for _, id := range c.sharedCases(org) {
				(*cases)[id] = true
			}
		}
	case strings.HasPrefix(pattern, "owner:org:"):
		if org := idOf(strings.TrimPrefix(pattern, "owner:"), "org:"); org != 0 {
			*orgs = append(*orgs, org)
		}
	}
}

// HoldsOrg reports whether an object of organisation org alone (its
// quarterly reports, quarterly.Ref) is in scope.
func (s Scope) HoldsOrg(org int64) bool {
	allow := s.AllowAll || slices.Contains(s.AllowOrgs, org)
	return allow && !s.DenyAll && !slices.Contains(s.DenyOrgs, org)
}

// Nothing reports whether the scope holds no case at all.
func (s Scope) Nothing() bool {
	return s.DenyAll || !s.AllowAll && len(s.AllowOrgs) == 0 && len(s.AllowCases) == 0
}

// Everything reports whether the scope holds every case.
func (s Scope) Everything() bool {
	return s.AllowAll && !s.DenyAll && len(s.DenyOrgs) == 0 && len(s.DenyCases) == 0
}

// Holds reports whether case id, whose operators are orgs, is in scope.
func (s Scope) Holds(id int64, orgs []int64) bool {
	in := func(all bool, os []int64, cs map[int64]bool) bool {
		if all || cs[id] {
			return true
		}
		for _, o := range orgs {
			if slices.Contains(os, o) {
				return true
			}
		}
		return false
	}
	return in(s.AllowAll, s.AllowOrgs, s.AllowCases) && !in(s.DenyAll, s.DenyOrgs, s.DenyCases)
}

// caseClause translates a policy line's case pattern (see model.conf).
func caseClause(sub Subject, pattern string) Clause {
	switch {
	case pattern == "*":
		return True
	case pattern == "own":
		if org := sub.OrgID(); org != 0 {
			return operatorClause(org)
		}
		return False
	case pattern == "shared":
		if org := sub.OrgID(); org != 0 {
			return Clause{
				SQL:  "c.id IN (SELECT substr(cr.v0, 6)::bigint FROM casbin_rule cr WHERE cr.ptype = 'g2' AND cr.v1 = ? AND cr.v0 LIKE 'case:%')",
				Args: []any{ShareKey(org)},
			}
		}
		return False
	case strings.HasPrefix(pattern, "owner:org:"):
		if org := idOf(strings.TrimPrefix(pattern, "owner:"), "org:"); org != 0 {
			return operatorClause(org)
		}
	}
	// A pattern this code does not know matches nothing when it allows and
	// everything when it denies: the safe side either way is handled by
	// policy load refusing such lines.
	return False
}

func operatorClause(org int64) Clause {
	return Clause{
		// Uncorrelated, so that PostgreSQL hashes the organisation's cases
		// once (from the organisation index) instead of probing per row.
		SQL:  "c.id IN (SELECT co.case_id FROM case_operators co WHERE co.organisation_id = ?)",
		Args: []any{org},
	}
}
