// Package llm is a small client for any OpenAI-compatible chat endpoint
// (OpenAI, a ministry-hosted model behind vLLM or Ollama, a gateway…) over
// go-openai. A call has a timeout per attempt, bounded retries with
// backoff for what may pass by itself (timeouts, 5xx, 429), and a circuit
// breaker, so that a slow or failing provider is not waited on again and
// again. It knows nothing of cases or tiers: what may be sent is decided
// before it is called (triage.Opinions, through access.Control.Egress).
//
// The API key is read once from the variable the configuration names; it
// goes out only in the Authorization header, and no log line, error text
// or answer of this package carries it.
package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"kensho/internal/config"
)

// Client calls one configured endpoint. A nil or disabled Client is off:
// Complete answers ErrDisabled and nothing leaves.
type Client struct {
	enabled    bool
	provider   string
	model      string
	host       string
	api        *openai.Client
	timeout    time.Duration
	maxRetries int
	breaker    *Breaker
	log        *slog.Logger
	key        string // only to scrub it out of the provider's messages

	// backoff is the wait before the first retry; it doubles, up to
	// maxBackoff. A Retry-After of the provider is honoured up to maxWait.
	backoff, maxBackoff, maxWait time.Duration
}

// Backoff defaults: 1 s, 2 s, 4 s… up to 30 s; a provider's Retry-After
// is waited for up to a minute.
const (
	defaultBackoff    = time.Second
	defaultMaxBackoff = 30 * time.Second
	defaultMaxWait    = time.Minute
)

// New builds the client of cfg (see config.LLM). With cfg.Enabled false
// it is a client that is off.
func New(cfg config.LLM, log *slog.Logger) *Client {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Client{enabled: cfg.Enabled, provider: cfg.Provider, model: cfg.Model, timeout: cfg.Timeout,
		maxRetries: cfg.MaxRetries, log: log, key: cfg.APIKey,
		breaker: NewBreaker(cfg.BreakerFailures, cfg.BreakerCooldown, nil),
		backoff: defaultBackoff, maxBackoff: defaultMaxBackoff, maxWait: defaultMaxWait}
	if u, err := url.Parse(cfg.BaseURL); err == nil {
		c.host = u.Host
	}
	if !cfg.Enabled {
		return c
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	oc.HTTPClient = &doer{c: &http.Client{}}
	c.api = openai.NewClientWithConfig(oc)
	if c.timeout <= 0 {
		c.timeout = time.Minute
	}
	return c
}

// Enabled reports whether the client may send anything.
func (c *Client) Enabled() bool { return c != nil && c.enabled }

// Provider is the name the egress policy knows the endpoint by (the
// subject llm:<provider>).
func (c *Client) Provider() string {
	if c == nil {
		return ""
	}
	return c.provider
}

// Model is the configured model.
func (c *Client) Model() string {
	if c == nil {
		return ""
	}
	return c.model
}

// Host is the endpoint's host (and port), for provenance.
func (c *Client) Host() string {
	if c == nil {
		return ""
	}
	return c.host
}

// State is the circuit breaker's state (closed when off).
func (c *Client) State() State {
	if !c.Enabled() {
		return Closed
	}
	return c.breaker.State()
}

// OpenUntil is when an open breaker lets a trial call through.
func (c *Client) OpenUntil() time.Time {
	if !c.Enabled() {
		return time.Time{}
	}
	return c.breaker.OpenUntil()
}

// Budget is the longest a Complete can take: every attempt timing out and
// every wait between them at its longest. Jobs give the call this long.
func (c *Client) Budget() time.Duration {
	if !c.Enabled() {
		return time.Minute
	}
	return time.Duration(c.maxRetries+1)*c.timeout + time.Duration(c.maxRetries)*c.maxWait + 30*time.Second
}

// Request is one chat exchange: the instructions and the material.
type Request struct {
	System string
	User   string
}

// Answer is the provider's reply.
type Answer struct {
	Text string
	// Model is the model the provider says answered (it may name a
	// version of the configured one).
	Model            string
	Attempts         int
	PromptTokens     int
	CompletionTokens int
}

// ErrDisabled is the answer of a client that is off.
var ErrDisabled = errors.New("the LLM second opinion is off (llm.enabled is false)")

// Kind classifies a failed call.
type Kind string

// The kinds of failure. Timeout, Server and RateLimited are retried;
// with Unreachable they count towards the breaker.
const (
	Timeout     Kind = "timeout"
	Server      Kind = "server_error"
	RateLimited Kind = "rate_limited"
	Unreachable Kind = "unreachable"
	Refused     Kind = "refused"
	Empty       Kind = "empty_answer"
	BreakerOpen Kind = "breaker_open"
	Canceled    Kind = "canceled"
)

// Error is a failed call. Its text is safe to keep and show: it never
// holds the key, the prompt or the provider's raw body.
type Error struct {
	Kind Kind
	// Status is the provider's HTTP status, 0 if it gave none.
	Status int
	// Attempts is how many attempts reached the provider.
	Attempts int
	Message  string
	// RetryAt is when an open breaker lets a trial through.
	RetryAt time.Time
}

func (e *Error) Error() string {
	n := "attempts"
	if e.Attempts == 1 {
		n = "attempt"
	}
	return fmt.Sprintf("%s (%d %s)", e.Message, e.Attempts, n)
}

func (k Kind) retryable() bool { return k == Timeout || k == Server || k == RateLimited }

// unwell says the provider, not the request, is at fault.
func (k Kind) unwell() bool { return k.retryable() || k == Unreachable }

// Complete sends req and returns the answer's text, trying again after a
// timeout, a 5xx or a 429 (at most max_retries times, waiting 1 s, 2 s, 4 s…
// or what Retry-After says). An open breaker fails at once.
func (c *Client) Complete(ctx context.Context, req Request) (*Answer, error) {
	if !c.Enabled() {
		return nil, ErrDisabled
	}
	attempts := 0
	var last *Error
	for {
		if ok, retryAt := c.breaker.Allow(); !ok {
			if last != nil { // it opened on this call's own failures
				last.Message += "; the circuit breaker opened, so no further attempt"
				return nil, last
			}
			msg := fmt.Sprintf("not sent: the provider failed repeatedly and the circuit breaker is open until %s", retryAt.Format(time.RFC3339))
			if !retryAt.After(c.breaker.now()) {
				msg = "not sent: the provider failed repeatedly and the circuit breaker's trial call is still out; ask again shortly"
			}
			return nil, &Error{Kind: BreakerOpen, RetryAt: retryAt, Message: msg}
		}
		attempts++
		ans, info, err := c.once(ctx, req)
		if err == nil {
			if c.breaker.Success() {
				c.log.Info("llm provider answers again: circuit breaker closed", "provider", c.provider, "host", c.host)
			}
			ans.Attempts = attempts
			return ans, nil
		}
		e := c.classify(ctx, err, info)
		e.Attempts, last = attempts, e
		switch {
		case e.Kind == Canceled:
			c.breaker.Release()
			return nil, e
		case e.Kind.unwell():
			if opened, until := c.breaker.Failure(); opened {
				c.log.Warn("llm provider failing: circuit breaker open", "provider", c.provider, "host", c.host, "until", until)
			}
		default:
			c.breaker.Success() // it answered: the provider is up, the request was the problem
		}
		c.log.Warn("llm attempt failed", "provider", c.provider, "host", c.host, "attempt", attempts, "kind", e.Kind, "status", e.Status)
		if !e.Kind.retryable() || attempts > c.maxRetries {
			return nil, e
		}
		if err := sleep(ctx, c.wait(attempts, info.retryAfter)); err != nil {
			return nil, &Error{Kind: Canceled, Attempts: attempts, Message: "abandoned: the caller stopped waiting"}
		}
	}
}

// attemptInfo is what the transport saw of one attempt.
type attemptInfo struct {
	retryAfter time.Duration
	timedOut   bool
}

type attemptKey struct{}

func (c *Client) once(ctx context.Context, req Request) (*Answer, *attemptInfo, error) {
	info := &attemptInfo{}
	actx, cancel := context.WithTimeout(context.WithValue(ctx, attemptKey{}, info), c.timeout)
	defer cancel()
	msgs := []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: req.User}}
	if req.System != "" {
		msgs = append([]openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleSystem, Content: req.System}}, msgs...)
	}
	res, err := c.api.CreateChatCompletion(actx, openai.ChatCompletionRequest{Model: c.model, Messages: msgs})
	if err != nil {
		info.timedOut = errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		return nil, info, err
	}
	if len(res.Choices) == 0 || strings.TrimSpace(res.Choices[0].Message.Content) == "" {
		return nil, info, errEmpty
	}
	return &Answer{Text: res.Choices[0].Message.Content, Model: res.Model,
		PromptTokens: res.Usage.PromptTokens, CompletionTokens: res.Usage.CompletionTokens}, info, nil
}

var errEmpty = errors.New("empty answer")

// classify turns what go-openai returned into a safe Error.
func (c *Client) classify(ctx context.Context, err error, info *attemptInfo) *Error {
	var (
		apiErr *openai.APIError
		reqErr *openai.RequestError
		dnsErr *net.DNSError
	)
	status := func(code int, msg string) *Error {
		switch {
		case code == http.StatusTooManyRequests:
			return &Error{Kind: RateLimited, Status: code, Message: "the provider answered HTTP 429 (too many requests)"}
		case code >= 500:
			return &Error{Kind: Server, Status: code, Message: fmt.Sprintf("the provider answered HTTP %d", code)}
		default:
			m := fmt.Sprintf("the provider refused the request: HTTP %d", code)
			if msg = c.scrub(msg); msg != "" {
				m += ": " + msg
			}
			return &Error{Kind: Refused, Status: code, Message: m}
		}
	}
	switch {
	case ctx.Err() != nil:
		return &Error{Kind: Canceled, Message: "abandoned: the caller stopped waiting"}
	case info.timedOut:
		return &Error{Kind: Timeout, Message: "no answer within " + seconds(c.timeout)}
	case errors.Is(err, errEmpty):
		return &Error{Kind: Empty, Message: "the provider's answer had no text"}
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		return status(apiErr.HTTPStatusCode, apiErr.Message)
	case errors.As(err, &reqErr) && reqErr.HTTPStatusCode != 0:
		// Not an OpenAI error body: its text is not shown, only the status.
		return status(reqErr.HTTPStatusCode, "")
	case errors.As(err, &dnsErr):
		return &Error{Kind: Unreachable, Message: fmt.Sprintf("could not reach the provider at %s: host not found", c.host)}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Kind: Unreachable, Message: fmt.Sprintf("could not reach the provider at %s: connection refused", c.host)}
	default:
		var ne net.Error
		if errors.As(err, &ne) || errors.Is(err, syscall.ECONNRESET) {
			return &Error{Kind: Unreachable, Message: fmt.Sprintf("could not reach the provider at %s: network error", c.host)}
		}
		// An answer that is not a chat completion (a proxy's HTML page…).
		return &Error{Kind: Refused, Message: "the provider's answer could not be read as a chat completion"}
	}
}

// seconds writes whole seconds as "60s" rather than "1m0s".
func seconds(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// scrub keeps a provider's message short and without the key.
func (c *Client) scrub(msg string) string {
	msg = strings.Join(strings.Fields(msg), " ")
	if c.key != "" {
		msg = strings.ReplaceAll(msg, c.key, "[redacted]")
	}
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "…"
	}
	return msg
}

// wait is the pause before attempt n+1: exponential with ±20 % jitter, or
// the provider's Retry-After when it asks for longer (up to maxWait).
func (c *Client) wait(n int, retryAfter time.Duration) time.Duration {
	d := c.backoff << (n - 1)
	if d > c.maxBackoff || d <= 0 {
		d = c.maxBackoff
	}
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	if retryAfter > d {
		d = min(retryAfter, c.maxWait)
	}
	return d
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// doer is the HTTP client under go-openai; it notes the provider's
// Retry-After for the attempt.
type doer struct{ c *http.Client }

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	res, err := d.c.Do(req)
	if res != nil {
		if info, ok := req.Context().Value(attemptKey{}).(*attemptInfo); ok {
			info.retryAfter = parseRetryAfter(res.Header.Get("Retry-After"))
		}
	}
	return res, err
}

// parseRetryAfter reads seconds or an HTTP date.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}
