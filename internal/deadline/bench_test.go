package deadline

import (
	"context"
	"fmt"
	"testing"

	"gorm.io/gorm"

	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/intake"
)

var benchSeq int

// BenchmarkSync measures Sync inside a transaction, as intake calls it:
// "first" is a new serious accident (a deadline and four reminder jobs
// written), "unchanged" a case synced before (nothing written), "import"
// a case of the secretariat's bulk import (nothing owed).
func BenchmarkSync(b *testing.B) {
	e := newEnv(b)
	e.clock = jst("2024-05-02T12:00:00+09:00")
	ctx := context.Background()
	id := e.addCase(seriousCase, rep{"quick", "KDDI株式会社", jst("2024-05-01T10:40:00+09:00")})
	b.Run("unchanged", func(b *testing.B) {
		for b.Loop() {
			if err := e.db.Transaction(func(tx *gorm.DB) error { return e.svc.Sync(ctx, tx, id) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	imported := e.addCase(withRef(seriousCase, "B-IMPORT"), rep{"import", "", jst("2024-05-05T09:00:00+09:00")})
	b.Run("import", func(b *testing.B) {
		for b.Loop() {
			if err := e.db.Transaction(func(tx *gorm.DB) error { return e.svc.Sync(ctx, tx, imported) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first", func(b *testing.B) {
		c, err := caseformat.DecodeCase([]byte(seriousCase))
		if err != nil {
			b.Fatal(err)
		}
		org := e.orgs["KDDI株式会社"]
		var ids []int64
		for i := range b.N {
			benchSeq++
			c.Ref = fmt.Sprintf("B-%d", benchSeq)
			nc := casestore.NewCase{Case: c, Hash: c.Hash(), Identity: intake.IdentityKey([]int64{org}, c.Ref), OrgIDs: []int64{org},
				Report: e.report(rep{"quick", "KDDI株式会社", jst("2024-05-01T10:40:00+09:00")}, c.Ref, i)}
			if err := casestore.Insert(e.db, []casestore.NewCase{nc}); err != nil {
				b.Fatal(err)
			}
			var id int64
			e.db.Raw("SELECT id FROM cases WHERE identity_key = ?", nc.Identity).Scan(&id)
			ids = append(ids, id)
		}
		b.ResetTimer()
		for _, id := range ids {
			if err := e.db.Transaction(func(tx *gorm.DB) error { return e.svc.Sync(ctx, tx, id) }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
