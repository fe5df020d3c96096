package webui_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/jobs"
	"kensho/internal/llmtest"
	"kensho/internal/stacktest"
	"kensho/internal/triage"
)

// hx sends a request as htmx does: the fragment comes back, not the page.
func (b *browser) hx(method, path string, form url.Values) response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	require.NoError(b.t, err)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", b.csrf)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return b.do(req)
}

// startJobs runs the instance's job runner (the opinions' calls) until
// the test ends.
func startJobs(t *testing.T, s *stacktest.Stack) {
	t.Helper()
	r, err := jobs.NewRunner(context.Background(), s.DBURL, jobs.Config{Workers: 1, PollInterval: 100 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)), s.JobServices()...)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background()))
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
}

func llmStack(t *testing.T) (*stacktest.Stack, *llmtest.Server) {
	const key = "sk-kensho-webui-test-key-31"
	srv := llmtest.Start(t, key)
	s := stacktest.NewWith(t, stacktest.Options{Env: map[string]string{
		"KENSHO_LLM_ENABLED": "true", "KENSHO_LLM_PROVIDER": "testllm", "KENSHO_LLM_BASE_URL": srv.BaseURL(),
		"KENSHO_LLM_MODEL": "kensho-ja", "KENSHO_LLM_API_KEY": key, "KENSHO_LLM_MAX_RETRIES": "0"}})
	return s, srv
}

func TestTriageOpinionOff(t *testing.T) {
	s := stacktest.New(t)
	path := fmt.Sprintf("/cases/%d/opinions", s.Cases["2018-001"])
	sec := signedIn(t, s, "secretariat")
	sec.get(fmt.Sprintf("/cases/%d/triage", s.Cases["2018-001"]))
	assert.Equal(t, http.StatusForbidden, sec.post(path, nil, "").Status)
	r := sec.post(path, nil, "auto")
	assert.Equal(t, http.StatusConflict, r.Status)
	assert.Contains(t, triageFieldError(r.Body, "opinion-error"), "無効のため、何も送信していません")
	assert.Contains(t, r.Body, `id="decision-form"`, "the rest of the page works")
	r = sec.hx("POST", path, url.Values{})
	assert.Equal(t, http.StatusConflict, r.Status)
	assert.True(t, strings.HasPrefix(strings.TrimSpace(r.Body), `<section id="opinion"`), "htmx gets the block alone")
	assert.Contains(t, r.Body, "無効のため")
	assert.Equal(t, http.StatusSeeOther, sec.get(path).Status, "the block alone is for htmx")
}

// With the LLM on: the secretariat asks from the triage page, the block
// comes back pending and polls until the job has the answer; the answer
// is shown as a machine's, with where it came from and what was sent.
func TestTriageOpinion(t *testing.T) {
	s, srv := llmStack(t)
	ctx := context.Background()
	id := s.Cases["2018-001"] // published: its overview may go to the provider
	page, block := fmt.Sprintf("/cases/%d/triage", id), fmt.Sprintf("/cases/%d/opinions", id)
	sec := signedIn(t, s, "secretariat")

	r := sec.get(page)
	require.Equal(t, 200, r.Status)
	assert.Contains(t, r.Body, `id="opinion-ask"`)
	assert.Contains(t, r.Body, "問い合わせ先: testllm（モデル kensho-ja、")
	assert.Contains(t, r.Body, "まだセカンドオピニオンはありません。")
	r = signedIn(t, s, "expert-software").get(page)
	assert.Equal(t, 200, r.Status)
	assert.NotContains(t, r.Body, `id="opinion-ask"`, "the committee reads, the secretariat asks")
	assert.Equal(t, 404, signedIn(t, s, "expert").get(page).Status, "the expert declared a conflict with SoftBank")

	r = sec.hx("POST", block, url.Values{})
	require.Equal(t, 200, r.Status, r.Body)
	assert.True(t, strings.HasPrefix(strings.TrimSpace(r.Body), `<section id="opinion"`))
	assert.Contains(t, r.Body, `data-status="pending"`)
	assert.Contains(t, r.Body, `hx-trigger="every 3s"`, "pending: the block polls")
	assert.Contains(t, r.Body, "回答待ち")
	assert.Contains(t, r.Body, `id="opinion-ask" disabled`)
	assert.Zero(t, srv.Requests(), "the page never waits on the provider")

	startJobs(t, s)
	require.Eventually(t, func() bool {
		r = sec.hx("GET", block, nil)
		require.Equal(t, 200, r.Status, r.Body)
		return !strings.Contains(r.Body, `data-status="pending"`)
	}, 30*time.Second, 200*time.Millisecond)
	assert.Contains(t, r.Body, `data-status="done"`)
	assert.NotContains(t, r.Body, `hx-trigger`, "done: the polling stops")
	assert.Contains(t, r.Body, "これは機械（大規模言語モデル）による参考意見です")
	assert.Contains(t, r.Body, "TLP:RED")
	assert.Contains(t, r.Body, "予備系への切替えが行われなかった点が新しい。")
	assert.Contains(t, r.Body, "切替え手順を定期的に訓練し")
	src := r.Body[strings.Index(r.Body, `id="opinion-source"`):]
	src = src[:strings.Index(src, "</dl>")]
	assert.Contains(t, src, "testllm")
	assert.Contains(t, src, "kensho-ja")
	assert.Contains(t, src, "応答したモデル: kensho-ja-test")
	assert.Contains(t, src, srv.Host())
	assert.Contains(t, src, "公開", "the tiers sent")
	assert.Contains(t, r.Body, "事務局 太郎 (secretariat)", "who asked")
	assert.Contains(t, r.Body, "送信した内容（プロンプト）")
	assert.Equal(t, 1, srv.Requests())

	// Asked about chosen past cases: the rationale per candidate, each
	// linking to its case.
	p, err := s.Identity.ByLogin(ctx, "secretariat")
	require.NoError(t, err)
	_, err = s.Opinions.Ask(ctx, p.Subject, id, []triage.Match{{CaseID: s.Cases["2015-003"]}})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		r = sec.get(page)
		return strings.Contains(r.Body, `id="opinion-latest" data-status="done"`)
	}, 30*time.Second, 200*time.Millisecond)
	cands := r.Body[strings.Index(r.Body, `class="op-candidates"`):]
	cands = cands[:strings.Index(cands, "</table>")]
	assert.Contains(t, cands, fmt.Sprintf(`<a href="/cases/%d">2015-003</a>`, s.Cases["2015-003"]))
	assert.Contains(t, cands, "C1と同じく設定誤りによる故障である。")
	assert.Contains(t, cands, ">同じ<")
	assert.Contains(t, r.Body, "以前の意見（1件）")

	// An unpublished case: nothing of it may go, so nothing is sent.
	other := fmt.Sprintf("/cases/%d", s.Cases["2020-004"])
	sec.get(other + "/triage")
	r = sec.post(other+"/opinions", nil, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	r = sec.get(r.Location)
	assert.Contains(t, r.Body, `data-status="withheld"`)
	assert.Contains(t, r.Body, "送信方針により、この事案の文章は提供元に送れないため、何も送信していません（送信しなかった区分: 限定共有（指定公共機関））")
	assert.Equal(t, 2, srv.Requests())

	// The committee reads the opinion; a reporter does not.
	ex := signedIn(t, s, "expert-software")
	assert.Contains(t, ex.get(page).Body, "予備系への切替えが行われなかった点が新しい。")
	kd := signedIn(t, s, "kddi")
	assert.Equal(t, http.StatusForbidden, kd.hx("GET", fmt.Sprintf("/cases/%d/opinions", s.Cases["2019-001"]), nil).Status)
}
