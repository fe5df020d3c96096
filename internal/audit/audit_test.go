package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/audit"
	"kensho/internal/dbtest"
)

func TestChain(t *testing.T) {
	gdb, _ := dbtest.New(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, audit.Record(ctx, gdb, audit.Event{
				Actor: fmt.Sprintf("user:%d", i%3), Action: audit.ActionRead, Object: "case:1/committee", CaseID: 1,
				Detail: map[string]any{"tier": "committee", "n": i, "note": "「検証」"},
			}))
		}()
	}
	wg.Wait()
	res, err := audit.Verify(ctx, gdb)
	require.NoError(t, err)
	assert.True(t, res.OK)
	assert.EqualValues(t, 20, res.Entries)

	// The database refuses changes, whoever asks through the normal path.
	err = gdb.Exec("UPDATE audit_log SET actor = 'user:99' WHERE id = 5").Error
	require.Error(t, err)
	assert.Contains(t, err.Error(), "append-only")
	require.Error(t, gdb.Exec("DELETE FROM audit_log WHERE id = 5").Error)
	require.Error(t, gdb.Exec("TRUNCATE audit_log").Error)

	// A superuser who switches the trigger off is caught by the chain.
	require.NoError(t, gdb.Exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only").Error)
	require.NoError(t, gdb.Exec(`UPDATE audit_log SET detail = '{"tier":"public"}' WHERE id = 7`).Error)
	res, err = audit.Verify(ctx, gdb)
	require.NoError(t, err)
	assert.False(t, res.OK)
	require.NotNil(t, res.Broken)
	assert.EqualValues(t, 7, res.Broken.ID)
	assert.EqualValues(t, 6, res.Entries)

	// Removing an entry breaks the link of the one after it.
	require.NoError(t, gdb.Exec(`UPDATE audit_log a SET detail = b.detail FROM (SELECT detail FROM audit_log WHERE id = 7) b WHERE a.id = 7`).Error)
	require.NoError(t, gdb.Exec("DELETE FROM audit_log WHERE id = 3").Error)
	res, err = audit.Verify(ctx, gdb)
	require.NoError(t, err)
	assert.False(t, res.OK)
	assert.EqualValues(t, 4, res.Broken.ID)
}

func TestDiffHidesConfidentialValues(t *testing.T) {
	d := audit.Diff(map[string]string{"status": "draft", "text": "秘密の原因"}, map[string]string{"status": "approved", "text": "公開文"},
		func(f string) bool { return f == "status" })
	assert.Equal(t, audit.Change{Before: "draft", After: "approved"}, d["status"])
	assert.NotContains(t, d["text"].Before, "秘密")
	assert.Contains(t, d["text"].Before, "sha256:")
}
