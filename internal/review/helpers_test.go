package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/deadline"
	"kensho/internal/granttest"
	"kensho/internal/identity"
	"kensho/internal/intake"
	"kensho/internal/redact"
	"kensho/internal/rules"
	"kensho/internal/triage"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is a fresh database with the policy and the registry, the review
// service over it, users of every role that matters and a few cases.
type env struct {
	t   testing.TB
	db  *gorm.DB
	svc *Service
	ac  *access.Control
	ids *identity.Service
	// subjects by login
	sub   map[string]access.Subject
	users map[string]int64
	cases map[string]int64
	clock time.Time
}

// The test's experts: fields and conflicts chosen so that panels have to
// choose (two telecom engineers, one loaded; one conflicted with KDDI).
var testExperts = []identity.NewUser{
	{Login: "tanaka", DisplayName: "田中", Role: "expert", Fields: []string{"telecom_engineering", "software_engineering"}, Conflicts: []string{"ソフトバンク株式会社"}},
	{Login: "suzuki", DisplayName: "鈴木", Role: "expert", Fields: []string{"telecom_engineering"}, Conflicts: []string{"KDDI株式会社"}},
	{Login: "sato", DisplayName: "佐藤", Role: "expert", Fields: []string{"telecom_engineering"}},
	{Login: "ito", DisplayName: "伊藤", Role: "expert", Fields: []string{"systems_audit"}},
	{Login: "kato", DisplayName: "加藤", Role: "expert", Fields: []string{"consumer_affairs"}},
	{Login: "gone", DisplayName: "退任", Role: "expert", Fields: []string{"software_engineering", "consumer_affairs"}},
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	gdb, _ := granttest.New(t, true)
	ac, err := access.New(ctx, gdb, quiet)
	require.NoError(t, err)
	cat, err := rules.Load(configs.FS)
	require.NoError(t, err)
	cfg, err := Load(configs.FS)
	require.NoError(t, err)
	dr, err := deadline.LoadRules(configs.FS)
	require.NoError(t, err)
	dl, err := deadline.New(gdb, cat, dr, ac, nil, quiet)
	require.NoError(t, err)
	red, err := redact.ParseRules(mustRead(t, "anonymise.yaml"))
	require.NoError(t, err)
	cases := &casefile.Service{DB: gdb, Access: ac, Redaction: red, Log: quiet}
	fields := make([]string, len(cfg.Fields))
	for i, f := range cfg.Fields {
		fields[i] = f.ID
	}
	e := &env{t: t, db: gdb, ac: ac, ids: &identity.Service{DB: gdb, Access: ac, Fields: fields},
		sub: map[string]access.Subject{}, users: map[string]int64{}, cases: map[string]int64{}}
	e.svc = New(gdb, ac, cases, cat, dl, nil, cfg, quiet)
	e.clock = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	e.svc.Now = func() time.Time { return e.clock }
	dl.Now = e.svc.Now
	for _, u := range append([]identity.NewUser{
		{Login: "sec", Role: "secretariat", DisplayName: "事務局"},
		{Login: "editor", Role: "editor"},
		{Login: "admin", Role: "admin"},
		{Login: "kddi", Role: "reporter", Org: "KDDI株式会社"},
	}, testExperts...) {
		got, err := e.ids.Create(ctx, u, "test")
		require.NoError(t, err, u.Login)
		var org int64
		if got.OrganisationID != nil {
			org = *got.OrganisationID
		}
		e.sub[u.Login], e.users[u.Login] = access.UserSubject(got.ID, org), got.ID
	}
	require.NoError(t, e.ids.SetDisabled(ctx, "gone", true, "test"))
	require.NoError(t, ac.Reload())
	// A KDDI emergency-call outage caused by a software bug (serious, with
	// a detailed report owed), a Docomo near-miss, a SoftBank accident and
	// an imported 2016 accident of NTT Docomo.
	e.cases["K-1"] = e.addCase(`{"ref":"K-1","kind":"accident","operators":[{"name":"KDDI株式会社"}],
		"occurred_at":"2025-05-20T08:00:00+09:00","recovered_at":"2025-05-20T10:30:00+09:00",
		"impacts":[{"service":"voice_emergency","peak_users":80000,"timeline":[{"from":"2025-05-20T08:00:00+09:00","to":"2025-05-20T10:30:00+09:00","users":80000}]}],
		"cause":{"class":"equipment","archetype":"software_bug","text":"呼制御ソフトウェアの不具合"},
		"summary":"緊急通報を含む音声通話が利用できなかった。"}`, "KDDI株式会社")
	e.cases["D-NM"] = e.addCase(`{"ref":"D-NM","kind":"near_miss","operators":[{"name":"株式会社NTTドコモ"}],
		"occurred_at":"2025-05-10T03:00:00+09:00","impacts":[],
		"near_miss":{"situation":"wrong_config_or_software","rolled_back_promptly":true},
		"cause":{"class":"human","archetype":"config_error","text":"設定誤り"},
		"summary":"設定変更の誤りで冗長構成が失われた。"}`, "株式会社NTTドコモ")
	e.cases["SB-1"] = e.addCase(`{"ref":"SB-1","kind":"accident","operators":[{"name":"ソフトバンク株式会社"}],
		"occurred_at":"2025-04-20T12:00:00+09:00","recovered_at":"2025-04-20T16:00:00+09:00",
		"impacts":[{"service":"internet_access","peak_users":500000,"timeline":[{"from":"2025-04-20T12:00:00+09:00","to":"2025-04-20T16:00:00+09:00","users":500000}]}],
		"summary":"データ通信が利用できなかった。"}`, "")
	e.cases["D-2016"] = e.addCase(`{"ref":"D-2016","kind":"accident","operators":[{"name":"株式会社NTTドコモ"}],
		"occurred_at":"2016-04-22T10:00:00+09:00","recovered_at":"2016-04-22T14:00:00+09:00",
		"impacts":[{"service":"voice_emergency","peak_users":1000000,"timeline":[{"from":"2016-04-22T10:00:00+09:00","to":"2016-04-22T14:00:00+09:00","users":1000000}]}],
		"summary":"VoLTEによる音声通話が利用できなくなった。"}`, "")
	return e
}

func mustRead(tb testing.TB, name string) []byte {
	b, err := configs.FS.ReadFile(name)
	require.NoError(tb, err)
	return b
}

// addCase stores a case with one report — filed by org, or imported by
// the secretariat when org is "" — and syncs its deadlines, as intake does.
func (e *env) addCase(caseJSON, org string) int64 {
	e.t.Helper()
	c, err := caseformat.DecodeCase([]byte(caseJSON))
	require.NoError(e.t, err)
	var id int64
	err = e.db.Transaction(func(tx *gorm.DB) error {
		var orgIDs []int64
		for _, op := range c.Operators {
			o, err := casestore.FindOrganisation(tx, op.Name)
			if err != nil {
				return err
			}
			orgIDs = append(orgIDs, o.ID)
		}
		key := intake.IdentityKey(orgIDs, c.Ref)
		sum := sha256.Sum256([]byte(caseJSON))
		rep := casestore.Report{Source: "import", Kind: "import", Body: []byte(caseJSON), BodySHA256: hex.EncodeToString(sum[:]), ReceivedAt: c.OccurredAt.Add(time.Hour)}
		if org != "" {
			o, err := casestore.FindOrganisation(tx, org)
			if err != nil {
				return err
			}
			rep.Source, rep.Kind, rep.OrganisationID = "api", "quick", o.ID
		}
		if err := casestore.Insert(tx, []casestore.NewCase{{Case: c, Hash: c.Hash(), Identity: key, OrgIDs: orgIDs, Report: rep}}); err != nil {
			return err
		}
		if err := tx.Raw("SELECT id FROM cases WHERE identity_key = ?", key).Scan(&id).Error; err != nil {
			return err
		}
		return e.svc.Deadlines.Sync(context.Background(), tx, id)
	})
	require.NoError(e.t, err)
	return id
}

func (e *env) decide(id int64, depth string) *Decision {
	e.t.Helper()
	in := DecisionInput{Depth: depth, Reason: "テスト"}
	if cur, _ := current(e.db, id); cur != nil {
		in.Version = cur.Version
	}
	var k caseformat.Kind
	require.NoError(e.t, e.db.Raw("SELECT kind FROM cases WHERE id = ?", id).Scan(&k).Error)
	if k == caseformat.KindNearMiss {
		f := false
		in.StudyNearMiss = &f
	}
	d, err := e.svc.Decide(context.Background(), e.sub["sec"], id, in)
	require.NoError(e.t, err)
	return d
}

// engine is the real similarity engine over the test's database.
func (e *env) engine() *triage.Engine {
	cfg, err := triage.LoadSimilarityConfig()
	require.NoError(e.t, err)
	return triage.NewEngine(e.db, e.ac, cfg, quiet)
}

// counting passes the review's queries to the engine and counts them.
type counting struct {
	m     triage.Matcher
	calls int
}

func (c *counting) Similar(ctx context.Context, sub access.Subject, id int64, k int) (*triage.Result, error) {
	c.calls++
	return c.m.Similar(ctx, sub, id, k)
}

func ptr[T any](v T) *T { return &v }

func (e *env) auditActions(caseID int64) []string {
	var out []string
	require.NoError(e.t, e.db.Raw("SELECT action FROM audit_log WHERE case_id = ? ORDER BY id", caseID).Scan(&out).Error)
	return out
}

var _ = fmt.Sprint
