package review

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/casefile"
)

// Awaiting is the desk's first tab counted: the same cases, for those who
// triage only, and nothing audited.
func TestAwaiting(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, who := range []string{"tanaka", "kddi", "editor", "admin"} {
		_, err := e.svc.Awaiting(ctx, e.sub[who])
		assert.ErrorIs(t, err, casefile.ErrForbidden, who)
	}
	n, err := e.svc.Awaiting(ctx, e.sub["sec"])
	require.NoError(t, err)
	assert.Equal(t, int64(4), n)
	e.decide(e.cases["D-2016"], DepthInDepth)
	n, err = e.svc.Awaiting(ctx, e.sub["sec"])
	require.NoError(t, err)
	p, err := e.svc.Desk(ctx, e.sub["sec"], DeskQuery{})
	require.NoError(t, err)
	assert.Equal(t, p.Awaiting, n)
	assert.Equal(t, int64(3), n)
	var reads int64
	require.NoError(t, e.db.Raw(`SELECT count(*) FROM audit_log WHERE action = 'read' AND object = 'triage/desk'`).Scan(&reads).Error)
	assert.Equal(t, int64(1), reads, "the desk's read, not the count's")
}
