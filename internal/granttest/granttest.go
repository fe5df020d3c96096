// Package granttest gives tests a fresh database with what access
// decisions stand on: the shipped policy and the organisation registry
// (with its designated flags), loaded through the same code as
// `kensho policy load` and `kensho orgs load`.
package granttest

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/casestore"
	"kensho/internal/dbtest"
	"kensho/internal/intake"
	"kensho/policies"
)

// New is a fresh migrated database with the policy loaded, and its URL.
// With registry, the organisation registry is loaded too.
func New(tb testing.TB, registry bool) (*gorm.DB, string) {
	tb.Helper()
	gdb, dbURL := dbtest.New(tb)
	ctx := context.Background()
	rules, err := access.ParsePolicy(policies.Policy)
	if err == nil {
		_, _, err = access.LoadPolicy(ctx, gdb, rules, "test")
	}
	if err != nil {
		tb.Fatalf("granttest: policy: %v", err)
	}
	if !registry {
		return gdb, dbURL
	}
	data, err := configs.FS.ReadFile("organisations.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	reg, err := intake.ParseRegistry(data)
	if err == nil {
		_, err = intake.New(casestore.New(gdb), nil).LoadRegistry(ctx, reg)
	}
	if err != nil {
		tb.Fatalf("granttest: registry: %v", err)
	}
	return gdb, dbURL
}
