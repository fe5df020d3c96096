package access

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"

	"kensho/internal/db"

	"kensho/policies"
)

// Control holds the one enforcer of a process. Build it once (in run) and
// pass it to whoever decides.
type Control struct {
	e   *casbin.SyncedEnforcer
	db  *gorm.DB
	log *slog.Logger
}

// New builds the enforcer from the embedded model and the policy stored in
// casbin_rule (which a migration creates; the adapter never migrates).
func New(ctx context.Context, gdb *gorm.DB, log *slog.Logger) (*Control, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := model.NewModelFromString(policies.Model)
	if err != nil {
		return nil, fmt.Errorf("access model: %w", err)
	}
	adb := gdb.Session(&gorm.Session{NewDB: true, Context: ctx})
	// The adapter would create or alter casbin_rule itself; the table is
	// the migration's (with columns the adapter does not know), so its
	// schema management is switched off. A test checks it stays so.
	gormadapter.TurnOffAutoMigrate(adb)
	a, err := gormadapter.NewAdapterByDB(adb)
	if err != nil {
		return nil, fmt.Errorf("access adapter: %w", err)
	}
	e, err := casbin.NewSyncedEnforcer(m, a)
	if err != nil {
		return nil, fmt.Errorf("access enforcer: %w", err)
	}
	e.AddFunction("memberOf", memberOf)
	c := &Control{e: e, db: gdb, log: log}
	if err := c.Reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// memberOf(x, list) is true when the string x is in the list of strings.
func memberOf(args ...any) (any, error) {
	if len(args) != 2 {
		return false, errors.New("memberOf takes 2 arguments")
	}
	x, _ := args[0].(string)
	switch l := args[1].(type) {
	case []string:
		return slices.Contains(l, x), nil
	case nil:
		return false, nil
	default:
		return false, fmt.Errorf("memberOf: list is %T", args[1])
	}
}

// Reload reads the policy again from the database: after this process
// changed a grant, or when another process announced a change.
func (c *Control) Reload() error {
	if err := c.e.LoadPolicy(); err != nil {
		return fmt.Errorf("access policy: %w", err)
	}
	return nil
}

// Can decides whether sub may act on the tier of case cs. Errors of the
// model deny (and are logged): deny by default.
func (c *Control) Can(sub Subject, cs CaseRef, tier Tier, act Action) bool {
	if sub.Key == "" {
		sub = Anonymous
	}
	ok, err := c.e.Enforce(sub, cs, string(tier), string(act))
	if err != nil {
		c.log.Error("access decision failed", "err", err, "sub", sub.Key, "case", cs.Key, "tier", tier, "act", act)
		return false
	}
	return ok
}

// CanSystem decides an action on a system object (the audit trail, users).
func (c *Control) CanSystem(sub Subject, obj Tier, act Action) bool {
	return c.Can(sub, System, obj, act)
}

// MayReceive is the LLM egress rule: may text of tier t be sent to the
// provider named provider?
func (c *Control) MayReceive(provider string, t Tier) bool {
	return c.Can(Subject{Key: "llm:" + provider}, System, t, Receive)
}

// HasRole reports whether sub holds role r, directly or through its
// organisation.
func (c *Control) HasRole(sub Subject, r Role) bool {
	for _, name := range []string{sub.Key, sub.Org} {
		if name == "" {
			continue
		}
		roles, err := c.e.GetImplicitRolesForUser(name)
		if err == nil && slices.Contains(roles, RoleKey(r)) {
			return true
		}
	}
	return false
}

// Roles are the roles sub holds, directly or through its organisation.
func (c *Control) Roles(sub Subject) []Role {
	var out []Role
	for _, name := range []string{sub.Key, sub.Org} {
		if name == "" {
			continue
		}
		roles, _ := c.e.GetImplicitRolesForUser(name)
		for _, r := range roles {
			if rest, ok := strings.CutPrefix(r, "role:"); ok && !slices.Contains(out, Role(rest)) {
				out = append(out, Role(rest))
			}
		}
	}
	return out
}

// IsDesignated reports whether organisation org takes part in restricted
// sharing (the registry's flag, recorded as org:N → role:designated).
func (c *Control) IsDesignated(org int64) bool {
	return c.HasRole(Subject{Key: OrgKey(org)}, Designated)
}

// SharedWith lists the organisations case id is shared with.
func (c *Control) SharedWith(id int64) []int64 {
	rules, _ := c.e.GetFilteredNamedGroupingPolicy("g2", 0, CaseKey(id))
	var out []int64
	for _, r := range rules {
		if len(r) > 1 {
			if n := idOf(strings.TrimPrefix(r[1], "share:"), "org:"); n != 0 {
				out = append(out, n)
			}
		}
	}
	return out
}

// sharedCases lists the cases shared with organisation org.
func (c *Control) sharedCases(org int64) []int64 {
	rules, _ := c.e.GetFilteredNamedGroupingPolicy("g2", 1, ShareKey(org))
	var out []int64
	for _, r := range rules {
		if n := idOf(r[0], "case:"); n != 0 {
			out = append(out, n)
		}
	}
	return out
}

// Listen reloads the policy whenever casbin_rule changes in any process
// (the table's trigger notifies kensho_policy), until ctx ends. It
// reconnects after failures; a missed notification is covered by a reload
// after each reconnect.
func (c *Control) Listen(ctx context.Context, url string) {
	db.Follow(ctx, url, "kensho_policy", "policy reload", c.log, func(context.Context) error { return c.Reload() })
}

// Text is a piece of text with the tier it comes from.
type Text struct {
	Tier Tier
	Text string
}

// Egress keeps the texts that may be sent to an LLM provider and names the
// tiers it held back. Callers build prompts only from what it returns.
func (c *Control) Egress(provider string, texts []Text) (allowed []Text, withheld []Tier) {
	for _, t := range texts {
		if c.MayReceive(provider, t.Tier) {
			allowed = append(allowed, t)
		} else if !slices.Contains(withheld, t.Tier) {
			withheld = append(withheld, t.Tier)
		}
	}
	return allowed, withheld
}
