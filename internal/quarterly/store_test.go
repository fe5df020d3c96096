package quarterly_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/casestore"
	"kensho/internal/granttest"
	"kensho/internal/jpdate"
	"kensho/internal/quarterly"
)

// fixture is a service over a fresh database with the policy and the
// registry, and callers of each kind.
type fixture struct {
	svc                             *quarterly.Service
	db                              *gorm.DB
	secretariat, kddi, expert, edit quarterly.Caller
	kddiOrg, docomoOrg              int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	gdb, _ := granttest.New(t, true)
	ctx := context.Background()
	org := func(name string) int64 {
		o, err := casestore.FindOrganisation(gdb, name)
		require.NoError(t, err)
		return o.ID
	}
	f := &fixture{db: gdb, kddiOrg: org("KDDI"), docomoOrg: org("ドコモ")}
	for _, g := range [][2]string{{"user:1", "role:secretariat"}, {"user:2", "role:reporter"}, {"user:3", "role:expert"}, {"user:4", "role:editor"}} {
		_, err := access.Grant(ctx, gdb, access.NewRule(access.SourceUser, "test", "", "g", g[0], g[1]))
		require.NoError(t, err)
	}
	// The expert declared a conflict with Docomo.
	_, err := access.Grant(ctx, gdb, access.NewRule(access.SourceUser, "test", "", "p", "user:3", access.OwnerKey(f.docomoOrg), "*", "*", "deny"))
	require.NoError(t, err)
	ac, err := access.New(ctx, gdb, nil)
	require.NoError(t, err)
	f.svc, err = quarterly.New(gdb, ac)
	require.NoError(t, err)
	f.svc.Now = func() time.Time { return time.Date(2025, 6, 15, 12, 0, 0, 0, jpdate.JST) }
	f.secretariat = quarterly.Caller{Subject: access.UserSubject(1, 0), Actor: "user:1"}
	f.kddi = quarterly.Caller{Subject: access.UserSubject(2, f.kddiOrg), Actor: "user:2"}
	f.expert = quarterly.Caller{Subject: access.UserSubject(3, 0), Actor: "user:3"}
	f.edit = quarterly.Caller{Subject: access.UserSubject(4, 0), Actor: "user:4"}
	return f
}

func (f *fixture) count(t *testing.T, query string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, f.db.Raw(query).Scan(&n).Error)
	return n
}

func (f *fixture) upload(t *testing.T, c quarterly.Caller, name, data string) (*quarterly.Result, error) {
	t.Helper()
	return f.svc.Upload(context.Background(), c, quarterly.Upload{Filename: name, Data: []byte(data)})
}

const head = "organisation,fiscal_year,quarter,form,equipment_type,prefecture,count,ref,occurred_at,recovered_at,service,users,duration_minutes,cause_class,cause_archetype,summary\n"

// secretariatFile has rows of two organisations.
var secretariatFile = head +
	"KDDI,2024,1,simple,base_station,tokyo,12,,,,,,,,,\n" +
	"KDDI,2024,1,simple,base_station,osaka,3,,,,,,,,,\n" +
	"KDDI株式会社,2024,2,simple,dslam,nationwide,1,,,,,,,,,\n" +
	"ドコモ,2024,1,simple,base_station,tokyo,40,,,,,,,,,\n" +
	"KDDI,2024,1,detailed,switching,tokyo,,K-1,2024-05-01 10:00,2024-05-01 12:30,voice,35000,,equipment,software_bug,交換機のソフトウェア不具合\n"

func TestUploadTwiceAddsNothingAndCorrectionsUpdate(t *testing.T) {
	f := newFixture(t)
	res, err := f.upload(t, f.secretariat, "q.csv", secretariatFile)
	require.NoError(t, err)
	assert.Equal(t, 5, res.Added)
	assert.Zero(t, res.Updated)
	assert.Equal(t, []string{"FY2024 Q1", "FY2024 Q2"}, res.Quarters)
	assert.EqualValues(t, 5, f.count(t, "SELECT count(*) FROM quarterly_rows"))
	assert.EqualValues(t, 1, f.count(t, "SELECT count(*) FROM quarterly_uploads WHERE organisation_id IS NULL"), "a file of two organisations belongs to none")
	assert.EqualValues(t, 1, f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'import' AND object LIKE 'quarterly_upload:%'
		AND actor = 'user:1' AND (detail->>'added')::int = 5`))

	res, err = f.upload(t, f.secretariat, "q.csv", secretariatFile)
	require.NoError(t, err)
	assert.Equal(t, [3]int{0, 0, 5}, [3]int{res.Added, res.Updated, res.Unchanged}, "the same file again")
	assert.Zero(t, res.UploadID)
	assert.EqualValues(t, 1, f.count(t, "SELECT count(*) FROM quarterly_uploads"), "a no-op upload writes nothing")
	assert.EqualValues(t, 1, f.count(t, "SELECT count(*) FROM audit_log WHERE object LIKE 'quarterly_upload:%'"))

	corrected := strings.Replace(secretariatFile, "tokyo,12,", "tokyo,13,", 1)
	corrected = strings.Replace(corrected, "35000,,", "36000,120,", 1)
	corrected += "ドコモ,2024,1,simple,dslam,tokyo,2,,,,,,,,,\n"
	res, err = f.upload(t, f.secretariat, "q2.csv", corrected)
	require.NoError(t, err)
	assert.Equal(t, [3]int{1, 2, 3}, [3]int{res.Added, res.Updated, res.Unchanged})
	assert.EqualValues(t, 13, f.count(t, "SELECT count FROM quarterly_rows WHERE key = 'base_station:tokyo' AND organisation_id = "+fmt.Sprint(f.kddiOrg)))
	assert.EqualValues(t, 120, f.count(t, "SELECT duration_minutes FROM quarterly_rows WHERE key = 'K-1'"))
	assert.EqualValues(t, res.UploadID, f.count(t, "SELECT upload_id FROM quarterly_rows WHERE key = 'K-1'"), "the row names the upload that last set it")
	assert.EqualValues(t, 6, f.count(t, "SELECT count(*) FROM quarterly_rows"))
}

func TestOneBadRowWritesNothing(t *testing.T) {
	f := newFixture(t)
	bad := secretariatFile + "KDDI,2024,1,simple,base_station,narnia,1,,,,,,,,,\n"
	res, err := f.upload(t, f.secretariat, "bad.csv", bad)
	var errs quarterly.Errors
	require.ErrorAs(t, err, &errs)
	require.Len(t, res.Errors, 1)
	assert.Equal(t, 7, res.Errors[0].Row)
	assert.Equal(t, "prefecture", res.Errors[0].Column)
	assert.Contains(t, err.Error(), "row 7, column prefecture: must be one of")
	assert.Zero(t, res.Added)
	assert.Zero(t, f.count(t, "SELECT count(*) FROM quarterly_rows"))
	assert.Zero(t, f.count(t, "SELECT count(*) FROM quarterly_uploads"))
	assert.Zero(t, f.count(t, "SELECT count(*) FROM audit_log WHERE object LIKE 'quarterly_upload:%'"))
}

func TestOrganisationsAndRights(t *testing.T) {
	f := newFixture(t)
	codes := func(err error) []string {
		var errs quarterly.Errors
		require.ErrorAs(t, err, &errs)
		var out []string
		for _, e := range errs {
			out = append(out, fmt.Sprintf("%d/%s/%s", e.Row, e.Column, e.Code))
		}
		return out
	}
	// A reporter: its own rows, with the organisation empty or its own.
	own := head + ",2024,1,simple,base_station,tokyo,12,,,,,,,,,\nKDDI,2024,1,simple,dslam,tokyo,1,,,,,,,,,\n"
	res, err := f.upload(t, f.kddi, "own.csv", own)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Added)
	assert.EqualValues(t, f.kddiOrg, f.count(t, "SELECT organisation_id FROM quarterly_uploads"))

	// …never another organisation's.
	_, err = f.upload(t, f.kddi, "other.csv", own+"ドコモ,2024,1,simple,dslam,tokyo,1,,,,,,,,,\n")
	assert.Equal(t, []string{"4/organisation/organisation.forbidden"}, codes(err))
	assert.Contains(t, err.Error(), "your own organisation's rows (KDDI株式会社)")

	// The secretariat names the organisation of every row, from the registry.
	_, err = f.upload(t, f.secretariat, "s.csv", head+",2024,1,simple,dslam,tokyo,1,,,,,,,,,\nAcme Telecom,2024,1,simple,dslam,tokyo,1,,,,,,,,,\n")
	assert.Equal(t, []string{"2/organisation/organisation.required", "3/organisation/organisation.unknown"}, codes(err))
	assert.EqualValues(t, 0, f.count(t, "SELECT count(*) FROM organisations WHERE name = 'Acme Telecom'"), "nothing is added to the registry")

	// Two spellings of one organisation and one key: a duplicate.
	_, err = f.upload(t, f.secretariat, "d.csv", head+"KDDI,2024,1,simple,dslam,tokyo,1,,,,,,,,,\nau,2024,1,simple,DSLAM,東京都,2,,,,,,,,,\n")
	assert.Equal(t, []string{"3/prefecture/row.duplicate"}, codes(err))

	// Committee members read, never upload; editors do neither.
	for _, c := range []quarterly.Caller{f.expert, f.edit, {Subject: access.Anonymous, Actor: "anonymous"}} {
		_, err = f.upload(t, c, "x.csv", own)
		assert.ErrorIs(t, err, quarterly.ErrForbidden, c.Actor)
	}
	assert.EqualValues(t, 2, f.count(t, "SELECT count(*) FROM quarterly_rows"))
}

func TestReadRowsAndSummary(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.upload(t, f.secretariat, "q.csv", secretariatFile)
	require.NoError(t, err)

	page, err := f.svc.Rows(ctx, f.kddi, quarterly.Query{FiscalYear: 2024})
	require.NoError(t, err)
	require.Len(t, page.Items, 4, "a reporter reads its own organisation's rows only")
	for _, r := range page.Items {
		assert.Equal(t, "KDDI株式会社", r.Organisation)
	}
	page, err = f.svc.Rows(ctx, f.secretariat, quarterly.Query{FiscalYear: 2024, Quarter: 1, Limit: 2})
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	require.NotEmpty(t, page.NextCursor)
	next, err := f.svc.Rows(ctx, f.secretariat, quarterly.Query{FiscalYear: 2024, Quarter: 1, Limit: 2, Cursor: page.NextCursor})
	require.NoError(t, err)
	assert.Len(t, next.Items, 2)
	assert.Empty(t, next.NextCursor)
	detailed := next.Items[1]
	assert.Equal(t, "K-1", detailed.Ref)
	assert.Equal(t, 150, int(*detailed.DurationMinutes))

	page, err = f.svc.Rows(ctx, f.expert, quarterly.Query{FiscalYear: 2024})
	require.NoError(t, err)
	assert.Len(t, page.Items, 4, "the expert's conflict hides Docomo's row")
	_, err = f.svc.Rows(ctx, f.edit, quarterly.Query{FiscalYear: 2024})
	assert.ErrorIs(t, err, quarterly.ErrForbidden)
	_, err = f.svc.Rows(ctx, f.secretariat, quarterly.Query{})
	var in *quarterly.InputError
	require.True(t, errors.As(err, &in))
	assert.Equal(t, "fiscal_year", in.Field)
	assert.EqualValues(t, 4, f.count(t, "SELECT count(*) FROM audit_log WHERE action = 'read' AND object = 'quarterly_rows'"), "every page read is audited")

	sum, err := f.svc.Summary(ctx, f.kddi)
	require.NoError(t, err)
	require.Len(t, sum.Quarters, quarterly.SummaryQuarters)
	byQ := map[string]quarterly.QuarterStatus{}
	for _, q := range sum.Quarters {
		byQ[fmt.Sprintf("%d-%d", q.FiscalYear, q.Quarter)] = q
	}
	assert.True(t, byQ["2025-1"].Open, "now is 2025-06-15")
	q1 := byQ["2024-1"]
	assert.EqualValues(t, 15, q1.Counts)
	assert.Equal(t, 1, q1.Detailed)
	assert.False(t, q1.Overdue)
	assert.Equal(t, "2024-08-31", q1.Due.Format(time.DateOnly))
	assert.True(t, byQ["2024-3"].Overdue, "past its due date with nothing filed")
	assert.True(t, byQ["2024-4"].Overdue, "due 2025-05-31")
	assert.False(t, byQ["2024-2"].Overdue, "filed")
	all, err := f.svc.Summary(ctx, f.secretariat)
	require.NoError(t, err)
	for _, q := range all.Quarters {
		if q.FiscalYear == 2024 && q.Quarter == 1 {
			assert.Equal(t, 2, q.Organisations)
			assert.EqualValues(t, 55, q.Counts)
		}
		assert.False(t, q.Overdue, "overdue is an organisation's")
	}
}

// Two uploads of one file at once: the writers' lock makes one add the
// rows and the other find them.
func TestConcurrentUploadsAddOnce(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	results := make([]*quarterly.Result, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			results[i], errs[i] = f.upload(t, f.secretariat, "q.csv", secretariatFile)
		})
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	assert.Equal(t, 5, results[0].Added+results[1].Added)
	assert.Equal(t, 5, results[0].Unchanged+results[1].Unchanged)
	assert.EqualValues(t, 5, f.count(t, "SELECT count(*) FROM quarterly_rows"))
}
