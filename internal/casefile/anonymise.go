package casefile

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/redact"
)

// summaryRow is a near-miss's anonymised summary.
type summaryRow struct {
	CaseID     int64 `gorm:"primaryKey"`
	Proposed   string
	Text       string
	Status     string
	Version    int
	UpdatedBy  string
	UpdatedAt  time.Time
	ApprovedBy string
	ApprovedAt *time.Time
}

func (summaryRow) TableName() string { return "near_miss_summaries" }

// Scanner builds the leak scanner over every organisation name and alias
// the registry holds now, and the brands of configs/anonymise.yaml.
func (s *Service) Scanner(ctx context.Context) (*redact.Scanner, error) {
	orgs, names, err := casestore.OrganisationNames(s.DB.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	list := make([]redact.Org, 0, len(orgs))
	for _, o := range orgs {
		list = append(list, redact.Org{Name: o.Name, Aliases: append(names[o.ID], o.NameEN)})
	}
	return redact.NewScanner(list, s.Redaction), nil
}

// anonymisable checks that sub may work on the public summary of case id.
func (s *Service) anonymisable(ctx context.Context, sub access.Subject, id int64) (*View, *casestore.Record, error) {
	v, rec, err := s.view(ctx, sub, id)
	if err != nil {
		return nil, nil, err
	}
	if !s.Access.Can(sub, access.NewCaseRef(id, rec.OrgIDs), access.Anonymised, access.Approve) {
		return nil, nil, ErrForbidden
	}
	if rec.Case.Kind != caseformat.KindNearMiss {
		return nil, nil, &InputError{"kind", "kind.not_near_miss", "only near-misses get an anonymised public summary"}
	}
	return v, rec, nil
}

// Propose drafts the public summary of near-miss id from its summary and
// cause, with names, brands, places and equipment identifiers replaced.
// It starts the draft again if one exists.
func (s *Service) Propose(ctx context.Context, sub access.Subject, id int64) (*AnonymisingDraft, error) {
	_, rec, err := s.anonymisable(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	sc, err := s.Scanner(ctx)
	if err != nil {
		return nil, err
	}
	src := strings.TrimSpace(rec.Case.Summary)
	if rec.Case.Cause != nil && strings.TrimSpace(rec.Case.Cause.Text) != "" {
		src += "\n" + strings.TrimSpace(rec.Case.Cause.Text)
	}
	proposed := sc.Propose(src)
	var out AnonymisingDraft
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row summaryRow
		err := tx.Where("case_id = ?", id).Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			row = summaryRow{CaseID: id, Proposed: proposed, Text: proposed, Status: "draft", Version: 1, UpdatedBy: actor(sub), UpdatedAt: time.Now()}
			if err := tx.Omit("ApprovedAt").Create(&row).Error; err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			row.Proposed, row.Text, row.Status, row.Version = proposed, proposed, "draft", row.Version+1
			if err := tx.Model(&summaryRow{}).Where("case_id = ?", id).Updates(map[string]any{
				"proposed": proposed, "text": proposed, "status": "draft", "version": row.Version,
				"updated_by": actor(sub), "updated_at": time.Now(), "approved_by": "", "approved_at": nil}).Error; err != nil {
				return err
			}
		}
		out = AnonymisingDraft{Proposed: row.Proposed, Text: row.Text, Status: row.Status, Version: row.Version}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionAnonymise, Object: access.CaseKey(id) + "/anonymised",
			CaseID: id, Detail: map[string]any{"version": row.Version, "proposed": true}})
		return err
	})
	return &out, err
}

// EditSummary replaces the draft text. version is the version the editor
// started from: a stale save is refused with ErrConflict. An approved text
// that is edited goes back to draft and stops being public.
func (s *Service) EditSummary(ctx context.Context, sub access.Subject, id int64, text string, version int) (*AnonymisingDraft, error) {
	if _, _, err := s.anonymisable(ctx, sub, id); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, &InputError{"text", "text.required", "required"}
	}
	var out AnonymisingDraft
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row summaryRow
		if err := tx.Where("case_id = ?", id).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return &InputError{"text", "text.no_draft", "no draft yet: propose one first"}
			}
			return err
		}
		if row.Version != version {
			return ErrConflict
		}
		res := tx.Model(&summaryRow{}).Where("case_id = ? AND version = ?", id, version).Updates(map[string]any{
			"text": text, "status": "draft", "version": version + 1, "updated_by": actor(sub), "updated_at": time.Now(),
			"approved_by": "", "approved_at": nil})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		out = AnonymisingDraft{Proposed: row.Proposed, Text: text, Status: "draft", Version: version + 1}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionWrite, Object: access.CaseKey(id) + "/anonymised",
			CaseID: id, Detail: map[string]any{"version": version + 1, "was": row.Status,
				"changes": audit.Diff(map[string]string{"text": row.Text}, map[string]string{"text": text}, nil)}})
		return err
	})
	return &out, err
}

// Approve makes the draft public after the leak scanner found no
// organisation name, alias or brand in it. A blocked attempt is audited.
func (s *Service) Approve(ctx context.Context, sub access.Subject, id int64, version int) (*AnonymisingDraft, error) {
	if _, _, err := s.anonymisable(ctx, sub, id); err != nil {
		return nil, err
	}
	sc, err := s.Scanner(ctx)
	if err != nil {
		return nil, err
	}
	var out AnonymisingDraft
	var leak *LeakError
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row summaryRow
		if err := tx.Where("case_id = ?", id).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return &InputError{"text", "text.no_draft", "no draft yet: propose one first"}
			}
			return err
		}
		if row.Version != version {
			return ErrConflict
		}
		if leaks := sc.Scan(row.Text); len(leaks) > 0 {
			leak = &LeakError{Text: row.Text, Leaks: leaks}
			_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionPublishBlock, Object: access.CaseKey(id) + "/anonymised",
				CaseID: id, Detail: map[string]any{"version": version, "leaks": len(leaks)}})
			return err
		}
		now := time.Now()
		if err := tx.Model(&summaryRow{}).Where("case_id = ?", id).Updates(map[string]any{
			"status": "approved", "approved_by": actor(sub), "approved_at": now}).Error; err != nil {
			return err
		}
		out = AnonymisingDraft{Proposed: row.Proposed, Text: row.Text, Status: "approved", Version: row.Version}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionApprove, Object: access.CaseKey(id) + "/anonymised",
			CaseID: id, Detail: map[string]any{"version": version, "text": row.Text}})
		return err
	})
	if err != nil {
		return nil, err
	}
	if leak != nil {
		return nil, leak
	}
	return &out, nil
}

// PublicNearMiss is an approved anonymised near-miss summary.
type PublicNearMiss struct {
	ID             int64     `json:"id"`
	TLP            string    `json:"tlp"`
	FiscalYear     int       `json:"fiscal_year"`
	Situation      string    `json:"situation,omitempty"`
	CauseClass     string    `json:"cause_class,omitempty"`
	CauseArchetype string    `json:"cause_archetype,omitempty"`
	Text           string    `json:"text"`
	ApprovedAt     time.Time `json:"approved_at"`
}

// PublicNearMisses lists approved summaries, newest approval first. Each
// text is scanned again on the way out: a name added to the registry after
// approval withholds the summary (logged) until the secretariat fixes it.
func (s *Service) PublicNearMisses(ctx context.Context, before int64, limit int) ([]PublicNearMiss, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := s.DB.WithContext(ctx).Table("near_miss_summaries s").
		Select(`s.case_id AS id, c.fiscal_year, s.text, s.approved_at, coalesce(c.near_miss->>'situation', '') AS situation,
			coalesce(k.class, '') AS cause_class, coalesce(k.archetype, '') AS cause_archetype`).
		Joins("JOIN cases c ON c.id = s.case_id").Joins("LEFT JOIN causes k ON k.case_id = c.id").
		Where("s.status = 'approved' AND c.kind = 'near_miss'")
	if before > 0 {
		q = q.Where("s.case_id < ?", before)
	}
	var rows []PublicNearMiss
	if err := q.Order("s.case_id DESC").Limit(limit).Scan(&rows).Error; err != nil {
		return nil, err
	}
	sc, err := s.Scanner(ctx)
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, r := range rows {
		if leaks := sc.Scan(r.Text); len(leaks) > 0 {
			s.logger().Warn("approved near-miss summary withheld: it names an operator", "case", r.ID, "leaks", len(leaks))
			continue
		}
		r.TLP = access.Anonymised.TLP()
		out = append(out, r)
	}
	return out, nil
}

func (s *Service) logger() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}
