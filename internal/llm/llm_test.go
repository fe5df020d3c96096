package llm

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/config"
	"kensho/internal/llmtest"
)

const testKey = "sk-kensho-test-0123456789abcdef"

// logBuffer collects every log line of a test, at every level.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newClient(t *testing.T, srv *llmtest.Server, mutate func(*config.LLM)) (*Client, *logBuffer) {
	t.Helper()
	cfg := config.LLM{Enabled: true, Provider: "test", BaseURL: srv.BaseURL(), Model: "kensho-ja", APIKey: testKey,
		Timeout: 2 * time.Second, MaxRetries: 2, BreakerFailures: 5, BreakerCooldown: time.Minute}
	if mutate != nil {
		mutate(&cfg)
	}
	logs := &logBuffer{}
	c := New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	c.backoff, c.maxBackoff, c.maxWait = 10*time.Millisecond, 40*time.Millisecond, 200*time.Millisecond
	t.Cleanup(func() { assert.NotContains(t, logs.String(), testKey, "the API key is never logged") })
	return c, logs
}

func TestOff(t *testing.T) {
	srv := llmtest.Start(t, testKey)
	c := New(config.LLM{Enabled: false, BaseURL: srv.BaseURL(), APIKey: testKey}, nil)
	assert.False(t, c.Enabled())
	_, err := c.Complete(context.Background(), Request{User: "こんにちは"})
	assert.ErrorIs(t, err, ErrDisabled)
	var none *Client
	assert.False(t, none.Enabled(), "a nil client is off")
	_, err = none.Complete(context.Background(), Request{User: "x"})
	assert.ErrorIs(t, err, ErrDisabled)
	assert.Zero(t, srv.Requests(), "nothing leaves when the LLM is off")
}

func TestAnswer(t *testing.T) {
	srv := llmtest.Start(t, testKey)
	c, _ := newClient(t, srv, nil)
	ans, err := c.Complete(context.Background(), Request{System: "指示", User: "事案 C1 と C2"})
	require.NoError(t, err)
	assert.Contains(t, ans.Text, `"id":"C1"`)
	assert.Equal(t, "kensho-ja-test", ans.Model)
	assert.Equal(t, 1, ans.Attempts)
	assert.Positive(t, ans.PromptTokens)
	assert.Equal(t, []string{"Bearer " + testKey}, srv.Authorizations(), "the key goes in the Authorization header")
	assert.Contains(t, srv.Prompt(1), "指示")
	assert.Contains(t, srv.Prompt(1), "事案 C1 と C2")
	assert.Equal(t, srv.Host(), c.Host())
}

// 5xx and 429 are tried again, at most max_retries times; the last error
// says what happened, without the provider's body.
func TestServerErrorsAreRetriedBounded(t *testing.T) {
	srv := llmtest.Start(t, testKey)
	srv.Always(llmtest.Reply{Status: http.StatusServiceUnavailable})
	c, logs := newClient(t, srv, nil)
	_, err := c.Complete(context.Background(), Request{User: "x"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, Server, e.Kind)
	assert.Equal(t, 503, e.Status)
	assert.Equal(t, 3, e.Attempts, "one attempt and two retries")
	assert.Equal(t, 3, srv.Requests())
	assert.Equal(t, "the provider answered HTTP 503 (3 attempts)", e.Error())
	assert.Contains(t, logs.String(), "kind=server_error")

	// A 429, then an answer: the retry succeeds.
	srv2 := llmtest.Start(t, testKey)
	srv2.Behave(func(n int) llmtest.Reply {
		if n == 1 {
			return llmtest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "0"}
		}
		return llmtest.Reply{Content: "了解"}
	})
	c2, _ := newClient(t, srv2, nil)
	ans, err := c2.Complete(context.Background(), Request{User: "x"})
	require.NoError(t, err)
	assert.Equal(t, "了解", ans.Text)
	assert.Equal(t, 2, ans.Attempts)
}

// A 4xx is the request's fault: no retry, and the breaker does not count it.
func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, st := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity} {
		srv := llmtest.Start(t, testKey)
		srv.Always(llmtest.Reply{Status: st})
		c, _ := newClient(t, srv, func(l *config.LLM) { l.BreakerFailures = 1 })
		_, err := c.Complete(context.Background(), Request{User: "x"})
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, Refused, e.Kind)
		assert.Equal(t, 1, e.Attempts)
		assert.Equal(t, 1, srv.Requests())
		assert.Contains(t, e.Message, "test server says")
		assert.Equal(t, Closed, c.State())
	}
	// A wrong key: 401, and the message does not echo it.
	srv := llmtest.Start(t, "another-key")
	c, _ := newClient(t, srv, nil)
	_, err := c.Complete(context.Background(), Request{User: "x"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 401, e.Status)
	assert.NotContains(t, e.Error(), testKey)

	// A body that is not an OpenAI error is not shown.
	srv = llmtest.Start(t, testKey)
	srv.Always(llmtest.Reply{Status: http.StatusForbidden, Raw: "<html>proxy says no " + testKey + "</html>"})
	c, _ = newClient(t, srv, nil)
	_, err = c.Complete(context.Background(), Request{User: "x"})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "the provider refused the request: HTTP 403 (1 attempt)", e.Error())
}

// Slow: each attempt has its timeout; timeouts are retried and count
// towards the breaker, which then fails fast without calling, and after
// the cooldown lets one trial through.
func TestSlowProviderTimesOutAndTripsTheBreaker(t *testing.T) {
	srv := llmtest.Start(t, testKey)
	srv.Always(llmtest.Reply{Delay: 5 * time.Second})
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c, logs := newClient(t, srv, func(l *config.LLM) {
		l.Timeout, l.MaxRetries, l.BreakerFailures, l.BreakerCooldown = 150*time.Millisecond, 1, 3, time.Minute
	})
	c.breaker.now = clock

	start := time.Now()
	_, err := c.Complete(context.Background(), Request{User: "x"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, Timeout, e.Kind)
	assert.Equal(t, 2, e.Attempts)
	assert.Equal(t, "no answer within 150ms (2 attempts)", e.Error())
	assert.Less(t, time.Since(start), 2*time.Second, "the timeout, not the server, decides")
	assert.Equal(t, Closed, c.State(), "2 failures of 3")

	// The third failed attempt opens it, in the middle of this call.
	_, err = c.Complete(context.Background(), Request{User: "x"})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, Timeout, e.Kind)
	assert.Equal(t, 1, e.Attempts, "no retry once the breaker opened")
	assert.Contains(t, e.Message, "circuit breaker opened")
	assert.Equal(t, Open, c.State())
	assert.Equal(t, 3, srv.Requests())
	assert.Contains(t, logs.String(), "circuit breaker open")

	// Open: fails at once, nothing is sent.
	start = time.Now()
	_, err = c.Complete(context.Background(), Request{User: "x"})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, BreakerOpen, e.Kind)
	assert.Zero(t, e.Attempts)
	assert.Less(t, time.Since(start), 50*time.Millisecond)
	assert.Equal(t, 3, srv.Requests(), "an open breaker sends nothing")
	assert.Equal(t, now.Add(time.Minute), e.RetryAt)

	// After the cooldown: half-open, one trial; it fails → open again.
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	assert.Equal(t, HalfOpen, c.State())
	_, err = c.Complete(context.Background(), Request{User: "x"})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, Timeout, e.Kind)
	assert.Equal(t, 1, e.Attempts, "a half-open breaker lets one trial through")
	assert.Equal(t, Open, c.State())
	assert.Equal(t, 4, srv.Requests())

	// The provider recovers; after the next cooldown the trial succeeds and
	// the breaker closes.
	srv.Always(llmtest.Reply{Content: "回復"})
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	ans, err := c.Complete(context.Background(), Request{User: "x"})
	require.NoError(t, err)
	assert.Equal(t, "回復", ans.Text)
	assert.Equal(t, Closed, c.State())
	assert.Contains(t, logs.String(), "circuit breaker closed")
}

// While a half-open trial is in flight, other calls fail fast.
func TestHalfOpenLetsOneTrialThrough(t *testing.T) {
	b := NewBreaker(1, time.Second, nil)
	ok, _ := b.Allow()
	require.True(t, ok)
	opened, _ := b.Failure()
	require.True(t, opened)
	ok, _ = b.Allow()
	assert.False(t, ok)
	b.openedAt = b.openedAt.Add(-2 * time.Second)
	ok, _ = b.Allow()
	assert.True(t, ok, "the trial")
	ok, _ = b.Allow()
	assert.False(t, ok, "a second caller waits for the trial's verdict")
	b.Release()
	ok, _ = b.Allow()
	assert.True(t, ok, "a trial that said nothing frees the slot")
	assert.True(t, b.Success())
	assert.Equal(t, Closed, b.State())
}

func TestCallerGivingUpIsNotTheProvidersFault(t *testing.T) {
	srv := llmtest.Start(t, testKey)
	srv.Always(llmtest.Reply{Delay: 5 * time.Second})
	c, _ := newClient(t, srv, func(l *config.LLM) { l.BreakerFailures = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Complete(ctx, Request{User: "x"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, Canceled, e.Kind)
	assert.Equal(t, Closed, c.State())
}

func TestUnreachable(t *testing.T) {
	srv := llmtest.Start(t, testKey)
	c, _ := newClient(t, srv, func(l *config.LLM) { l.BreakerFailures = 2 })
	srv.Close() // nothing listens on its port any more
	_, err := c.Complete(context.Background(), Request{User: "x"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, Unreachable, e.Kind)
	assert.Equal(t, 1, e.Attempts, "an endpoint that is down is not retried")
	assert.Contains(t, e.Message, "connection refused")
	_, _ = c.Complete(context.Background(), Request{User: "x"})
	assert.Equal(t, Open, c.State(), "but it counts towards the breaker")
}

func TestRetryAfterIsHonouredWithinBounds(t *testing.T) {
	c := &Client{backoff: time.Second, maxBackoff: 30 * time.Second, maxWait: time.Minute}
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 9: 30 * time.Second} {
		d := c.wait(n, 0)
		assert.InDelta(t, float64(want), float64(d), float64(want)*0.21, "attempt %d", n)
	}
	assert.Equal(t, 20*time.Second, c.wait(1, 20*time.Second))
	assert.Equal(t, time.Minute, c.wait(1, time.Hour), "a Retry-After of an hour waits a minute")
	assert.Equal(t, 7*time.Second, parseRetryAfter("7"))
	assert.Zero(t, parseRetryAfter("soon"))
	assert.True(t, errors.Is(ErrDisabled, ErrDisabled))
}
