package deadline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/config"
	"kensho/internal/granttest"
	"kensho/internal/identity"
	"kensho/internal/intake"
	"kensho/internal/mailtest"
	"kensho/internal/rules"
)

// env is a fresh database with the policy and the registry, the service
// over it and a test SMTP server.
type env struct {
	t     testing.TB
	db    *gorm.DB
	url   string
	svc   *Service
	ac    *access.Control
	ids   *identity.Service
	smtp  *mailtest.Server
	orgs  map[string]int64
	clock time.Time
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	gdb, url := granttest.New(t, true)
	ac, err := access.New(ctx, gdb, quiet)
	require.NoError(t, err)
	cat, err := rules.Load(configs.FS)
	require.NoError(t, err)
	server := mailtest.Start(t)
	mailer := NewMailer(config.SMTP{Host: server.Host(), Port: server.Port(), From: "Kenshō <kensho@example.org>", Timeout: 5 * time.Second})
	svc, err := New(gdb, cat, shippedRules(t), ac, mailer, quiet)
	require.NoError(t, err)
	e := &env{t: t, db: gdb, url: url, svc: svc, ac: ac, smtp: server, orgs: map[string]int64{},
		ids: &identity.Service{DB: gdb, Access: ac}}
	e.clock = time.Now()
	svc.Now = func() time.Time { return e.clock }
	for _, name := range []string{"KDDI株式会社", "株式会社NTTドコモ", "楽天モバイル株式会社", "ソフトバンク株式会社"} {
		o, err := casestore.FindOrganisation(gdb, name)
		require.NoError(t, err)
		e.orgs[name] = o.ID
	}
	return e
}

// user creates a user and returns its subject.
func (e *env) user(nu identity.NewUser) access.Subject {
	e.t.Helper()
	ctx := context.Background()
	_, err := e.ids.Create(ctx, nu, "test")
	require.NoError(e.t, err)
	p, err := e.ids.ByLogin(ctx, nu.Login)
	require.NoError(e.t, err)
	return p.Subject
}

// rep is a report to store with a case.
type rep struct {
	kind string
	org  string // "" for the secretariat's import
	at   time.Time
}

// addCase stores a case (kensho-case/v1 JSON) with its reports, the first
// creating it, and syncs its deadlines in the same transaction.
func (e *env) addCase(caseJSON string, reports ...rep) int64 {
	e.t.Helper()
	c, err := caseformat.DecodeCase([]byte(caseJSON))
	require.NoError(e.t, err)
	var orgIDs []int64
	for _, op := range c.Operators {
		id, ok := e.orgs[op.Name]
		require.True(e.t, ok, op.Name)
		orgIDs = append(orgIDs, id)
	}
	var id int64
	err = e.db.Transaction(func(tx *gorm.DB) error {
		for i, r := range reports {
			nc := casestore.NewCase{Case: c, Hash: c.Hash() + fmt.Sprint(i), Identity: intake.IdentityKey(orgIDs, c.Ref),
				OrgIDs: orgIDs, Report: e.report(r, caseJSON, i)}
			if i == 0 {
				if err := casestore.Insert(tx, []casestore.NewCase{nc}); err != nil {
					return err
				}
				if err := tx.Raw("SELECT id FROM cases WHERE identity_key = ?", nc.Identity).Scan(&id).Error; err != nil {
					return err
				}
				continue
			}
			if _, err := casestore.AddReport(tx, id, nc); err != nil {
				return err
			}
		}
		return e.svc.Sync(context.Background(), tx, id)
	})
	require.NoError(e.t, err)
	return id
}

func (e *env) report(r rep, body string, i int) casestore.Report {
	b := []byte(fmt.Sprintf("%s\n#%d", body, i))
	sum := sha256.Sum256(b)
	out := casestore.Report{Source: "api", Body: b, BodySHA256: hex.EncodeToString(sum[:]), ReceivedAt: r.at, Kind: r.kind}
	if r.kind == "import" {
		out.Source = "import"
	}
	if r.org != "" {
		out.OrganisationID = e.orgs[r.org]
	}
	return out
}

// addReport files one more report on case id and syncs.
func (e *env) addReport(id int64, r rep) {
	e.t.Helper()
	err := e.db.Transaction(func(tx *gorm.DB) error {
		rec, err := casestore.Get(tx, id)
		if err != nil {
			return err
		}
		nc := casestore.NewCase{Case: rec.Case, Hash: fmt.Sprintf("%s-%d", rec.Case.Hash(), time.Now().UnixNano()), Report: e.report(r, rec.Case.Ref, int(time.Now().UnixNano()))}
		if _, err := casestore.AddReport(tx, id, nc); err != nil {
			return err
		}
		return e.svc.Sync(context.Background(), tx, id)
	})
	require.NoError(e.t, err)
}

// deadlines of case id by "org kind".
func (e *env) deadlines(id int64) map[string]Deadline {
	e.t.Helper()
	ds, err := e.svc.Deadlines(context.Background(), id)
	require.NoError(e.t, err)
	out := map[string]Deadline{}
	for _, d := range ds {
		for name, org := range e.orgs {
			if org == d.OrganisationID {
				out[name+" "+d.Kind] = d
			}
		}
	}
	return out
}

// jobs are the reminder jobs of deadline id: stage → scheduled_at (JST).
func (e *env) jobs(deadlineID int64) map[string]string {
	e.t.Helper()
	var rows []struct {
		Stage       string
		ScheduledAt time.Time
	}
	require.NoError(e.t, e.db.Raw(`SELECT args->>'stage' AS stage, scheduled_at FROM river_job
		WHERE kind = ? AND (args->>'deadline_id')::bigint = ?`, ReminderArgs{}.Kind(), deadlineID).Scan(&rows).Error)
	out := map[string]string{}
	for _, r := range rows {
		out[r.Stage] = r.ScheduledAt.In(time.FixedZone("JST", 9*3600)).Format("2006-01-02 15:04")
	}
	return out
}

// jst parses an RFC 3339 time.
func jst(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Cases of each kind the rules judge (rule set 2019).
const (
	// 2.2 M internet users for 5 h 36 min: serious.
	seriousCase = `{"ref": "T-SERIOUS", "kind": "accident", "operators": [{"name": "KDDI株式会社"}],
		"occurred_at": "2024-05-01T10:00:00+09:00", "recovered_at": "2024-05-01T15:36:00+09:00",
		"impacts": [{"service": "internet_access", "peak_users": 2200000, "user_unit": "people",
			"timeline": [{"from": "2024-05-01T10:00:00+09:00", "to": "2024-05-01T15:36:00+09:00", "users": 2200000}]}],
		"summary": "試験"}`
	// 40,000 voice users for 30 minutes: not serious, quarterly.
	quarterlyCase = `{"ref": "T-QUARTERLY", "kind": "accident", "operators": [{"name": "楽天モバイル株式会社"}],
		"occurred_at": "2024-06-30T23:00:00+09:00", "recovered_at": "2024-06-30T23:30:00+09:00",
		"impacts": [{"service": "voice", "peak_users": 40000, "user_unit": "people",
			"timeline": [{"from": "2024-06-30T23:00:00+09:00", "to": "2024-06-30T23:30:00+09:00", "users": 40000}]}],
		"summary": "試験"}`
	// A failover that was neither noticed nor done promptly: reportable.
	nearMissCase = `{"ref": "T-NEARMISS", "kind": "near_miss", "operators": [{"name": "株式会社NTTドコモ"}],
		"occurred_at": "2024-03-31T23:30:00+09:00", "impacts": [],
		"near_miss": {"situation": "failover_failure", "noticed_promptly": false, "switched_promptly": false},
		"summary": "試験"}`
	// A wholesale accident: the provider and its customer both report.
	wholesaleCase = `{"ref": "T-WHOLESALE", "kind": "accident",
		"operators": [{"name": "株式会社NTTドコモ", "role": "wholesale_provider"}, {"name": "楽天モバイル株式会社", "role": "wholesale_customer"}],
		"occurred_at": "2024-05-10T08:00:00+09:00", "recovered_at": "2024-05-10T12:00:00+09:00",
		"impacts": [{"service": "voice", "peak_users": 120000, "user_unit": "people",
			"timeline": [{"from": "2024-05-10T08:00:00+09:00", "to": "2024-05-10T12:00:00+09:00", "users": 120000}]}],
		"summary": "試験"}`
)

// withRef gives a test case another ref (another real case).
func withRef(caseJSON, ref string) string {
	i := strings.Index(caseJSON, `"ref": "`) + len(`"ref": "`)
	j := strings.Index(caseJSON[i:], `"`)
	return caseJSON[:i] + ref + caseJSON[i+j:]
}
