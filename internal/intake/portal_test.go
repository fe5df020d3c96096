package intake_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/caseformat"
	"kensho/internal/granttest"
	"kensho/internal/identity"
	"kensho/internal/intake"
	"kensho/internal/rules"
)

// desk is a portal over a fresh database with a reporter of KDDI, one of
// Docomo and the secretariat.
type desk struct {
	p                 *intake.Portal
	db                *gorm.DB
	kddi, docomo, sec access.Subject
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	ctx := context.Background()
	gdb, _ := granttest.New(t, true)
	ac, err := access.New(ctx, gdb, nil)
	require.NoError(t, err)
	ids := &identity.Service{DB: gdb, Access: ac}
	subject := func(login, role, org string) access.Subject {
		u, err := ids.Create(ctx, identity.NewUser{Login: login, Role: role, Org: org, Password: "long-enough-password-1"}, "test")
		require.NoError(t, err)
		require.NoError(t, ac.Reload())
		var orgID int64
		if u.OrganisationID != nil {
			orgID = *u.OrganisationID
		}
		return access.UserSubject(u.ID, orgID)
	}
	cat, err := intake.LoadCatalogue(configs.FS)
	require.NoError(t, err)
	rc, err := rules.Load(configs.FS)
	require.NoError(t, err)
	d := &desk{db: gdb, p: &intake.Portal{DB: gdb, Access: ac, Catalogue: cat, Rules: rc, MaxAttachment: 64 << 10}}
	d.kddi = subject("kddi", "reporter", "KDDI株式会社")
	d.docomo = subject("docomo", "reporter", "株式会社NTTドコモ")
	d.sec = subject("sec", "secretariat", "")
	return d
}

// report is a report body: a base case with fields replaced or added.
func report(org, ref string, set map[string]any) []byte {
	c := map[string]any{
		"ref": ref, "kind": "accident",
		"operators":   []any{map[string]any{"name": org}},
		"occurred_at": "2024-05-10T09:00:00+09:00",
		"area":        "東京都",
		"summary":     "移動通信サービスの音声・データ通信が利用しづらい状況となった。",
		"impacts": []any{map[string]any{"service": "internet_access", "peak_users": 500000, "user_unit": "people",
			"timeline": []any{map[string]any{"from": "2024-05-10T09:00:00+09:00", "to": "2024-05-10T12:30:00+09:00", "users": 500000}}}},
		"report": map[string]any{"status": "ongoing"},
	}
	for k, v := range set {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	b, _ := json.Marshal(c)
	return b
}

func detailedItems() map[string]any {
	return map[string]any{
		"equipment_type": "router", "equipment_outline": "コアルータ（冗長構成）",
		"development": "09:00 ルータ更改作業中に経路情報が消失した。", "recovery_actions": "切り戻しにより12:30に復旧。",
		"user_notices": []any{"website", "sns"}, "facility_manager": "山田太郎", "chief_engineer": "佐藤花子",
		"chief_engineer_licence": "transmission_switching",
		"proportional": map[string]any{"archetype": "careless_human_error", "aspects": map[string]any{
			"education_drills": "全作業者に四半期ごとの訓練を実施する。", "multi_person_work": "作業は二名体制とし、相互確認を行う。"}},
	}
}

func detailed(org, ref string, set map[string]any) []byte {
	base := map[string]any{"recovered_at": "2024-05-10T12:30:00+09:00", "report": detailedItems(),
		"cause": map[string]any{"class": "human", "archetype": "procedure_error", "text": "作業手順の確認漏れ"}}
	for k, v := range set {
		base[k] = v
	}
	return report(org, ref, base)
}

func paths(t *testing.T, err error) []string {
	t.Helper()
	var errs caseformat.Errors
	require.True(t, errors.As(err, &errs), "want field errors, got %v", err)
	var out []string
	for _, e := range errs {
		out = append(out, e.Path)
	}
	return out
}

func TestQuickDetailedAmendmentAreOneCase(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	q, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindQuick, Body: report("KDDI株式会社", "K-1", nil), Source: "api"})
	require.NoError(t, err)
	assert.Equal(t, 1, q.Sequence)
	assert.True(t, q.Judgement.Serious, "500,000 users for 3.5 h is serious")

	again, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindQuick, Body: report("KDDI株式会社", "K-1", nil), Source: "api"})
	require.NoError(t, err)
	assert.True(t, again.Duplicate)
	assert.Equal(t, q.ReportID, again.ReportID)

	det, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindDetailed, CaseID: q.CaseID,
		Body: detailed("KDDI株式会社", "K-1", nil), Source: "form"})
	require.NoError(t, err)
	assert.Equal(t, q.CaseID, det.CaseID)
	assert.Equal(t, 2, det.Sequence)

	// A second detailed report is an amendment.
	am, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindDetailed,
		Body: detailed("KDDI株式会社", "K-1", map[string]any{"area": "東京都、神奈川県"}), Source: "api"})
	require.NoError(t, err)
	assert.Equal(t, q.CaseID, am.CaseID, "found by organisation and ref")
	assert.Equal(t, intake.KindAmendment, am.Kind)
	assert.Equal(t, 3, am.Sequence)

	var n int64
	require.NoError(t, d.db.Raw(`SELECT count(*) FROM cases`).Scan(&n).Error)
	assert.EqualValues(t, 1, n)
	var contacts, detail string
	require.NoError(t, d.db.Raw(`SELECT contacts FROM cases`).Scan(&contacts).Error)
	assert.Contains(t, contacts, "山田太郎", "personal data goes to the own+committee contacts")
	require.NoError(t, d.db.Raw(`SELECT extra::text FROM cases`).Scan(&detail).Error)
	assert.NotContains(t, detail, "山田太郎", "and not into the working copy's other parts")
}

func TestSubmitErrorsNameTheirFields(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	items := detailedItems()
	delete(items, "development")
	items["proportional"] = map[string]any{"archetype": "careless_human_error", "aspects": map[string]any{"education_drills": "訓練"}}
	_, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindDetailed,
		Body: detailed("KDDI株式会社", "K-2", map[string]any{"report": items}), Source: "api"})
	assert.ElementsMatch(t, []string{"report.development", "report.proportional.aspects.multi_person_work"}, paths(t, err))

	_, err = d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindQuick, Body: report("株式会社NTTドコモ", "K-3", nil), Source: "api"})
	assert.Equal(t, []string{"operators[0].name"}, paths(t, err))

	_, err = d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindAmendment, Body: detailed("KDDI株式会社", "K-4", nil), Source: "api"})
	var in *intake.InputError
	require.ErrorAs(t, err, &in)
	assert.Equal(t, "kind", in.Field)

	_, err = d.p.Submit(ctx, d.sec, intake.SubmitRequest{Kind: intake.KindQuick, Body: report("KDDI株式会社", "K-5", nil), Source: "api"})
	assert.ErrorIs(t, err, intake.ErrForbidden)

	var n int64
	require.NoError(t, d.db.Raw(`SELECT count(*) FROM reports`).Scan(&n).Error)
	assert.Zero(t, n, "nothing written")
}

func TestAnotherOrganisationsCaseIsNotFound(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	q, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindQuick, Body: report("KDDI株式会社", "K-1", nil)})
	require.NoError(t, err)
	_, err = d.p.Submit(ctx, d.docomo, intake.SubmitRequest{Kind: intake.KindDetailed, CaseID: q.CaseID,
		Body: detailed("株式会社NTTドコモ", "D-1", nil)})
	assert.ErrorIs(t, err, intake.ErrNotFound)
	_, err = d.p.SaveDraft(ctx, d.docomo, intake.DraftInput{CaseID: q.CaseID, CaseKind: "accident", ReportKind: intake.KindDetailed})
	assert.ErrorIs(t, err, intake.ErrNotFound)
}

func TestStaleDraftSaveShowsWhatChanged(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	dr, err := d.p.SaveDraft(ctx, d.kddi, intake.DraftInput{CaseKind: "accident", ReportKind: intake.KindQuick,
		Body: json.RawMessage(`{"summary":"first"}`)})
	require.NoError(t, err)
	_, err = d.p.SaveDraft(ctx, d.kddi, intake.DraftInput{ID: dr.ID, Version: dr.Version, CaseKind: "accident", ReportKind: intake.KindQuick,
		Body: json.RawMessage(`{"summary":"second","area":"東京都"}`)})
	require.NoError(t, err)
	_, err = d.p.SaveDraft(ctx, d.kddi, intake.DraftInput{ID: dr.ID, Version: dr.Version, CaseKind: "accident", ReportKind: intake.KindQuick,
		Body: json.RawMessage(`{"summary":"mine"}`)})
	ce, ok := intake.IsConflict(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, 2, ce.Current)
	assert.Equal(t, []intake.Change{{Path: "area", Before: nil, After: "東京都"}, {Path: "summary", Before: "first", After: "second"}}, ce.Changes)

	_, err = d.p.Draft(ctx, d.docomo, dr.ID)
	assert.ErrorIs(t, err, intake.ErrNotFound, "another organisation's draft")
	_, err = d.p.Draft(ctx, d.sec, dr.ID)
	assert.ErrorIs(t, err, intake.ErrNotFound, "drafts are the organisation's own until submitted")
}

func TestDraftSubmitsOnce(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	dr, err := d.p.SaveDraft(ctx, d.kddi, intake.DraftInput{CaseKind: "accident", ReportKind: intake.KindQuick,
		Body: report("KDDI株式会社", "K-9", nil)})
	require.NoError(t, err)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
	a, err := d.p.Attach(ctx, d.kddi, dr.ID, "経過報告.pdf", pdf)
	require.NoError(t, err)
	assert.Equal(t, "application/pdf", a.ContentType)
	_, err = d.p.Attach(ctx, d.kddi, dr.ID, "evil.pdf", []byte("<html><script>alert(1)</script>"))
	var in *intake.InputError
	require.ErrorAs(t, err, &in)
	assert.Equal(t, "type", in.Code)
	_, err = d.p.Attach(ctx, d.kddi, dr.ID, "big.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 70<<10)...))
	require.ErrorAs(t, err, &in)
	assert.Equal(t, "too_large", in.Code)

	s1, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{DraftID: dr.ID})
	require.NoError(t, err)
	s2, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{DraftID: dr.ID})
	require.NoError(t, err)
	assert.True(t, s2.Duplicate)
	assert.Equal(t, s1.ReportID, s2.ReportID)
	got, body, err := d.p.Attachment(ctx, d.sec, a.ID)
	require.NoError(t, err, "the committee reads a submitted report's attachments")
	assert.Equal(t, pdf, body)
	assert.Equal(t, s1.ReportID, got.ReportID)
	_, _, err = d.p.Attachment(ctx, d.docomo, a.ID)
	assert.ErrorIs(t, err, intake.ErrNotFound)
	_, err = d.p.SaveDraft(ctx, d.kddi, intake.DraftInput{ID: dr.ID, Version: 1, CaseKind: "accident", ReportKind: intake.KindQuick})
	require.ErrorAs(t, err, &in)
	assert.Equal(t, "submitted", in.Code)
}

func TestAmendmentAfterValidationRaisesFlags(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	det, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindDetailed, Body: detailed("KDDI株式会社", "K-1", nil)})
	require.NoError(t, err)
	rec, err := d.p.Edit(ctx, d.sec, det.CaseID, intake.EditRequest{Version: 1,
		Body: detailed("KDDI株式会社", "K-1", map[string]any{"summary": "事務局が整えた概要"})})
	require.NoError(t, err)
	assert.Equal(t, 2, rec.Version)
	assert.NotNil(t, rec.ValidatedAt)

	// A stale edit names what changed.
	_, err = d.p.Edit(ctx, d.sec, det.CaseID, intake.EditRequest{Version: 1, Body: detailed("KDDI株式会社", "K-1", nil)})
	ce, ok := intake.IsConflict(err)
	require.True(t, ok, "%v", err)
	require.Len(t, ce.Changes, 1)
	assert.Equal(t, "summary", ce.Changes[0].Path)

	am, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindAmendment,
		Body: detailed("KDDI株式会社", "K-1", map[string]any{"recovered_at": "2024-05-10T13:10:00+09:00"})})
	require.NoError(t, err)
	assert.Equal(t, []string{"recovered_at"}, am.Flagged, "the summary the secretariat corrected raises nothing")
	rec, err = d.p.Edit(ctx, d.sec, det.CaseID, intake.EditRequest{Version: 2})
	require.NoError(t, err)
	assert.Equal(t, "事務局が整えた概要", rec.Case.Summary, "the validated copy does not follow the amendment")

	flags, err := d.p.Flags(ctx, d.sec, det.CaseID)
	require.NoError(t, err)
	require.Len(t, flags, 1)
	require.NoError(t, d.p.Resolve(ctx, d.sec, det.CaseID, am.ReportID, "recovered_at", true, rec.Version))
	rec, err = d.p.Edit(ctx, d.sec, det.CaseID, intake.EditRequest{Version: rec.Version + 1})
	require.NoError(t, err)
	assert.Equal(t, "2024-05-10T13:10:00+09:00", rec.Case.RecoveredAt.Format("2006-01-02T15:04:05-07:00"))

	_, err = d.p.Flags(ctx, d.kddi, det.CaseID)
	assert.ErrorIs(t, err, intake.ErrForbidden, "the operator sees its case but not the secretariat's desk")
	_, err = d.p.Flags(ctx, d.docomo, det.CaseID)
	assert.ErrorIs(t, err, intake.ErrNotFound)
}

func TestLinkAndSplitAWholesaleAccident(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	prov, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindQuick, Body: report("KDDI株式会社", "W-1", nil)})
	require.NoError(t, err)
	cust, err := d.p.Submit(ctx, d.docomo, intake.SubmitRequest{Kind: intake.KindQuick, Body: report("株式会社NTTドコモ", "MVNO-7", nil)})
	require.NoError(t, err)

	_, err = d.p.Link(ctx, d.kddi, prov.CaseID, intake.LinkRequest{Other: cust.CaseID, Reason: "x"})
	assert.ErrorIs(t, err, intake.ErrForbidden)
	_, err = d.p.Link(ctx, d.sec, prov.CaseID, intake.LinkRequest{Other: cust.CaseID})
	var in *intake.InputError
	require.ErrorAs(t, err, &in)
	assert.Equal(t, "reason", in.Field)

	rec, err := d.p.Link(ctx, d.sec, prov.CaseID, intake.LinkRequest{Other: cust.CaseID, Reason: "卸先の報告: 同一の設備故障"})
	require.NoError(t, err)
	assert.Len(t, rec.Reports, 2)
	roles := []string{}
	for _, op := range rec.Case.Operators {
		roles = append(roles, string(op.Role))
	}
	assert.Equal(t, []string{"wholesale_provider", "wholesale_customer"}, roles)

	// The customer's next report lands in the joint case.
	det, err := d.p.Submit(ctx, d.docomo, intake.SubmitRequest{Kind: intake.KindDetailed, CaseID: cust.CaseID,
		Body: detailed("株式会社NTTドコモ", "MVNO-7", nil)})
	require.NoError(t, err)
	assert.Equal(t, prov.CaseID, det.CaseID)
	rec, err = d.p.Edit(ctx, d.sec, prov.CaseID, intake.EditRequest{Version: mustVersion(t, d, prov.CaseID)})
	require.NoError(t, err)
	assert.Len(t, rec.Case.Operators, 2, "the customer's report kept both operators")

	rec, err = d.p.Split(ctx, d.sec, prov.CaseID, intake.SplitRequest{Other: cust.CaseID, Reason: "別の事故と判明"})
	require.NoError(t, err)
	assert.Len(t, rec.Reports, 1)
	assert.Len(t, rec.Case.Operators, 1)
	assert.Equal(t, caseformat.RoleReporter, rec.Case.Operators[0].Role)
	var back int64
	require.NoError(t, d.db.Raw(`SELECT count(*) FROM reports WHERE case_id = ?`, cust.CaseID).Scan(&back).Error)
	assert.EqualValues(t, 2, back, "the customer's quick and detailed reports went back with it")
}

func mustVersion(t *testing.T, d *desk, id int64) int {
	t.Helper()
	var v int
	require.NoError(t, d.db.Raw(`SELECT version FROM cases WHERE id = ?`, id).Scan(&v).Error)
	return v
}

// A report's content never changes; only the secretariat's link or split
// moves it to another case.
func TestReportsAreImmutable(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	q, err := d.p.Submit(ctx, d.kddi, intake.SubmitRequest{Kind: intake.KindQuick, Body: report("KDDI株式会社", "K-1", nil)})
	require.NoError(t, err)
	for _, stmt := range []string{
		`UPDATE reports SET body = 'x' WHERE id = ?`,
		`UPDATE reports SET body_sha256 = 'x' WHERE id = ?`,
		`UPDATE reports SET organisation_id = NULL WHERE id = ?`,
		`DELETE FROM reports WHERE id = ?`,
	} {
		err := d.db.Exec(stmt, q.ReportID).Error
		assert.ErrorContains(t, err, "reports are immutable", stmt)
	}
	assert.NoError(t, d.db.Exec(`UPDATE reports SET case_id = case_id WHERE id = ?`, q.ReportID).Error)
}

// The prefectures picked on a form are the case's area when the report
// gives no area text.
func TestPrefecturesAreTheArea(t *testing.T) {
	d := newDesk(t)
	items := detailedItems()
	items["prefectures"] = []any{"osaka", "hyogo"}
	body := detailed("KDDI株式会社", "K-AREA", map[string]any{"report": items, "area": nil})
	s, err := d.p.Submit(context.Background(), d.kddi, intake.SubmitRequest{Kind: intake.KindDetailed, Body: body})
	require.NoError(t, err)
	var area string
	require.NoError(t, d.db.Raw(`SELECT area FROM cases WHERE id = ?`, s.CaseID).Scan(&area).Error)
	assert.Equal(t, "大阪府、兵庫県", area)
}
