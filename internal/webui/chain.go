package webui

import (
	"context"
	"sync"
	"time"

	"kensho/internal/audit"
)

// chainTTL is how long a verification of the audit chain is shown before
// the chain is walked again. Walking it reads every entry, so pages do not
// do it on every load; `kensho audit verify` always walks it whole.
const chainTTL = time.Minute

// chainCache remembers the last verification of the audit chain.
type chainCache struct {
	mu  sync.Mutex
	at  time.Time
	res *audit.VerifyResult
}

// chain verifies the audit chain, or returns a verification younger than
// chainTTL.
func (p *pages) chain(ctx context.Context) (*audit.VerifyResult, error) {
	p.chainCache.mu.Lock()
	defer p.chainCache.mu.Unlock()
	if p.chainCache.res != nil && time.Since(p.chainCache.at) < chainTTL {
		return p.chainCache.res, nil
	}
	res, err := audit.Verify(ctx, p.DB)
	if err != nil {
		return nil, err
	}
	p.chainCache.res, p.chainCache.at = res, time.Now()
	return res, nil
}
