package casefile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/redact"
)

// Service answers what callers ask of cases.
type Service struct {
	DB     *gorm.DB
	Access *access.Control
	// Redaction is configs/anonymise.yaml, parsed.
	Redaction *redact.Rules
	Log       *slog.Logger
}

// Errors the transports map to status codes (in one place each).
var (
	// ErrNotFound: no such case, or one the caller may not see (the
	// caller cannot tell which).
	ErrNotFound = errors.New("case not found")
	// ErrForbidden: the caller sees the case but may not do this.
	ErrForbidden = errors.New("not allowed on this case")
	// ErrConflict: the record changed since the caller read it.
	ErrConflict = errors.New("changed by someone else since you loaded it")
)

// InputError is a problem with what the caller sent, naming the field.
type InputError struct {
	Field string `json:"field"`
	// Code names the problem for pages that say it in the reader's
	// language; Message says it in English for API clients.
	Code    string `json:"-"`
	Message string `json:"message"`
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// LeakError is a public text that still names an organisation or brand.
type LeakError struct {
	Text  string
	Leaks []redact.Leak
}

func (e *LeakError) Error() string {
	return "the text still identifies an operator: " + redact.FormatLeaks(e.Text, e.Leaks)
}

// load reads a case and what its view needs.
func (s *Service) load(ctx context.Context, id int64) (*casestore.Record, facts, error) {
	db := s.DB.WithContext(ctx)
	rec, err := casestore.Get(db, id)
	if errors.Is(err, casestore.ErrNotFound) {
		return nil, facts{}, ErrNotFound
	}
	if err != nil {
		return nil, facts{}, err
	}
	var f facts
	var sums []summaryRow
	if err := db.Where("case_id = ?", id).Limit(1).Find(&sums).Error; err != nil {
		return nil, f, err
	}
	if len(sums) == 1 {
		f.summary = &sums[0]
	}
	if f.shares, err = s.shares(ctx, id); err != nil {
		return nil, f, err
	}
	if err := db.Raw(`SELECT section, tier, raised_by AS "by", raised_at AS "at", reason FROM case_tier_raises
		WHERE case_id = ? ORDER BY section`, id).Scan(&f.raises).Error; err != nil {
		return nil, f, err
	}
	return rec, f, nil
}

// view loads case id as sub may see it; ErrNotFound if sub sees nothing.
func (s *Service) view(ctx context.Context, sub access.Subject, id int64) (*View, *casestore.Record, error) {
	rec, f, err := s.load(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	v := build(s.Access, sub, rec, f)
	if v.Empty() {
		return nil, nil, ErrNotFound
	}
	return v, rec, nil
}

// ViewRecord is case id as sub may see it with the stored record behind
// it, without recording a read: for domain services that decide on a case
// (package review) and audit what they show themselves. ErrNotFound when
// sub sees nothing of it.
func (s *Service) ViewRecord(ctx context.Context, sub access.Subject, id int64) (*View, *casestore.Record, error) {
	return s.view(ctx, sub, id)
}

// Get returns case id as sub may see it. Reading restricted, own or
// committee material is audited.
func (s *Service) Get(ctx context.Context, sub access.Subject, id int64) (*View, error) {
	v, _, err := s.view(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if tiers := sensitive(v); len(tiers) > 0 {
		if err := audit.Record(ctx, s.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead,
			Object: access.CaseKey(id), CaseID: id, Detail: map[string]any{"tiers": tiers}}); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// sensitive lists the tiers of v whose reading is audited.
func sensitive(v *View) []access.Tier {
	var out []access.Tier
	for _, t := range v.Tiers() {
		if t == access.Restricted || t == access.Committee || t == access.Own {
			if len(out) == 0 || out[len(out)-1] != t {
				out = append(out, t)
			}
		}
	}
	return out
}

func actor(sub access.Subject) string {
	if sub.Key == "" {
		return access.Anonymous.Key
	}
	return sub.Key
}

// shares lists the organisations case id is shared with, from casbin_rule
// (the one record of grants), with who shared, when and why.
func (s *Service) shares(ctx context.Context, id int64) ([]Share, error) {
	var rows []struct {
		V1        string
		CreatedBy string
		CreatedAt time.Time
		Reason    string
		Name      string
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT r.v1, r.created_by, r.created_at, r.reason, coalesce(o.name, '') AS name
		FROM casbin_rule r LEFT JOIN organisations o ON 'share:org:' || o.id = r.v1
		WHERE r.ptype = 'g2' AND r.v0 = ? ORDER BY r.created_at, r.id`, access.CaseKey(id)).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Share, 0, len(rows))
	for _, r := range rows {
		org := access.Subject{Org: strings.TrimPrefix(r.V1, "share:")}.OrgID()
		out = append(out, Share{OrgID: org, Org: r.Name, By: r.CreatedBy, At: r.CreatedAt, Reason: r.Reason})
	}
	return out, nil
}

// ShareRequest is what the secretariat gives to share a case.
type ShareRequest struct {
	Organisation string `json:"organisation"`
	Reason       string `json:"reason"`
}

// Share gives a designated organisation the restricted part of case id.
// Sharing again with the same organisation changes nothing.
func (s *Service) Share(ctx context.Context, sub access.Subject, id int64, req ShareRequest) (*Share, error) {
	v, rec, err := s.view(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if !v.Can(access.Share) {
		return nil, ErrForbidden
	}
	if strings.TrimSpace(req.Organisation) == "" {
		return nil, &InputError{"organisation", "organisation.required", "required: the name of a designated public institution"}
	}
	if strings.TrimSpace(req.Reason) == "" {
		return nil, &InputError{"reason", "share.reason_required", "required: why the case is shared (recorded with the share)"}
	}
	var out *Share
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		org, err := casestore.FindOrganisation(tx, req.Organisation)
		if errors.Is(err, casestore.ErrNoOrganisation) {
			return &InputError{"organisation", "organisation.unknown", err.Error()}
		}
		if err != nil {
			return err
		}
		if !s.Access.IsDesignated(org.ID) {
			return &InputError{"organisation", "organisation.not_designated", fmt.Sprintf("%s is not a designated public institution: restricted material is shared only with those", org.Name)}
		}
		for _, o := range rec.OrgIDs {
			if o == org.ID {
				return &InputError{"organisation", "organisation.is_operator", fmt.Sprintf("%s is an operator of this case and sees it already", org.Name)}
			}
		}
		added, err := access.Grant(ctx, tx, access.NewRule(access.SourceShare, actor(sub), strings.TrimSpace(req.Reason),
			"g2", access.CaseKey(id), access.ShareKey(org.ID)))
		if err != nil {
			return err
		}
		out = &Share{OrgID: org.ID, Org: org.Name, By: actor(sub), At: time.Now(), Reason: strings.TrimSpace(req.Reason)}
		if !added {
			return nil
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionShare, Object: access.ShareKey(org.ID),
			CaseID: id, Detail: map[string]any{"organisation": org.Name, "reason": out.Reason}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.Access.Reload()
}

// Unshare revokes the share of case id with organisation org (a name or
// an id).
func (s *Service) Unshare(ctx context.Context, sub access.Subject, id int64, org string) error {
	v, _, err := s.view(ctx, sub, id)
	if err != nil {
		return err
	}
	if !v.Can(access.Share) {
		return ErrForbidden
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		o, err := findOrg(tx, org)
		if err != nil {
			return err
		}
		r, err := access.Revoke(ctx, tx, "g2", access.CaseKey(id), access.ShareKey(o.ID))
		if err != nil {
			return err
		}
		if r == nil {
			return ErrNoShare
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionUnshare, Object: access.ShareKey(o.ID),
			CaseID: id, Detail: map[string]any{"organisation": o.Name, "shared_by": r.CreatedBy, "shared_at": r.CreatedAt, "reason": r.Reason}})
		return err
	})
	if err != nil {
		return err
	}
	return s.Access.Reload()
}

// ErrNoShare: the case is not shared with that organisation.
var ErrNoShare = errors.New("the case is not shared with this organisation")

// findOrg resolves an organisation by id or by any of its names.
func findOrg(tx *gorm.DB, s string) (*casestore.Organisation, error) {
	var id int64
	if _, err := fmt.Sscanf(s, "%d", &id); err == nil && fmt.Sprint(id) == s {
		var o casestore.Organisation
		if err := tx.Take(&o, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil, ErrNoShare
			}
			return nil, err
		}
		return &o, nil
	}
	o, err := casestore.FindOrganisation(tx, s)
	if errors.Is(err, casestore.ErrNoOrganisation) {
		return nil, ErrNoShare
	}
	return o, err
}

// Publish makes the overview of a serious accident public (after the
// press release or in the annual report).
func (s *Service) Publish(ctx context.Context, sub access.Subject, id int64) (*View, error) {
	_, rec, err := s.view(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if !s.Access.Can(sub, access.NewCaseRef(id, rec.OrgIDs), access.Public, access.Publish) {
		return nil, ErrForbidden
	}
	if rec.Case.Kind != caseformat.KindAccident {
		return nil, &InputError{"kind", "kind.not_accident", "only a serious accident's overview is published with the operator's name; near-misses are published as approved anonymised summaries"}
	}
	if rec.PublishedAt == nil {
		err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("UPDATE cases SET published_at = now(), published_by = ? WHERE id = ? AND published_at IS NULL", actor(sub), id).Error; err != nil {
				return err
			}
			_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionPublish, Object: access.CaseKey(id) + "/overview", CaseID: id})
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	v, _, err := s.view(ctx, sub, id)
	return v, err
}

// SetNotes replaces the committee's notes on a case (optimistic: the
// caller says which notes it edited).
func (s *Service) SetNotes(ctx context.Context, sub access.Subject, id int64, before, after string) error {
	v, rec, err := s.view(ctx, sub, id)
	if err != nil {
		return err
	}
	if !v.Can(access.Write) {
		return ErrForbidden
	}
	if rec.CommitteeNotes != before {
		return ErrConflict
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec("UPDATE cases SET committee_notes = ?, updated_at = now() WHERE id = ? AND committee_notes = ?", after, id, before)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionWrite, Object: access.CaseKey(id) + "/committee", CaseID: id,
			Detail: map[string]any{"changes": audit.Diff(map[string]string{"notes": before}, map[string]string{"notes": after}, nil)}})
		return err
	})
}

// Original returns a submission of case id exactly as the operator sent
// it: own-tier material (the reporting organisation and the committee).
// Reading it is audited; a report the caller may not read is not found.
func (s *Service) Original(ctx context.Context, sub access.Subject, id, reportID int64) (*casestore.ReportMeta, []byte, error) {
	v, _, err := s.view(ctx, sub, id)
	if err != nil {
		return nil, nil, err
	}
	if v.Own == nil {
		return nil, nil, ErrNotFound
	}
	if !slices.ContainsFunc(v.Own.Reports, func(r casestore.ReportMeta) bool { return r.ID == reportID }) {
		return nil, nil, ErrNotFound
	}
	meta, body, err := casestore.ReportBody(s.DB.WithContext(ctx), id, reportID)
	if errors.Is(err, casestore.ErrNotFound) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	err = audit.Record(ctx, s.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead,
		Object: fmt.Sprintf("%s/reports/%d", access.CaseKey(id), reportID), CaseID: id,
		Detail: map[string]any{"tiers": []access.Tier{access.Own}, "sha256": meta.SHA256}})
	return meta, body, err
}

// RaiseRequest raises one section of a case above its default tier.
type RaiseRequest struct {
	Section string      `json:"section"`
	Tier    access.Tier `json:"tier"`
	Reason  string      `json:"reason"`
}

// RaisableSections are the parts whose tier the secretariat can raise for
// one case, in page order.
var RaisableSections = []string{SectionOverview, SectionRestricted, SectionOwn}

// raiseTargets are the tiers each section can be raised to: above its
// default, never below.
var raiseTargets = map[string][]access.Tier{
	SectionOverview:   {access.Restricted, access.Own, access.Committee},
	SectionRestricted: {access.Own, access.Committee},
	SectionOwn:        {access.Committee},
}

// RaiseTargets are the tiers section can be raised to (none for a section
// that cannot be raised).
func RaiseTargets(section string) []access.Tier { return slices.Clone(raiseTargets[section]) }

// RaiseTier raises a section of case id for this case only (a trade
// secret in the summary, a configuration not to be shared). Raising again
// replaces the earlier raise.
func (s *Service) RaiseTier(ctx context.Context, sub access.Subject, id int64, req RaiseRequest) (*View, error) {
	v, _, err := s.view(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if !v.Can(access.Write) {
		return nil, ErrForbidden
	}
	targets, ok := raiseTargets[req.Section]
	if !ok {
		return nil, &InputError{"section", "section.unknown", "want overview, restricted or own"}
	}
	if !slices.Contains(targets, req.Tier) {
		return nil, &InputError{"tier", "tier.not_above", fmt.Sprintf("%s can be raised to %v only: a raise is above the default tier", req.Section, targets)}
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		return nil, &InputError{"reason", "reason.required", "required: why this part is raised (recorded and audited)"}
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before []string
		if err := tx.Raw("SELECT tier FROM case_tier_raises WHERE case_id = ? AND section = ?", id, req.Section).Scan(&before).Error; err != nil {
			return err
		}
		if err := tx.Exec(`INSERT INTO case_tier_raises (case_id, section, tier, raised_by, reason) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (case_id, section) DO UPDATE SET tier = EXCLUDED.tier, raised_by = EXCLUDED.raised_by,
			raised_at = now(), reason = EXCLUDED.reason`, id, req.Section, req.Tier, actor(sub), reason).Error; err != nil {
			return err
		}
		was := ""
		if len(before) == 1 {
			was = before[0]
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionRaiseTier, Object: access.CaseKey(id) + "/" + req.Section,
			CaseID: id, Detail: map[string]any{"section": req.Section, "tier": req.Tier, "was": was, "reason": reason}})
		return err
	})
	if err != nil {
		return nil, err
	}
	v, _, err = s.view(ctx, sub, id)
	return v, err
}

// LowerTier takes a raise back: the section returns to its default tier,
// never below. It is an audited decision with its reason.
func (s *Service) LowerTier(ctx context.Context, sub access.Subject, id int64, section, reason string) error {
	v, _, err := s.view(ctx, sub, id)
	if err != nil {
		return err
	}
	if !v.Can(access.Write) {
		return ErrForbidden
	}
	if strings.TrimSpace(reason) == "" {
		return &InputError{"reason", "reason.required", "required: why the part returns to its default tier (recorded and audited)"}
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var was []string
		if err := tx.Raw("DELETE FROM case_tier_raises WHERE case_id = ? AND section = ? RETURNING tier", id, section).Scan(&was).Error; err != nil {
			return err
		}
		if len(was) == 0 {
			return ErrNoRaise
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionLowerTier, Object: access.CaseKey(id) + "/" + section,
			CaseID: id, Detail: map[string]any{"section": section, "was": was[0], "reason": strings.TrimSpace(reason)}})
		return err
	})
}

// ErrNoRaise: the section is at its default tier already.
var ErrNoRaise = errors.New("this part is at its default tier")
