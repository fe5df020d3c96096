package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/spf13/cobra"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/identity"
	"kensho/internal/intake"
)

// DemoUser is a demo login, printed at start and listed in the README.
// Demo only: these passwords are public.
type DemoUser struct {
	identity.NewUser
	Note string
}

// DemoUsers has one user per role, a designated partner's reporter, and
// experts enough for a panel to cover every field of expertise (two with a
// declared conflict).
var DemoUsers = []DemoUser{
	{identity.NewUser{Login: "secretariat", DisplayName: "事務局 太郎", Role: "secretariat", Password: "kensho-demo-secretariat"}, "事務局 / secretariat"},
	{identity.NewUser{Login: "expert", DisplayName: "構成員 花子", Role: "expert", Fields: []string{"telecom_engineering", "software_engineering"},
		Conflicts: []string{"ソフトバンク株式会社"}, Password: "kensho-demo-expert"}, "構成員 (conflict: SoftBank) / expert"},
	{identity.NewUser{Login: "expert-telecom", DisplayName: "構成員 一郎", Role: "expert", Fields: []string{"telecom_engineering"},
		Conflicts: []string{"KDDI株式会社"}, Password: "kensho-demo-expert-telecom"}, "構成員 電気通信工学 (conflict: KDDI) / expert"},
	{identity.NewUser{Login: "expert-software", DisplayName: "構成員 二葉", Role: "expert", Fields: []string{"software_engineering"},
		Password: "kensho-demo-expert-software"}, "構成員 ソフトウェア工学 / expert"},
	{identity.NewUser{Login: "expert-audit", DisplayName: "構成員 三奈", Role: "expert", Fields: []string{"systems_audit"},
		Password: "kensho-demo-expert-audit"}, "構成員 システム監査 / expert"},
	{identity.NewUser{Login: "expert-consumer", DisplayName: "構成員 四季", Role: "expert", Fields: []string{"consumer_affairs"},
		Password: "kensho-demo-expert-consumer"}, "構成員 消費者保護 / expert"},
	{identity.NewUser{Login: "editor", DisplayName: "編集 次郎", Role: "editor", Password: "kensho-demo-editor"}, "編集者 / editor"},
	{identity.NewUser{Login: "auditor", DisplayName: "監査 三郎", Role: "auditor", Password: "kensho-demo-auditor"}, "監査 / auditor"},
	{identity.NewUser{Login: "admin", DisplayName: "管理 四郎", Role: "admin", Password: "kensho-demo-admin"}, "管理者 / admin"},
	{identity.NewUser{Login: "kddi", DisplayName: "KDDI 報告担当", Role: "reporter", Org: "KDDI株式会社", Password: "kensho-demo-kddi"}, "報告者 KDDI (designated) / reporter"},
	{identity.NewUser{Login: "docomo", DisplayName: "ドコモ 報告担当", Role: "reporter", Org: "株式会社NTTドコモ", Password: "kensho-demo-docomo"}, "報告者 NTTドコモ (designated) / reporter"},
	{identity.NewUser{Login: "optage", DisplayName: "オプテージ 報告担当", Role: "reporter", Org: "株式会社オプテージ", Password: "kensho-demo-optage"}, "報告者 オプテージ (not designated) / reporter"},
}

func (a *app) demoCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "demo", Short: "Demo data (never on a production database)"}
	cmd.AddCommand(a.demoGenerateCmd())
	cmd.AddCommand(&cobra.Command{
		Use:   "report",
		Short: "Publish the demo's annual report of fiscal 2020 (after demo seed; needs Chromium for its PDF); safe to repeat",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStack(cmd.Context(), func(st *Stack) error {
				return seedReport(cmd.Context(), st, func(f string, v ...any) { fmt.Fprintf(a.stdout, f, v...) })
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "seed",
		Short: "Load demo cases, one user per role and cases in every tier; safe to repeat",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withServices(cmd.Context(), func(s *services) error {
				return a.seed(cmd.Context(), s)
			})
		},
	})
	return cmd
}

// seed loads the demo data: the registry, the real serious accidents, two
// invented near-misses, the demo users, the secretariat's decisions that
// put cases in every tier, reports filed through the portal, and the
// committee's past review (triage decisions, lessons). Each step checks
// before it writes.
func (a *app) seed(ctx context.Context, s *services) error {
	store, closeDB, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	in := intake.New(store, a.log).As("demo")
	regData, err := configs.FS.ReadFile("organisations.yaml")
	if err != nil {
		return err
	}
	reg, err := intake.ParseRegistry(regData)
	if err != nil {
		return err
	}
	if _, err := in.LoadRegistry(ctx, reg); err != nil {
		return err
	}
	for _, f := range []string{"demo/serious-2015-2020.json", "demo/near-misses.json"} {
		data, err := configs.FS.ReadFile(f)
		if err != nil {
			return err
		}
		if _, err := in.Import(ctx, data, "configs/"+f); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	if err := s.access.Reload(); err != nil {
		return err
	}
	if err := createDemoUsers(ctx, s); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "Demo logins (demo only — these passwords are public):")
	for _, u := range DemoUsers {
		fmt.Fprintf(a.stdout, "  %-16s %-28s %s\n", u.Login, u.Password, u.Note)
	}
	sec, err := s.identity.ByLogin(ctx, "secretariat")
	if err != nil {
		return err
	}
	if err := seedDecisions(ctx, s, sec.Subject); err != nil {
		return err
	}
	if err := a.seedIntake(ctx, s); err != nil {
		return err
	}
	return a.seedReview(ctx, s, sec.Subject)
}

// caseByRef finds a demo case by its ref.
func caseByRef(ctx context.Context, s *services, ref string) (int64, error) {
	var id int64
	err := s.db.WithContext(ctx).Raw("SELECT id FROM cases WHERE ref = ? ORDER BY id LIMIT 1", ref).Scan(&id).Error
	if err == nil && id == 0 {
		err = fmt.Errorf("demo case %s is missing", ref)
	}
	return id, err
}

// seedDecisions puts demo cases in every tier: published serious
// accidents (public), a case shared with NTT Docomo (restricted), committee
// notes and contacts, an approved anonymised near-miss and a draft one.
func seedDecisions(ctx context.Context, s *services, sec access.Subject) error {
	ids := map[string]int64{}
	for _, ref := range []string{"2015-003", "2018-001", "2019-001", "2020-004", "2020-001", "DEMO-NM-2023-001", "DEMO-NM-2024-001"} {
		id, err := caseByRef(ctx, s, ref)
		if err != nil {
			return err
		}
		ids[ref] = id
	}
	for _, ref := range []string{"2015-003", "2018-001"} {
		if _, err := s.cases.Publish(ctx, sec, ids[ref]); err != nil {
			return fmt.Errorf("publish %s: %w", ref, err)
		}
	}
	if _, err := s.cases.Share(ctx, sec, ids["2019-001"], casefile.ShareRequest{Organisation: "NTTドコモ",
		Reason: "指定公共機関間の情報共有会（デモ）"}); err != nil {
		return fmt.Errorf("share 2019-001: %w", err)
	}
	notes := map[string]string{
		"2019-001": "【審議メモ（デモ）】卸元と卸先の復旧手順の連携に課題。教訓候補: 卸先への速やかな情報提供。",
		"2020-004": "【審議メモ（デモ）】ソフトウェア更新時の切り戻し判断が遅れた。構成員の追加確認事項あり。",
	}
	for ref, text := range notes {
		v, err := s.cases.Get(ctx, sec, ids[ref])
		if err != nil {
			return err
		}
		if v.Committee != nil && v.Committee.Notes == "" {
			if err := s.cases.SetNotes(ctx, sec, ids[ref], "", text); err != nil {
				return err
			}
		}
	}
	if err := s.db.WithContext(ctx).Exec(`UPDATE cases SET contacts = ? WHERE id = ? AND contacts = ''`,
		"設備統括管理者: 山田 一郎（デモ） 03-0000-0000 / 主任技術者: 佐藤 二郎（デモ）", ids["2020-004"]).Error; err != nil {
		return err
	}
	for _, ref := range []string{"DEMO-NM-2023-001", "DEMO-NM-2024-001"} {
		v, err := s.cases.Get(ctx, sec, ids[ref])
		if err != nil {
			return err
		}
		if v.Committee.Anonymising != nil {
			continue
		}
		d, err := s.cases.Propose(ctx, sec, ids[ref])
		if err != nil {
			return fmt.Errorf("propose %s: %w", ref, err)
		}
		if ref == "DEMO-NM-2023-001" {
			if _, err := s.cases.Approve(ctx, sec, ids[ref], d.Version); err != nil {
				return fmt.Errorf("approve %s: %w", ref, err)
			}
		}
	}
	return nil
}

// createDemoUsers creates the demo users that do not exist yet.
func createDemoUsers(ctx context.Context, s *services) error {
	var have []string
	if err := s.db.WithContext(ctx).Raw("SELECT login FROM users").Scan(&have).Error; err != nil {
		return err
	}
	for _, u := range DemoUsers {
		if slices.Contains(have, u.Login) {
			continue
		}
		nu := u.NewUser
		// example.org is reserved for examples (RFC 2606): no demo reminder reaches anyone.
		nu.Email = u.Login + "@example.org"
		nu.PasswordHash = demoHash(nu.Password)
		if _, err := s.identity.Create(ctx, nu, "demo"); err != nil {
			var ie *identity.InputError
			if !errors.As(err, &ie) || ie.Field != "login" {
				return fmt.Errorf("demo user %s: %w", u.Login, err)
			}
		}
	}
	return nil
}

// demoHashes are the demo passwords hashed, once per process: argon2id
// (64 MiB) is most of a demo seed's time, and the test suites seed a fresh
// database for every server they start. Demo only — these passwords are
// public.
var demoHashes sync.Map

func demoHash(password string) string {
	if h, ok := demoHashes.Load(password); ok {
		return h.(string)
	}
	h := identity.HashPassword(password)
	demoHashes.Store(password, h)
	return h
}
