package llm

import (
	"sync"
	"time"
)

// State is the circuit breaker's state.
type State string

// The states of the breaker: closed (calls go through), open (calls fail
// at once, without reaching the provider) and half-open (the cooldown has
// passed: one trial call decides).
const (
	Closed   State = "closed"
	Open     State = "open"
	HalfOpen State = "half_open"
)

// Breaker is a circuit breaker over the provider's health: Threshold
// failed attempts in a row open it; after Cooldown one trial attempt is
// let through — its success closes the breaker, its failure opens it for
// another cooldown. Only failures that say the provider is unwell count
// (timeouts, 5xx, 429, unreachable); a refused request does not. It is
// per process: each server instance judges the provider by what it sees.
type Breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time

	mu       sync.Mutex
	state    State
	failures int
	openedAt time.Time
	trial    bool // a half-open trial is in flight
}

// NewBreaker is a closed breaker.
func NewBreaker(threshold int, cooldown time.Duration, now func() time.Time) *Breaker {
	if threshold < 1 {
		threshold = 1
	}
	if now == nil {
		now = time.Now
	}
	return &Breaker{threshold: threshold, cooldown: cooldown, now: now, state: Closed}
}

// Allow reports whether an attempt may go to the provider now; when not,
// retryAt is when the breaker lets a trial through.
func (b *Breaker) Allow() (ok bool, retryAt time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case Closed:
		return true, time.Time{}
	case Open:
		until := b.openedAt.Add(b.cooldown)
		if b.now().Before(until) {
			return false, until
		}
		b.state, b.trial = HalfOpen, true
		return true, time.Time{}
	default: // half-open: one trial at a time
		if b.trial {
			return false, b.now()
		}
		b.trial = true
		return true, time.Time{}
	}
}

// Success records an attempt the provider answered: the breaker closes.
// It reports whether the breaker was not closed before.
func (b *Breaker) Success() (recovered bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	recovered = b.state != Closed
	b.state, b.failures, b.trial = Closed, 0, false
	return recovered
}

// Failure records an attempt that failed because of the provider. It
// reports whether this failure opened the breaker, and until when.
func (b *Breaker) Failure() (opened bool, until time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case HalfOpen:
		b.state, b.openedAt, b.trial = Open, b.now(), false
		return true, b.openedAt.Add(b.cooldown)
	case Closed:
		b.failures++
		if b.failures >= b.threshold {
			b.state, b.openedAt = Open, b.now()
			return true, b.openedAt.Add(b.cooldown)
		}
	}
	return false, time.Time{}
}

// Release ends an attempt that says nothing about the provider (the
// caller gave up): a half-open trial may be tried again.
func (b *Breaker) Release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trial = false
}

// State is the breaker's state now; an open breaker whose cooldown has
// passed reports half-open.
func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == Open && !b.now().Before(b.openedAt.Add(b.cooldown)) {
		return HalfOpen
	}
	return b.state
}

// OpenUntil is when an open breaker lets a trial through (zero if not open).
func (b *Breaker) OpenUntil() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state != Open {
		return time.Time{}
	}
	return b.openedAt.Add(b.cooldown)
}
