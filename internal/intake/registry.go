package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/db"
)

// Registry is the organisation registry file (configs/organisations.yaml).
type Registry struct {
	Organisations []RegistryEntry `yaml:"organisations"`
}

// RegistryEntry is one organisation and the other names it goes by.
type RegistryEntry struct {
	Name       string   `yaml:"name"`
	NameEN     string   `yaml:"name_en"`
	Designated bool     `yaml:"designated"`
	Aliases    []string `yaml:"aliases"`
}

// RegistryResult is what loading the registry changed.
type RegistryResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Aliases int `json:"aliases_added"`
}

// ParseRegistry reads and checks a registry file: every name and alias must
// be unique across the whole registry.
func ParseRegistry(data []byte) (*Registry, error) {
	var r Registry
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("organisation registry: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var problems []string
	owner := map[string]string{}
	for i, e := range r.Organisations {
		if strings.TrimSpace(e.Name) == "" {
			problems = append(problems, fmt.Sprintf("organisations[%d].name: required", i))
			continue
		}
		for j, n := range append([]string{e.Name}, e.Aliases...) {
			k := caseformat.NormalizeName(n)
			at := fmt.Sprintf("organisations[%d].name", i)
			if j > 0 {
				at = fmt.Sprintf("organisations[%d].aliases[%d]", i, j-1)
			}
			if k == "" {
				problems = append(problems, at+": empty")
				continue
			}
			if prev, dup := owner[k]; dup && prev != e.Name {
				problems = append(problems, fmt.Sprintf("%s: %q already names %q", at, n, prev))
			}
			owner[k] = e.Name
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("organisation registry:\n  %s", strings.Join(problems, "\n  "))
	}
	return &r, nil
}

// ErrRegistryConflict is returned when the registry would join names that
// already belong to different organisations with cases of their own.
var ErrRegistryConflict = errors.New("registry conflict")

// LoadRegistry brings the organisations in the database in line with the
// registry: it creates missing organisations, updates names and flags, and
// adds aliases. It never removes anything. It is idempotent.
func (s *Service) LoadRegistry(ctx context.Context, r *Registry) (RegistryResult, error) {
	var res RegistryResult
	err := db.WithTx(ctx, s.store.DB(), func(tx *gorm.DB) error {
		if err := casestore.Lock(tx); err != nil {
			return err
		}
		for _, e := range r.Organisations {
			names := append([]string{e.Name}, e.Aliases...)
			keys := make([]string, len(names))
			for i, n := range names {
				keys[i] = caseformat.NormalizeName(n)
			}
			var found []casestore.OrganisationName
			if err := tx.Where("name_key IN ?", keys).Find(&found).Error; err != nil {
				return err
			}
			orgIDs := map[int64][]string{}
			for _, f := range found {
				orgIDs[f.OrganisationID] = append(orgIDs[f.OrganisationID], f.Name)
			}
			if len(orgIDs) > 1 {
				var parts []string
				for id, ns := range orgIDs {
					parts = append(parts, fmt.Sprintf("organisation %d (%s)", id, strings.Join(ns, ", ")))
				}
				sort.Strings(parts)
				return fmt.Errorf("%w: the names of %q belong to different organisations: %s; merge them first",
					ErrRegistryConflict, e.Name, strings.Join(parts, "; "))
			}
			org := casestore.Organisation{Name: e.Name, NameEN: e.NameEN, Designated: e.Designated}
			if len(orgIDs) == 0 {
				if err := tx.Create(&org).Error; err != nil {
					return err
				}
				res.Created++
			} else {
				for id := range orgIDs {
					org.ID = id
				}
				upd := tx.Model(&casestore.Organisation{}).
					Where("id = ? AND (name <> ? OR name_en <> ? OR designated <> ?)", org.ID, e.Name, e.NameEN, e.Designated).
					Updates(map[string]any{"name": e.Name, "name_en": e.NameEN, "designated": e.Designated, "updated_at": gorm.Expr("now()")})
				if upd.Error != nil {
					return upd.Error
				}
				if upd.RowsAffected > 0 {
					res.Updated++
				}
			}
			// Designated-partner rights follow the flag: the grant is
			// written with it, in the same transaction.
			if e.Designated {
				if _, err := access.Grant(ctx, tx, access.NewRule(access.SourceRegistry, "registry", "designated public institution",
					"g", access.OrgKey(org.ID), access.RoleKey(access.Designated))); err != nil {
					return err
				}
			} else if _, err := access.Revoke(ctx, tx, "g", access.OrgKey(org.ID), access.RoleKey(access.Designated)); err != nil {
				return err
			}
			have := map[string]bool{}
			for _, f := range found {
				have[f.NameKey] = true
			}
			for i, n := range names {
				if have[keys[i]] {
					continue
				}
				have[keys[i]] = true
				if err := tx.Create(&casestore.OrganisationName{NameKey: keys[i], OrganisationID: org.ID, Name: n, IsAlias: i > 0}).Error; err != nil {
					return err
				}
				if i > 0 {
					res.Aliases++
				}
			}
		}
		if res.Created+res.Updated+res.Aliases == 0 {
			return nil
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: s.actor, Action: audit.ActionRegistry, Object: "organisations",
			Detail: map[string]any{"created": res.Created, "updated": res.Updated, "aliases_added": res.Aliases}})
		return err
	})
	return res, err
}
