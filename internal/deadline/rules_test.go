package deadline

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/jpdate"
)

func shippedRules(t testing.TB) *Rules {
	t.Helper()
	r, err := LoadRules(configs.FS)
	require.NoError(t, err)
	return r
}

// The dates of SPEC §2, counted in JST: +30 days from the occurrence date
// (the day itself not counted), and two months after the fiscal quarter.
func TestDueDates(t *testing.T) {
	r := shippedRules(t)
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return v
	}
	for _, tc := range []struct {
		name, kind, occurred, dueOn string
	}{
		{"serious: +30 days", "detailed", "2024-05-01T10:00:00+09:00", "2024-05-31"},
		{"serious, late at night", "detailed", "2024-05-01T23:59:00+09:00", "2024-05-31"},
		{"JST midnight: 15:30 UTC is the next day in Japan", "detailed", "2024-04-30T15:30:00Z", "2024-05-31"},
		{"just before JST midnight", "detailed", "2024-04-30T14:59:00Z", "2024-05-30"},
		{"across a month end", "detailed", "2024-01-31T09:00:00+09:00", "2024-03-01"},
		{"across the fiscal year", "detailed", "2024-03-20T12:00:00+09:00", "2024-04-19"},
		{"Q1 (April–June)", "quarterly", "2024-04-01T00:00:00+09:00", "2024-08-31"},
		{"Q1, last minute", "quarterly", "2024-06-30T23:59:00+09:00", "2024-08-31"},
		{"Q2 from JST midnight of July 1 (still June 30 in UTC)", "quarterly", "2024-06-30T15:30:00Z", "2024-11-30"},
		{"Q3 ends with the calendar year", "quarterly", "2024-12-31T10:00:00+09:00", "2025-02-28"},
		{"Q3 into a leap February", "quarterly", "2023-11-15T10:00:00+09:00", "2024-02-29"},
		{"Q4 (January–March) is last of the fiscal year", "quarterly", "2025-01-10T10:00:00+09:00", "2025-05-31"},
		{"the fiscal year's last minute in JST is Q4", "quarterly", "2024-03-31T23:59:00+09:00", "2024-05-31"},
		{"the fiscal year's first minute in JST is Q1", "quarterly", "2024-03-31T15:00:00Z", "2024-08-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := r.Kind(tc.kind)
			require.NotNil(t, k)
			on, end := k.Due(at(tc.occurred))
			assert.Equal(t, tc.dueOn, jpdate.DateOf(on))
			// The deadline passes when the last day ends, midnight JST.
			assert.Equal(t, on.AddDate(0, 0, 1), end)
			assert.Equal(t, "00:00", end.In(jpdate.JST).Format("15:04"))
		})
	}
}

func TestReminderTimes(t *testing.T) {
	r := shippedRules(t)
	dueOn, _ := jpdate.ParseDate("2024-05-31")
	var got []string
	for _, s := range r.Reminders.Stages {
		got = append(got, s.ID+" "+r.RemindAt(dueOn, s).In(jpdate.JST).Format("2006-01-02 15:04"))
	}
	assert.Equal(t, []string{"before_7d 2024-05-24 09:00", "before_1d 2024-05-30 09:00", "due 2024-05-31 09:00",
		"overdue_7d 2024-06-07 09:00"}, got)
}

func TestMessagesRenderInBothLanguages(t *testing.T) {
	r := shippedRules(t)
	p := map[string]any{"ref": "2024-007", "kind": "detailed", "due": "2024-05-31", "days": float64(7)}
	assert.Equal(t, "事案 2024-007：詳細な報告の提出期限（令和6年(2024年)5月31日）まであと7日です。", r.Message("ja", "reminder.before_7d", p))
	assert.Equal(t, "Case 2024-007: the detailed report is due in 7 days (2024-05-31).", r.Message("en", "reminder.before_7d", p))
	assert.Contains(t, r.Message("ja", "reminder.overdue_7d", p), "7日過ぎています")
	assert.Equal(t, "reminder.gone", r.Message("en", "reminder.gone", p), "an unknown key shows itself")
}

// Every problem of the file is reported with its field.
func TestRulesValidation(t *testing.T) {
	_, err := ParseRules([]byte(`
kinds:
  - id: Detailed
    ja: ""
    en: x
    when: [serious, quarterly_accident]
    from: occurrence
    days: 0
    met_by: [detail]
  - id: q
    ja: 四半期
    en: q
    when: [quarterly_accident]
    from: quarter_start
    met_by: [quarterly_detailed]
reminders:
  at: "9am"
  stages:
    - {id: a, days: 0, ja: "{ref}", en: "{reff}"}
    - {id: b, days: -1, ja: x, en: ""}
queue:
  within_days: 0
`))
	require.Error(t, err)
	for _, want := range []string{
		`kinds[0].id: "Detailed"`, "kinds[0]: ja and en names are required", `kinds[0].when[0]: "serious"`,
		"kinds[0]: from occurrence counts days", `kinds[0].met_by[0]: "detail" is not a report kind`,
		`kinds[1].from: "quarter_start"`, `reminders.at: "9am"`, "reminders.stages[0].en: unknown placeholder {reff}",
		"reminders.stages[1].days: stages go in time order", "reminders.stages[1].en: the message is required",
		"queue.within_days: 0",
	} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = ParseRules([]byte("kinds: []\nsurprise: 1\n"))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "surprise"), err.Error())
}
