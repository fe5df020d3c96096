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
	var allow, deny []Clause
	for _, p := range policy {
		if len(p) < 5 || !slices.Contains(names, p[0]) ||
			(p[2] != "*" && p[2] != string(t)) || (p[3] != "*" && p[3] != string(act)) {
			continue
		}
		cl := caseClause(sub, p[1])
		if p[4] == "deny" {
			deny = append(deny, cl)
		} else if p[4] == "allow" {
			allow = append(allow, cl)
		}
	}
	return And(Or(allow...), Not(Or(deny...)))
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
