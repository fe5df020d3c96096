package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/app"
	"kensho/internal/llmtest"
)

// `kensho serve` with the LLM on: the API records the request and the
// instance's one job runner (reminders and opinions) makes the call; the
// key is in no log line and `kensho config` does not show it.
func TestServeRunsOpinions(t *testing.T) {
	const key = "sk-kensho-serve-test-key-5150"
	srv := llmtest.Start(t, key)
	c := newCLI(t)
	c.ok("", "migrate")
	c.ok("", "policy", "load")
	c.ok("", "demo", "seed")
	token := strings.TrimSpace(c.ok("", "token", "create", "--user", "secretariat"))
	for k, v := range map[string]string{"KENSHO_ADDR": "127.0.0.1:0", "KENSHO_LOG_LEVEL": "debug", "KENSHO_JOBS_POLL_INTERVAL": "200ms",
		"KENSHO_LLM_ENABLED": "true", "KENSHO_LLM_PROVIDER": "testllm", "KENSHO_LLM_BASE_URL": srv.BaseURL(),
		"KENSHO_LLM_MODEL": "kensho-ja", "KENSHO_LLM_API_KEY": key} {
		c.env[k] = v
	}
	assert.NotContains(t, c.ok("", "config"), key)

	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, []string{"serve"}, func(k string) string { return c.env[k] }, strings.NewReader(""), &out, &errOut)
	}()
	var url string
	require.Eventually(t, func() bool {
		if i := strings.Index(out.String(), "http://"); i >= 0 {
			url = strings.TrimSpace(out.String()[i:])
			return true
		}
		return false
	}, 10*time.Second, 20*time.Millisecond, "stderr: %s", errOut.String())
	call := func(method, path string) (int, string) {
		req, err := http.NewRequest(method, url+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	_, body := call("GET", "/api/v1/cases?q=2018-001&limit=100")
	var page struct {
		Items []struct {
			ID  int64  `json:"id"`
			Ref string `json:"ref"`
		} `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &page), body)
	var id int64
	for _, it := range page.Items {
		if it.Ref == "2018-001" {
			id = it.ID
		}
	}
	require.NotZero(t, id, body)

	status, body := call("POST", fmt.Sprintf("/api/v1/cases/%d/opinions", id))
	require.Equal(t, http.StatusAccepted, status, body)
	var op struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &op))
	require.Eventually(t, func() bool {
		_, body := call("GET", fmt.Sprintf("/api/v1/cases/%d/opinions/%d", id, op.ID))
		require.NoError(t, json.Unmarshal([]byte(body), &op))
		return op.Status != "pending"
	}, 30*time.Second, 100*time.Millisecond)
	assert.Equal(t, "done", op.Status)
	assert.Equal(t, 1, srv.Requests())

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	assert.Contains(t, errOut.String(), "LLM second opinion on")
	assert.NotContains(t, errOut.String(), key, "the API key is never logged")
}
