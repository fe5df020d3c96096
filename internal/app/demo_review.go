package app

import (
	"context"
	"fmt"
	"kensho/internal/triage"

	"kensho/internal/access"
	"kensho/internal/review"
)

// historicalLessons are lessons of the catalogue the committee drew from
// the real serious accidents of the demo (as the annual reports of those
// years record them, in the catalogue's words), so that the catalogue
// shows counts and recurrences.
var historicalLessons = map[string][]string{
	"2016-002": {"TEST-01"},
	"2017-002": {"CAP-01"},
	"2018-004": {"VEND-01", "REC-01", "CHAN-01"},
	"2019-001": {"COOP-01", "FLUP-01"},
	"2020-002": {"ISOL-01"},
	"2020-004": {"TEST-01", "AVAIL-01"},
	"2020-005": {"COOP-01", "NTC-01"},
}

// seedReview records the committee's past work on the demo: the
// historical serious accidents were verified in depth (a triage decision
// each, so that the triage desk shows the cases filed through the portal
// as awaiting), the approved near-miss was verified light, and a few
// lessons are linked to the historical cases. Decisions and links already
// there are left alone.
func (a *app) seedReview(ctx context.Context, s *services, sec access.Subject) error {
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	deadlines, err := newDeadlines(s.db, a.cfg, cat, s.access, a.log)
	if err != nil {
		return err
	}
	// The seeded decisions keep the similar cases of their moment, as real
	// ones do.
	simCfg, err := triage.LoadSimilarityConfig()
	if err != nil {
		return err
	}
	rev, err := newReview(s.db, cat, s, deadlines, triage.NewEngine(s.db, s.access, simCfg, a.log), a.log)
	if err != nil {
		return err
	}
	var ids []int64
	if err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT c.id FROM cases c JOIN reports r ON r.case_id = c.id
		WHERE r.source_name = 'configs/demo/serious-2015-2020.json' AND c.kind = 'accident' AND c.merged_into IS NULL
		ORDER BY c.id`).Scan(&ids).Error; err != nil {
		return err
	}
	if _, err := rev.DecideHistory(ctx, sec, ids, review.DecisionInput{Depth: review.DepthInDepth, Reason: "過去の検証済み事案（移行）"}); err != nil {
		return fmt.Errorf("demo triage of the historical accidents: %w", err)
	}
	nm, err := caseByRef(ctx, s, "DEMO-NM-2023-001")
	if err != nil {
		return err
	}
	study := true
	if _, err := rev.DecideHistory(ctx, sec, []int64{nm}, review.DecisionInput{Depth: review.DepthLight,
		Reason: "匿名化要旨を公表済みの事態（移行）", StudyNearMiss: &study}); err != nil {
		return fmt.Errorf("demo triage of DEMO-NM-2023-001: %w", err)
	}
	for ref, lessons := range historicalLessons {
		id, err := caseByRef(ctx, s, ref)
		if err != nil {
			return err
		}
		if err := rev.RecordHistory(ctx, sec, id, lessons); err != nil {
			return fmt.Errorf("demo lessons of %s: %w", ref, err)
		}
	}
	return nil
}
