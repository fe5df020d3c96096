package quarterly

import (
	"context"
	"errors"
	"math"

	"gorm.io/gorm"

	"kensho/internal/casestore"
	"kensho/internal/intake"
)

// RecordReport keeps the detailed-form row of case caseID in step with its
// newest report when that report is a quarterly report filed through the
// per-accident form (kind quarterly_detailed): the quarter's rows are then
// one table whichever way an accident came in, keyed like an upload's row
// (organisation, fiscal year, quarter, the case's ref), so a later upload
// of the same accident corrects it and the same report filed again changes
// nothing. It runs in the intake's transaction (intake.Portal.AfterWrite).
func (s *Service) RecordReport(ctx context.Context, tx *gorm.DB, caseID int64) error {
	var rep []struct {
		ID             int64
		Kind           string
		OrganisationID *int64
	}
	if err := tx.WithContext(ctx).Raw(`SELECT id, kind, organisation_id FROM reports WHERE case_id = ? ORDER BY id DESC LIMIT 1`, caseID).
		Scan(&rep).Error; err != nil {
		return err
	}
	if len(rep) == 0 || rep[0].Kind != string(intake.KindQuarterlyDetailed) || rep[0].OrganisationID == nil {
		return nil
	}
	rec, err := casestore.Get(tx.WithContext(ctx), caseID)
	if errors.Is(err, casestore.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	c := rec.Case
	if c.RecoveredAt == nil || c.Cause == nil || c.Cause.Class == "" {
		return nil // the intake refuses such a quarterly report; nothing to record
	}
	row := Row{Form: FormDetailed, Key: c.Ref, EquipmentType: "other", Prefecture: "nationwide", Service: "other",
		CauseClass: c.Cause.Class, CauseArchetype: c.Cause.Archetype, Summary: c.Summary}
	if row.CauseArchetype == "" {
		row.CauseArchetype = "unknown"
	}
	if items, _ := intake.ItemsOf(c); items != nil {
		if _, ok := s.Catalog.EquipmentTypes.Get(items.EquipmentType); ok {
			row.EquipmentType = items.EquipmentType
		}
		if len(items.Prefectures) == 1 {
			if _, ok := s.Catalog.Prefectures.Get(items.Prefectures[0]); ok {
				row.Prefecture = items.Prefectures[0]
			}
		}
	}
	// The row's service is the one with the most users; its users, the peak.
	users := int64(-1)
	for _, im := range c.Impacts {
		if im.PeakUsers != nil && *im.PeakUsers > users {
			users, row.Service = *im.PeakUsers, string(im.Service)
		}
	}
	users = max(users, 0)
	fy, q := QuarterOf(c.OccurredAt)
	minutes := int64(math.Round(c.RecoveredAt.Sub(c.OccurredAt).Minutes()))
	return tx.WithContext(ctx).Exec(`INSERT INTO quarterly_rows (organisation_id, fiscal_year, quarter, form, key, equipment_type, prefecture,
			occurred_at, recovered_at, service, users, duration_minutes, cause_class, cause_archetype, summary, report_id)
		VALUES (?, ?, ?, 'detailed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (organisation_id, fiscal_year, quarter, form, key) DO UPDATE SET
			equipment_type = EXCLUDED.equipment_type, prefecture = EXCLUDED.prefecture, occurred_at = EXCLUDED.occurred_at,
			recovered_at = EXCLUDED.recovered_at, service = EXCLUDED.service, users = EXCLUDED.users,
			duration_minutes = EXCLUDED.duration_minutes, cause_class = EXCLUDED.cause_class,
			cause_archetype = EXCLUDED.cause_archetype, summary = EXCLUDED.summary, report_id = EXCLUDED.report_id`,
		*rep[0].OrganisationID, fy, q, row.Key, row.EquipmentType, row.Prefecture, c.OccurredAt, *c.RecoveredAt, row.Service,
		min(users, math.MaxInt32), minutes, row.CauseClass, row.CauseArchetype, row.Summary, rep[0].ID).Error
}
