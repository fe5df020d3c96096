package access

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Rule is one line of casbin_rule with its provenance.
type Rule struct {
	ID        int64
	Ptype     string
	V0        string
	V1        string
	V2        string
	V3        string
	V4        string
	V5        string
	Source    string
	CreatedBy string
	CreatedAt time.Time
	Reason    string
}

// TableName is the Casbin table.
func (Rule) TableName() string { return "casbin_rule" }

// Values are the rule's fields after the type, without trailing blanks.
func (r Rule) Values() []string {
	v := []string{r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
	for len(v) > 0 && v[len(v)-1] == "" {
		v = v[:len(v)-1]
	}
	return v
}

// The sources of rules: who owns a line of casbin_rule.
const (
	SourcePolicy   = "policy"
	SourceUser     = "user"
	SourceRegistry = "registry"
	SourceShare    = "share"
)

// NewRule builds a rule of type ptype from its values.
func NewRule(source, by, reason, ptype string, v ...string) Rule {
	r := Rule{Ptype: ptype, Source: source, CreatedBy: by, Reason: reason}
	dst := []*string{&r.V0, &r.V1, &r.V2, &r.V3, &r.V4, &r.V5}
	for i, s := range v {
		*dst[i] = s
	}
	return r
}

// PolicyError lists what is wrong with a policy file, line by line.
type PolicyError struct{ Problems []string }

func (e *PolicyError) Error() string {
	return "policy: " + strings.Join(e.Problems, "; ")
}

// ParsePolicy reads policy lines (CSV; # comments) and checks each: only p
// lines, five fields, a known case pattern, tier and action, and allow or
// deny. Grants to users, organisations and cases are not policy: they are
// written by the commands that own them.
func ParsePolicy(text string) ([]Rule, error) {
	var out []Rule
	var problems []string
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := csv.NewReader(strings.NewReader(line))
		r.TrimLeadingSpace = true
		f, err := r.Read()
		if err != nil && !errors.Is(err, io.EOF) {
			problems = append(problems, fmt.Sprintf("line %d: %v", i+1, err))
			continue
		}
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		if msg := checkPolicyLine(f); msg != "" {
			problems = append(problems, fmt.Sprintf("line %d: %s", i+1, msg))
			continue
		}
		out = append(out, NewRule(SourcePolicy, "", "", "p", f[1:]...))
	}
	if len(problems) > 0 {
		return nil, &PolicyError{Problems: problems}
	}
	return out, nil
}

var knownActions = []Action{Read, Write, Share, Approve, Publish, Manage, Receive, Submit, Validate, Link, Consult, Answer}

func checkPolicyLine(f []string) string {
	if len(f) != 6 || f[0] != "p" {
		return "want: p, subject, case, tier, action, allow|deny"
	}
	sub, cs, tier, act, eft := f[1], f[2], f[3], f[4], f[5]
	switch {
	case sub == "":
		return "subject is empty"
	case !(cs == "*" || cs == "own" || cs == "shared" || (strings.HasPrefix(cs, "owner:") && idOf(strings.TrimPrefix(cs, "owner:"), "org:") != 0)):
		return fmt.Sprintf("case %q: want *, own, shared or owner:org:N", cs)
	case tier != "*" && !Tier(tier).Valid():
		return fmt.Sprintf("tier %q is unknown", tier)
	case act != "*" && !slices.Contains(knownActions, Action(act)) && !isReviewAction(Action(act)):
		return fmt.Sprintf("action %q is unknown", act)
	case eft != "allow" && eft != "deny":
		return fmt.Sprintf("effect %q: want allow or deny", eft)
	}
	return ""
}

// LoadPolicy replaces the policy lines of casbin_rule with rules, in one
// transaction, leaving users', registry and share lines alone. It returns
// how many lines were added and removed.
func LoadPolicy(ctx context.Context, tx *gorm.DB, rules []Rule, by string) (added, removed int, err error) {
	var old []Rule
	if err := tx.WithContext(ctx).Where("source = ?", SourcePolicy).Find(&old).Error; err != nil {
		return 0, 0, err
	}
	key := func(r Rule) string { return r.Ptype + "\x00" + strings.Join(r.Values(), "\x00") }
	want := map[string]Rule{}
	for _, r := range rules {
		r.CreatedBy = by
		want[key(r)] = r
	}
	have := map[string]bool{}
	for _, r := range old {
		have[key(r)] = true
		if _, ok := want[key(r)]; !ok {
			if err := tx.WithContext(ctx).Delete(&Rule{}, r.ID).Error; err != nil {
				return 0, 0, err
			}
			removed++
		}
	}
	for k, r := range want {
		if have[k] {
			continue
		}
		if err := tx.WithContext(ctx).Omit("ID", "CreatedAt").Create(&r).Error; err != nil {
			return 0, 0, fmt.Errorf("policy line %s: %w", strings.Join(r.Values(), ", "), err)
		}
		added++
	}
	return added, removed, nil
}

// Grant adds a rule if it is not there yet; it reports whether it added one.
func Grant(ctx context.Context, tx *gorm.DB, r Rule) (bool, error) {
	res := tx.WithContext(ctx).Exec(`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, v5, source, created_by, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ptype, v0, v1, v2, v3, v4, v5) DO NOTHING`,
		r.Ptype, r.V0, r.V1, r.V2, r.V3, r.V4, r.V5, r.Source, r.CreatedBy, r.Reason)
	return res.RowsAffected > 0, res.Error
}

// Revoke removes the rule with these values; it reports whether it was there.
func Revoke(ctx context.Context, tx *gorm.DB, ptype string, v ...string) (*Rule, error) {
	r := NewRule("", "", "", ptype, v...)
	var found Rule
	err := tx.WithContext(ctx).Where("ptype = ? AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ? AND v4 = ? AND v5 = ?",
		r.Ptype, r.V0, r.V1, r.V2, r.V3, r.V4, r.V5).First(&found).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &found, tx.WithContext(ctx).Delete(&Rule{}, found.ID).Error
}
