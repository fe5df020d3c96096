package intake

import (
	"context"
	"slices"
	"strings"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/db"
)

// LinkRequest links case Other into the case it is sent to: one wholesale
// accident reported by the provider and by each customer.
type LinkRequest struct {
	Other int64 `json:"case_id"`
	// Role of Other's organisations in the joint case: wholesale_customer
	// (default) or wholesale_provider.
	Role   caseformat.Role `json:"role,omitempty"`
	Reason string          `json:"reason"`
}

// Link moves every report of case req.Other into case id and adds Other's
// organisations to id's operators; Other stays, marked merged, so that
// Split can restore it exactly. Each organisation keeps seeing its own
// reports only.
func (p *Portal) Link(ctx context.Context, sub access.Subject, id int64, req LinkRequest) (*casestore.Record, error) {
	if strings.TrimSpace(req.Reason) == "" {
		return nil, &InputError{Field: "reason", Code: "reason_required", Message: "say why these reports are one accident"}
	}
	if req.Role == "" {
		req.Role = caseformat.RoleWholesaleCustomer
	}
	if req.Role != caseformat.RoleWholesaleCustomer && req.Role != caseformat.RoleWholesaleProvider {
		return nil, &InputError{Field: "role", Code: "role", Message: `must be wholesale_customer or wholesale_provider; got "` + string(req.Role) + `"`}
	}
	if req.Other == id || req.Other == 0 {
		return nil, &InputError{Field: "case_id", Code: "link_self", Message: "name another case to link into this one"}
	}
	err := db.WithTx(ctx, p.DB.WithContext(ctx), func(tx *gorm.DB) error {
		if err := casestore.Lock(tx); err != nil {
			return err
		}
		target, err := p.secretariatCase(tx, sub, id, access.Committee, Link)
		if err != nil {
			return err
		}
		other, err := p.secretariatCase(tx, sub, req.Other, access.Committee, Link)
		if err == ErrNotFound || err == ErrForbidden {
			return &InputError{Field: "case_id", Code: "link_missing", Message: "no such case"}
		}
		if err != nil {
			return err
		}
		switch {
		case target.MergedInto != 0:
			return &InputError{Field: "case_id", Code: "link_merged", Message: "this case is itself linked into another; link into that one"}
		case other.MergedInto != 0:
			return &InputError{Field: "case_id", Code: "link_merged", Message: "that case is already linked into another case"}
		}
		var merged int64
		if err := tx.Raw(`SELECT count(*) FROM cases WHERE merged_into = ?`, other.ID).Scan(&merged).Error; err != nil {
			return err
		}
		if merged > 0 {
			return &InputError{Field: "case_id", Code: "link_merged", Message: "that case has cases linked into it; link this one into it instead"}
		}
		ops, orgs := slices.Clone(target.Case.Operators), slices.Clone(target.OrgIDs)
		for i, op := range other.Case.Operators {
			if slices.Contains(orgs, other.OrgIDs[i]) {
				continue
			}
			op.Role = req.Role
			ops, orgs = append(ops, op), append(orgs, other.OrgIDs[i])
		}
		if req.Role == caseformat.RoleWholesaleCustomer {
			for i := range ops[:len(target.Case.Operators)] {
				if ops[i].Role == caseformat.RoleReporter {
					ops[i].Role = caseformat.RoleWholesaleProvider
				}
			}
		}
		next := target.Case
		next.Operators = ops
		if err := p.rewriteOperators(ctx, tx, sub, target, next, orgs); err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE reports SET case_id = ? WHERE case_id = ?`, target.ID, other.ID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE amendment_flags SET case_id = ? WHERE case_id = ?`, target.ID, other.ID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE cases SET merged_into = ?, merged_reason = ?, updated_at = now() WHERE id = ?`, target.ID, req.Reason, other.ID).Error; err != nil {
			return err
		}
		if err := p.afterWrite(ctx, tx, target.ID, other.ID); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actorOf(sub), Action: audit.ActionLink, Object: access.CaseKey(target.ID), CaseID: target.ID,
			Detail: map[string]any{"linked": other.ID, "role": req.Role, "reason": req.Reason, "organisations": other.OrgIDs}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return casestore.Get(p.DB.WithContext(ctx), id)
}

// rewriteOperators saves the working copy of target with new operators,
// keeping its version history (operators change only by link and split).
func (p *Portal) rewriteOperators(ctx context.Context, tx *gorm.DB, sub access.Subject, target *casestore.Record, next caseformat.Case, orgs []int64) error {
	if err := saveRevisionIfMissing(tx, target.ID, target.Version, target.Case); err != nil {
		return err
	}
	if err := casestore.ReplaceCopy(tx, target.ID, next, "", orgs); err != nil {
		return err
	}
	return saveRevision(tx, "case", target.ID, target.Version+1, next, actorOf(sub))
}

// SplitRequest takes a linked case back out of the case it was linked into.
type SplitRequest struct {
	Other  int64  `json:"case_id"`
	Reason string `json:"reason"`
}

// Split undoes Link: the reports that came in with case req.Other go back
// to it, and its organisations leave id's operators unless they still have
// reports there.
func (p *Portal) Split(ctx context.Context, sub access.Subject, id int64, req SplitRequest) (*casestore.Record, error) {
	if strings.TrimSpace(req.Reason) == "" {
		return nil, &InputError{Field: "reason", Code: "reason_required", Message: "say why these reports are separate accidents"}
	}
	err := db.WithTx(ctx, p.DB.WithContext(ctx), func(tx *gorm.DB) error {
		if err := casestore.Lock(tx); err != nil {
			return err
		}
		target, err := p.secretariatCase(tx, sub, id, access.Committee, Link)
		if err != nil {
			return err
		}
		var mergedInto *int64
		if err := tx.Raw(`SELECT merged_into FROM cases WHERE id = ?`, req.Other).Scan(&mergedInto).Error; err != nil {
			return err
		}
		if mergedInto == nil || *mergedInto != target.ID {
			return &InputError{Field: "case_id", Code: "split_missing", Message: "that case is not linked into this one"}
		}
		if err := tx.Exec(`UPDATE reports SET case_id = ? WHERE case_id = ? AND origin_case_id = ?`, req.Other, target.ID, req.Other).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE amendment_flags f SET case_id = ? FROM reports r WHERE r.id = f.report_id AND r.origin_case_id = ? AND f.case_id = ?`,
			req.Other, req.Other, target.ID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE cases SET merged_into = NULL, merged_reason = '', updated_at = now() WHERE id = ?`, req.Other).Error; err != nil {
			return err
		}
		var remaining []int64
		if err := tx.Raw(`SELECT DISTINCT organisation_id FROM reports WHERE case_id = ? AND organisation_id IS NOT NULL`, target.ID).
			Scan(&remaining).Error; err != nil {
			return err
		}
		var otherOrgs []int64
		if err := tx.Raw(`SELECT organisation_id FROM case_operators WHERE case_id = ?`, req.Other).Scan(&otherOrgs).Error; err != nil {
			return err
		}
		var ops []caseformat.Operator
		var orgs []int64
		for i, op := range target.Case.Operators {
			o := target.OrgIDs[i]
			if slices.Contains(otherOrgs, o) && !slices.Contains(remaining, o) {
				continue
			}
			ops, orgs = append(ops, op), append(orgs, o)
		}
		if len(ops) == 0 {
			return &InputError{Field: "case_id", Code: "split_empty", Message: "splitting would leave this case without an operator"}
		}
		if len(ops) == 1 && ops[0].Role == caseformat.RoleWholesaleProvider {
			ops[0].Role = caseformat.RoleReporter
		}
		next := target.Case
		next.Operators = ops
		if err := p.rewriteOperators(ctx, tx, sub, target, next, orgs); err != nil {
			return err
		}
		if err := p.afterWrite(ctx, tx, target.ID, req.Other); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actorOf(sub), Action: audit.ActionSplit, Object: access.CaseKey(target.ID), CaseID: target.ID,
			Detail: map[string]any{"split": req.Other, "reason": req.Reason}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return casestore.Get(p.DB.WithContext(ctx), id)
}
