package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"kensho/internal/access"
	"kensho/internal/intake"
	"kensho/internal/jpdate"
	"kensho/internal/quarterly"
)

// seedIntake files demo reports through the portal, as operators would, so
// that the reporting flow, the deadlines queue and the intake desk have
// something to show: KDDI's quick report of an accident a few days ago with
// its detailed report in draft; Docomo's quick report of an accident five
// weeks ago whose detailed report is overdue; and Optage's near-miss with
// its detailed report filed. Reports already filed are left alone.
func (a *app) seedIntake(ctx context.Context, s *services) error {
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	deadlines, err := newDeadlines(s.db, a.cfg, cat, s.access, a.log)
	if err != nil {
		return err
	}
	quarterlies, err := quarterly.New(s.db, s.access)
	if err != nil {
		return err
	}
	portal, err := newPortal(s.db, a.cfg, cat, s.access, deadlines, quarterlies, a.log)
	if err != nil {
		return err
	}
	now := time.Now().In(jpdate.JST).Truncate(time.Hour)
	at := func(days, hours int) string {
		return now.AddDate(0, 0, -days).Add(time.Duration(hours) * time.Hour).Format(time.RFC3339)
	}
	filed := func(ref string) (bool, error) {
		var n int64
		err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM cases WHERE ref = ?`, ref).Scan(&n).Error
		return n > 0, err
	}
	subject := func(login string) (access.Subject, error) {
		u, err := s.identity.ByLogin(ctx, login)
		if err != nil {
			return access.Subject{}, err
		}
		return u.Subject, nil
	}
	type demo struct {
		login, ref string
		kind       intake.ReportKind
		body       map[string]any
		then       func(sub access.Subject, caseID int64) error
	}
	accident := func(org, ref, occurred, recovered, summary string, users int) map[string]any {
		return map[string]any{"ref": ref, "kind": "accident", "operators": []any{map[string]any{"name": org}},
			"occurred_at": occurred, "recovered_at": recovered, "summary": summary,
			"impacts": []any{map[string]any{"service": "voice_emergency", "peak_users": users, "user_unit": "people",
				"timeline": []any{map[string]any{"from": occurred, "to": recovered, "users": users}}}},
			"report": map[string]any{"status": "recovered", "prefectures": []string{"tokyo", "kanagawa"}}}
	}
	detailedItems := map[string]any{"status": "recovered", "prefectures": []string{"osaka"},
		"equipment_type": "mobile_core", "equipment_outline": "加入者データベース（二重化構成）",
		"development":      "メンテナンス作業後、加入者データベースの応答が遅延し、音声・データ通信が断続的に利用しづらくなった。",
		"recovery_actions": "作業前の設定に切り戻し、順次トラヒック制御を解除して復旧した。",
		"user_notices":     []string{"website", "sns"}, "facility_manager": "（デモ）設備統括 一郎", "chief_engineer": "（デモ）主任 花子",
		"chief_engineer_licence": "transmission_switching",
		"proportional": map[string]any{"archetype": "careless_human_error", "aspects": map[string]string{
			"education_drills": "作業手順の読合せ訓練を四半期ごとに実施する。", "multi_person_work": "設定投入は二名で相互確認する。"}}}
	demos := []demo{
		{login: "kddi", ref: "DEMO-Q-2026-01", kind: intake.KindQuick,
			body: accident("KDDI株式会社", "DEMO-Q-2026-01", at(4, 9), at(4, 11), "（デモ）音声通話（緊急通報を含む）が一部地域で利用できない状況となった。", 120000),
			then: func(sub access.Subject, caseID int64) error {
				body := accident("KDDI株式会社", "DEMO-Q-2026-01", at(4, 9), at(4, 11), "（デモ）音声通話（緊急通報を含む）が一部地域で利用できない状況となった。", 120000)
				body["report"] = map[string]any{"status": "recovered", "prefectures": []string{"tokyo", "kanagawa"},
					"equipment_type": "switching", "development": "（書きかけ）"}
				raw, _ := json.Marshal(body)
				_, err := portal.SaveDraft(ctx, sub, intake.DraftInput{CaseID: caseID, CaseKind: "accident", ReportKind: intake.KindDetailed, Body: raw})
				return err
			}},
		{login: "docomo", ref: "DEMO-Q-2026-02", kind: intake.KindQuick,
			body: accident("株式会社NTTドコモ", "DEMO-Q-2026-02", at(36, 20), at(36, 23), "（デモ）音声通話が利用しづらい状況となった。", 90000)},
		{login: "optage", ref: "DEMO-Q-2026-03", kind: intake.KindDetailed,
			body: func() map[string]any {
				b := accident("株式会社オプテージ", "DEMO-Q-2026-03", at(10, 2), at(10, 5), "（デモ）加入者データベースの不具合により音声通話が利用しづらくなった。", 45000)
				b["area"] = "大阪府"
				b["cause"] = map[string]any{"class": "human", "archetype": "config_error", "text": "作業手順書にない設定値を投入した。"}
				b["report"] = detailedItems
				return b
			}()},
	}
	for _, d := range demos {
		done, err := filed(d.ref)
		if err != nil || done {
			if err != nil {
				return err
			}
			continue
		}
		sub, err := subject(d.login)
		if err != nil {
			return err
		}
		raw, _ := json.Marshal(d.body)
		res, err := portal.Submit(ctx, sub, intake.SubmitRequest{Kind: d.kind, Body: raw, Source: "form"})
		if err != nil {
			return fmt.Errorf("demo report %s: %w", d.ref, err)
		}
		if d.then != nil {
			if err := d.then(sub, res.CaseID); err != nil {
				return fmt.Errorf("demo report %s: %w", d.ref, err)
			}
		}
	}
	return nil
}
