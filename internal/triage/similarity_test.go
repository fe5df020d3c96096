package triage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/stacktest"
	"kensho/internal/triage"
)

// retrievalFixture is testdata/retrieval.json: paraphrases of dev cases,
// as another clerk would have written them, and cases of a kind the case
// base has never seen.
type retrievalFixture struct {
	Paraphrases []struct {
		Original string          `json:"original"`
		Note     string          `json:"note"`
		Case     json.RawMessage `json:"case"`
	} `json:"paraphrases"`
	Novel []struct {
		Note string          `json:"note"`
		Case json.RawMessage `json:"case"`
	} `json:"novel"`
}

func loadFixture(t *testing.T) retrievalFixture {
	t.Helper()
	data, err := os.ReadFile("testdata/retrieval.json")
	require.NoError(t, err)
	var f retrievalFixture
	require.NoError(t, json.Unmarshal(data, &f))
	require.NotEmpty(t, f.Paraphrases)
	require.NotEmpty(t, f.Novel)
	return f
}

func decode(t *testing.T, raw json.RawMessage) caseformat.Case {
	t.Helper()
	c, err := caseformat.DecodeCase(raw)
	require.NoError(t, err)
	return c
}

// Each paraphrase finds its original in the top 3, and a case of a new
// kind is more novel than every paraphrase — over the demo case base (the
// dev data's serious accidents, the demo near-misses and reports).
func TestRetrievalQuality(t *testing.T) {
	st := stacktest.New(t)
	f := loadFixture(t)
	ctx := context.Background()
	sec := subject(t, st, "secretariat")

	maxParaphraseNovelty := 0.0
	var report strings.Builder
	for _, p := range f.Paraphrases {
		c := decode(t, p.Case)
		res, err := st.Similarity.SimilarCase(ctx, sec, &c, 10)
		require.NoError(t, err)
		rank := slices.IndexFunc(res.Matches, func(m triage.Match) bool { return m.Ref == p.Original }) + 1
		fmt.Fprintf(&report, "%s → %s: rank %d, score %.3f, novelty %.3f\n", c.Ref, p.Original, rank, scoreOf(res, p.Original), res.Novelty)
		if assert.True(t, rank >= 1 && rank <= 3, "%s: %s is not in the top 3: %s", c.Ref, p.Original, refs(res)) {
			m := res.Matches[rank-1]
			assert.NotEmpty(t, m.Why, "%s: a match says why", c.Ref)
		}
		maxParaphraseNovelty = max(maxParaphraseNovelty, res.Novelty)
	}
	for _, n := range f.Novel {
		c := decode(t, n.Case)
		res, err := st.Similarity.SimilarCase(ctx, sec, &c, 10)
		require.NoError(t, err)
		fmt.Fprintf(&report, "%s (novel): novelty %.3f, best %s\n", c.Ref, res.Novelty, refs(res))
		assert.Greater(t, res.Novelty, maxParaphraseNovelty, "%s must be more novel than every paraphrase", c.Ref)
	}
	t.Log("\n" + report.String())
}

func scoreOf(res *triage.Result, ref string) float64 {
	for _, m := range res.Matches {
		if m.Ref == ref {
			return m.Score
		}
	}
	return 0
}

func refs(res *triage.Result) string {
	var out []string
	for _, m := range res.Matches {
		out = append(out, fmt.Sprintf("%s(%.2f)", m.Ref, m.Score))
	}
	return strings.Join(out, " ")
}

// A stored case: the query is the case as the caller reads it, the case
// itself is never its own match, the score is 0..1 and best first, and
// novelty is 1 − the best score.
func TestSimilarStoredCase(t *testing.T) {
	st := stacktest.New(t)
	ctx := context.Background()
	sec := subject(t, st, "secretariat")
	id := st.Cases["2019-001"]
	res, err := st.Similarity.Similar(ctx, sec, id, 5)
	require.NoError(t, err)
	require.NotEmpty(t, res.Matches)
	assert.Equal(t, id, res.CaseID)
	assert.InDelta(t, 1-res.Matches[0].Score, res.Novelty, 1e-9)
	for i, m := range res.Matches {
		assert.NotEqual(t, id, m.CaseID, "the case is not its own match")
		assert.True(t, m.Score >= 0 && m.Score <= 1, "score %v", m.Score)
		if i > 0 {
			assert.LessOrEqual(t, m.Score, res.Matches[i-1].Score, "best first")
		}
		assert.NotEmpty(t, m.Ref)
		assert.NotEmpty(t, m.Title)
	}
	_, err = st.Similarity.Similar(ctx, sec, 999999, 5)
	assert.ErrorIs(t, err, casefile.ErrNotFound)
}

// The index follows every write: a case written through any path (here,
// straight SQL as another instance would) is searched at once, a change
// replaces what was indexed, and a deleted case is gone.
func TestIndexFollowsWrites(t *testing.T) {
	st := stacktest.New(t)
	ctx := context.Background()
	sec := subject(t, st, "secretariat")
	q := caseformat.Case{Kind: caseformat.KindAccident, Summary: "海底ケーブルの陸揚局で冷却装置が停止し、伝送装置が熱暴走した。"}
	search := func() string {
		res, err := st.Similarity.SimilarCase(ctx, sec, &q, 3)
		require.NoError(t, err)
		return first(res)
	}
	require.NotEqual(t, "WRITE-1", search())

	require.NoError(t, st.DB.Exec(`INSERT INTO cases (identity_key, ref, kind, occurred_at, fiscal_year, summary)
		VALUES ('write-test', 'WRITE-1', 'information', now(), 2026, ?)`, q.Summary).Error)
	assert.Equal(t, "WRITE-1", search(), "an insert is searched at once")

	require.NoError(t, st.DB.Exec("UPDATE cases SET summary = '気象衛星の受信設備で落雷による停電が発生した。' WHERE ref = 'WRITE-1'").Error)
	assert.NotEqual(t, "WRITE-1", search(), "an update replaces the indexed text")
	require.NoError(t, st.DB.Exec("UPDATE cases SET summary = ? WHERE ref = 'WRITE-1'", q.Summary).Error)
	require.Equal(t, "WRITE-1", search())

	require.NoError(t, st.DB.Exec("DELETE FROM cases WHERE ref = 'WRITE-1'").Error)
	assert.NotEqual(t, "WRITE-1", search(), "a deleted case is gone")
}

// A second server over the same database (another instance's engine,
// listening) follows the first one's writes through NOTIFY, without being
// asked.
func TestIndexFollowsOtherInstances(t *testing.T) {
	st := stacktest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg, err := triage.LoadSimilarityConfig()
	require.NoError(t, err)
	other := triage.NewEngine(st.DB, st.Access, cfg, nil)
	require.NoError(t, other.Build(ctx))
	go other.Listen(ctx, st.DBURL)
	before := other.Stats()

	require.NoError(t, st.DB.Exec(`INSERT INTO cases (identity_key, ref, kind, occurred_at, fiscal_year, summary)
		VALUES ('notify-test', 'NOTIFY-1', 'information', now(), 2026, '気象衛星の受信設備で落雷による停電が発生した。')`).Error)
	require.Eventually(t, func() bool { return other.Stats().Docs == before.Docs+1 }, 10*time.Second, 20*time.Millisecond,
		"the other instance indexes the new case on NOTIFY")
}

func first(res *triage.Result) string {
	if len(res.Matches) == 0 {
		return ""
	}
	return res.Matches[0].Ref
}

// Tiers: over the API, for every role and target case, a case the caller
// may not read is never listed, and no text of a section it may not read
// appears in a title or an explanation — even when the query shares that
// text word for word.
func TestSimilarRespectsTiers(t *testing.T) {
	st := stacktest.New(t)
	st.Plant(t)
	// Every case's restricted detail also carries the markers of all the
	// others: a search shares them all, so they would surface as key words
	// if a hidden section shaped an explanation.
	var all []string
	for _, tg := range stacktest.Targets {
		for _, sec := range stacktest.Sections {
			all = append(all, stacktest.Marker(sec, st.Cases[tg.Ref]))
		}
	}
	require.NoError(t, st.DB.Exec("UPDATE cases SET detail = detail || ' ' || ? WHERE id IN ?", strings.Join(all, " "), ids(st)).Error)

	listed := map[string]int{}
	for role, want := range stacktest.Want {
		login := role
		if role == "anonymous" {
			login = ""
		}
		forbidden := st.Forbidden(role)
		for _, tg := range stacktest.Targets {
			id := st.Cases[tg.Ref]
			code, body := st.Do(t, login, http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/similar?top=50", id), "")
			if login == "" {
				assert.Equal(t, http.StatusUnauthorized, code)
				continue
			}
			if want[tg.Ref] == nil {
				assert.Equal(t, http.StatusNotFound, code, "%s on %s: %s", role, tg.Ref, body)
				continue
			}
			require.Equal(t, http.StatusOK, code, "%s on %s: %s", role, tg.Ref, body)
			noMarkersFold(t, body, forbidden, role+" on "+tg.Ref)
			var res triage.Result
			require.NoError(t, json.Unmarshal([]byte(body), &res))
			listed[role] += len(res.Matches)
			for _, m := range res.Matches {
				if m.CaseID == 0 {
					continue
				}
				ref := refOf(st, m.CaseID)
				seen, listed := want[ref]
				if _, isTarget := stacktest.Want["secretariat"][ref]; isTarget {
					assert.True(t, listed && seen != nil, "%s on %s lists %s, which it may not see", role, tg.Ref, ref)
					if m.Ref != "" {
						assert.Contains(t, seen, stacktest.Overview, "%s on %s names %s without its overview", role, tg.Ref, ref)
					}
				}
				// Whatever the case, the caller can open what it is shown.
				c, _ := st.Do(t, login, http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", m.CaseID), "")
				assert.Equal(t, http.StatusOK, c, "%s on %s lists case %d it cannot open", role, tg.Ref, m.CaseID)
			}
		}
	}
	t.Logf("matches listed per role: %v", listed)
	for _, role := range []string{"secretariat", "expert", "kddi", "docomo", "optage"} {
		assert.Positive(t, listed[role], "%s is shown similar cases at all", role)
	}
}

func ids(st *stacktest.Stack) []int64 {
	var out []int64
	for _, tg := range stacktest.Targets {
		out = append(out, st.Cases[tg.Ref])
	}
	return out
}

func refOf(st *stacktest.Stack, id int64) string {
	for ref, x := range st.Cases {
		if x == id {
			return ref
		}
	}
	return ""
}

// noMarkersFold is stacktest.NoMarkers ignoring case: the index folds
// letters to lower case, so a leaked marker would come back lowered.
func noMarkersFold(t *testing.T, body string, markers []string, where string) {
	t.Helper()
	lower := strings.ToLower(body)
	for _, m := range markers {
		if strings.Contains(lower, strings.ToLower(m)) {
			t.Errorf("%s leaks %s", where, m)
		}
	}
}

// `kensho similar` reads one case on stdin and lists the stored cases most
// like it, as CASE-FORMAT.md says.
func TestSimilarCommand(t *testing.T) {
	st := stacktest.New(t)
	f := loadFixture(t)
	p := f.Paraphrases[0]
	out := stacktest.RunInput(t, st.DBURL, string(p.Case), "similar", "--top", "3")
	var got []struct {
		Ref   string          `json:"ref"`
		Score float64         `json:"score"`
		Why   []triage.Reason `json:"why"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Len(t, got, 3)
	assert.Equal(t, p.Original, got[0].Ref)
	assert.NotEmpty(t, got[0].Why)
	for _, g := range got {
		assert.True(t, g.Score >= 0 && g.Score <= 1)
	}
}

// A detailed quarterly-report row is a document of the case base too, read
// by the secretariat, the experts without a conflict with its organisation
// and its own organisation's reporters only.
func TestSimilarQuarterlyRowsByOrganisation(t *testing.T) {
	st := stacktest.New(t)
	ctx := context.Background()
	var kddi int64
	require.NoError(t, st.DB.Raw("SELECT organisation_id FROM organisation_names WHERE name = 'KDDI株式会社'").Scan(&kddi).Error)
	require.NotZero(t, kddi)
	var upload int64
	require.NoError(t, st.DB.Raw(`INSERT INTO quarterly_uploads (organisation_id, filename, format, sha256, rows, added, updated, uploaded_by)
		VALUES (?, 'q.csv', 'csv', repeat('a', 64), 1, 1, 0, 'test') RETURNING id`, kddi).Scan(&upload).Error)
	require.NoError(t, st.DB.Exec(`INSERT INTO quarterly_rows (organisation_id, fiscal_year, quarter, form, key, equipment_type, prefecture,
		occurred_at, recovered_at, service, users, duration_minutes, cause_class, cause_archetype, summary, upload_id)
		VALUES (?, 2025, 2, 'detailed', 'QROW-1', 'exchange', '北海道', now() - interval '3 hours', now(), 'voice', 40000, 180,
		'equipment', 'hardware_failure', '基地局の整流器が故障し、蓄電池の放電後に音声通話が停波した。', ?)`, kddi, upload).Error)
	q := caseformat.Case{Kind: caseformat.KindAccident, Summary: "基地局の整流器の故障により蓄電池が放電し、音声通話が停波した。"}
	for login, sees := range map[string]bool{"secretariat": true, "expert": true,
		"expert-telecom": false, "kddi": true, "docomo": false, "optage": false} {
		res, err := st.Similarity.SimilarCase(ctx, subject(t, st, login), &q, 5)
		require.NoError(t, err)
		found := slices.ContainsFunc(res.Matches, func(m triage.Match) bool { return m.QuarterlyRowID != 0 })
		assert.Equal(t, sees, found, "%s: %s", login, refs(res))
		if found {
			assert.Equal(t, "quarterly", res.Matches[0].Kind, "%s: the row is the best match", login)
		}
	}
}
