package casegen

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	stdhash "hash"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"kensho/internal/audit"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/intake"
	"kensho/internal/quarterly"
)

// LoadOptions says what Load writes.
type LoadOptions struct {
	// Cases and QuarterlyRows are how many of each (from index 0).
	Cases, QuarterlyRows int
	// Actor is who the audit trail names.
	Actor string
	// BatchSize is the cases per COPY (default 2,000); Workers the
	// goroutines generating (default GOMAXPROCS).
	BatchSize, Workers int
	// Now stamps the reports and the cases (time.Now when zero).
	Now time.Time
}

// LoadResult is what Load did.
type LoadResult struct {
	intake.ImportResult
	// Quarterly is what the detailed-form rows did (nil: none asked for).
	Quarterly *quarterly.Result `json:"quarterly,omitempty"`
	// Rows is how many database rows were written, all tables together.
	Rows int64 `json:"rows"`
	// Elapsed is the wall time of the load, commit and ANALYZE included.
	Elapsed time.Duration `json:"-"`
	// Waited is the time spent waiting for cases to be generated, Copying
	// the time in COPY, Checking the time finding held cases and
	// organisations: where a slow load spends its time.
	Waited, Copying, Checking time.Duration `json:"-"`
}

// Load writes cases [0, opt.Cases) and rows [0, opt.QuarterlyRows) straight
// into the database in one transaction, as `kensho import` of WriteCases'
// file and `kensho quarterly upload` of WriteQuarterly's would, but with
// COPY: organisations resolved or created through the registry's names,
// identity keys and fiscal years computed as the import computes them, each
// case's report the bytes the file holds (source import, named by
// SourceName), a case already held with the same content skipped and one
// with other content updated, and one audit entry for the cases (and one for
// the rows) as the import and the upload write them. Cases are generated
// while earlier batches are written, a few batches at a time: memory stays
// bounded for a million cases. Running it again with the same seed and
// counts adds nothing.
func (g *Generator) Load(ctx context.Context, gdb *gorm.DB, opt LoadOptions) (*LoadResult, error) {
	started := time.Now()
	if opt.BatchSize <= 0 {
		opt.BatchSize = 2000
	}
	if opt.Actor == "" {
		opt.Actor = "system"
	}
	now := opt.Now
	if now.IsZero() {
		now = started
	}
	res := &LoadResult{ImportResult: intake.ImportResult{Errors: []string{}}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err := gdb.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		sqlConn, ok := conn.Statement.ConnPool.(*sql.Conn)
		if !ok {
			return fmt.Errorf("casegen: connection is %T, not *sql.Conn", conn.Statement.ConnPool)
		}
		withPgx := func(fn func(*pgx.Conn) error) error {
			return sqlConn.Raw(func(dc any) error {
				sc, ok := dc.(*stdlib.Conn)
				if !ok {
					return fmt.Errorf("casegen: driver connection is %T, not pgx", dc)
				}
				return fn(sc.Conn())
			})
		}
		return conn.Transaction(func(tx *gorm.DB) error {
			if err := casestore.Lock(tx); err != nil {
				return err
			}
			if err := analyzeIfStale(tx); err != nil {
				return err
			}
			if err := preferLZ4(tx); err != nil {
				return err
			}
			l := &loader{g: g, tx: tx, withPgx: withPgx, now: now, orgs: map[string]int64{}, res: res}
			batches := g.Batches(ctx, opt.Cases, opt.BatchSize, opt.Workers)
			for {
				t := time.Now()
				b, ok := <-batches
				res.Waited += time.Since(t)
				if !ok {
					break
				}
				if err := l.cases(ctx, b); err != nil {
					return err
				}
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if res.Imported+res.Updated > 0 {
				if _, err := audit.Append(ctx, tx, audit.Event{Actor: opt.Actor, Action: audit.ActionImport, Object: "cases",
					Detail: map[string]any{"source": g.SourceName(), "imported": res.Imported, "updated": res.Updated,
						"skipped": res.Skipped, "generated": true}}); err != nil {
					return err
				}
			}
			if opt.QuarterlyRows > 0 {
				if err := l.rows(ctx, opt); err != nil {
					return err
				}
			}
			if res.Rows == 0 {
				return nil
			}
			// A bulk load leaves the planner's statistics far behind
			// (until autovacuum catches up, if it runs): the next queries —
			// a second run, an index build, a benchmark — would be planned
			// as on empty tables. (On pgx: gorm would log it as slow SQL.)
			return withPgx(func(pc *pgx.Conn) error {
				_, err := pc.Exec(ctx, `ANALYZE cases, case_operators, causes, impacts, impact_periods, reports, quarterly_rows`)
				return err
			})
		})
	})
	if err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(started)
	return res, nil
}

// preferLZ4 makes the load's long texts and report bodies TOAST-compressed
// with lz4 where the server has it: COPY spends less time compressing
// (10–15 % faster over 100,000 cases on the development machine). It is
// storage only — what is read back is the same — and the transaction's
// alone (SET LOCAL).
func preferLZ4(tx *gorm.DB) error {
	var has bool
	if err := tx.Raw(`SELECT coalesce('lz4' = ANY(enumvals), false) FROM pg_settings WHERE name = 'default_toast_compression'`).
		Scan(&has).Error; err != nil || !has {
		return err
	}
	return tx.Exec(`SET LOCAL default_toast_compression = lz4`).Error
}

// analyzeIfStale analyses the tables the load looks cases up in when most
// of their rows came after the last ANALYZE (a big import, or a load on a
// server without autovacuum): looking up 2,000 ids at a time in a table
// the planner believes empty is planned as a scan of the whole table.
func analyzeIfStale(tx *gorm.DB) error {
	var stale []string
	if err := tx.Raw(`SELECT relname FROM pg_stat_user_tables
		WHERE relname IN ('cases', 'reports') AND n_mod_since_analyze > greatest(10000, n_live_tup / 5)
		ORDER BY relname`).Scan(&stale).Error; err != nil {
		return err
	}
	for _, table := range stale {
		if err := tx.Exec(`ANALYZE ` + table).Error; err != nil { // names from the fixed list above
			return err
		}
	}
	return nil
}

// loader is one Load's state inside its transaction.
type loader struct {
	g       *Generator
	tx      *gorm.DB
	withPgx func(func(*pgx.Conn) error) error
	now     time.Time
	orgs    map[string]int64 // by caseformat.NormalizeName
	res     *LoadResult
}

// resolve gives the organisation ids of names, creating the missing ones
// as an import does (casestore.ResolveOrganisations), once per name.
func (l *loader) resolve(names []string) error {
	var missing []string
	for _, n := range names {
		if _, ok := l.orgs[caseformat.NormalizeName(n)]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	ids, err := casestore.ResolveOrganisations(l.tx, missing)
	for k, id := range ids {
		l.orgs[k] = id
	}
	return err
}

// cases writes one batch: new cases by COPY, changed ones replaced.
func (l *loader) cases(ctx context.Context, b *Batch) error {
	started := time.Now()
	var names []string
	for _, c := range b.Cases {
		for _, op := range c.Operators {
			names = append(names, op.Name)
		}
	}
	if err := l.resolve(names); err != nil {
		return err
	}
	ncs := make([]casestore.NewCase, len(b.Cases))
	keys := make([]string, len(b.Cases))
	source := l.g.SourceName()
	for k, c := range b.Cases {
		nc := casestore.NewCase{Case: c, Hash: b.Hashes[k], Report: casestore.Report{Source: "import", SourceName: source,
			ReceivedAt: l.now, Body: b.Bodies[k], BodySHA256: b.Hashes[k]}}
		for _, op := range c.Operators {
			nc.OrgIDs = append(nc.OrgIDs, l.orgs[caseformat.NormalizeName(op.Name)])
		}
		nc.Identity = intake.IdentityKey(nc.OrgIDs, c.Ref)
		ncs[k], keys[k] = nc, nc.Identity
	}
	var existing map[string]*casestore.Existing
	err := l.withPgx(func(pc *pgx.Conn) error {
		var err error
		existing, err = held(ctx, pc, keys)
		return err
	})
	if err != nil {
		return err
	}
	fresh := ncs[:0:0]
	for k, nc := range ncs {
		ex, held := existing[nc.Identity]
		switch {
		case !held:
			fresh = append(fresh, nc)
			l.res.Imported++
		case ex.Reports[nc.Hash]:
			l.res.Skipped++
		default:
			// The generator changed since this case was stored: the new
			// content becomes its working copy, as a re-import would do.
			if err := casestore.Replace(l.tx, ex.CaseID, nc); err != nil {
				return fmt.Errorf("case %s: %w", b.Cases[k].Ref, err)
			}
			l.res.Updated++
			l.res.Rows += 1 + rowsOf(nc.Case)
		}
	}
	copying := time.Now()
	l.res.Checking += copying.Sub(started)
	defer func() { l.res.Copying += time.Since(copying) }()
	return l.withPgx(func(pc *pgx.Conn) error {
		n, err := casestore.Copy(ctx, pc, fresh, l.now)
		l.res.Rows += n
		return err
	})
}

// held is casestore.FindByIdentity on the pgx connection, one array
// parameter per query: the cases held among the identity keys, with their
// reports' hashes. Two queries, each on its index, because a join is
// planned badly while a bulk load has left the tables without statistics.
func held(ctx context.Context, pc *pgx.Conn, keys []string) (map[string]*casestore.Existing, error) {
	rows, err := pc.Query(ctx, `SELECT identity_key, id FROM cases WHERE identity_key = ANY($1)`, keys)
	if err != nil {
		return nil, err
	}
	out := map[string]*casestore.Existing{}
	byID := map[int64]*casestore.Existing{}
	var ids []int64
	for rows.Next() {
		var key string
		var id int64
		if err := rows.Scan(&key, &id); err != nil {
			rows.Close()
			return nil, err
		}
		e := &casestore.Existing{CaseID: id, Reports: map[string]bool{}}
		out[key], byID[id] = e, e
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return out, err
	}
	rows, err = pc.Query(ctx, `SELECT case_id, canonical_sha256 FROM reports WHERE case_id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var hash string
		if err := rows.Scan(&id, &hash); err != nil {
			return nil, err
		}
		byID[id].Reports[hash] = true
	}
	return out, rows.Err()
}

// rowsOf counts the working-copy rows of a case.
func rowsOf(c caseformat.Case) int64 {
	n := int64(1 + len(c.Operators) + len(c.Impacts))
	if c.Cause != nil {
		n++
	}
	for _, im := range c.Impacts {
		n += int64(len(im.Timeline))
	}
	return n
}

// rows writes the detailed-form rows, hashing the file WriteQuarterly
// would write so that the upload record names the same SHA-256.
func (l *loader) rows(ctx context.Context, opt LoadOptions) error {
	bw := quarterly.NewBulkWriter(l.g.QuarterlyFileName(), opt.Actor)
	h := sha256.New()
	h.Write([]byte(quarterlyHead))
	var buf []byte
	batch := make([]QuarterlyRow, 0, opt.BatchSize)
	// The rows are looked up by key before each batch; once the table
	// has grown well past what the planner last measured, it plans those
	// lookups as scans of the whole table (quadratic over the load), so
	// it is analysed again each time it doubles.
	written, analysed := 0, 0
	flush := func() error {
		var names []string
		for _, q := range batch {
			names = append(names, q.Organisation)
		}
		if err := l.resolve(names); err != nil {
			return err
		}
		rows := make([]quarterly.Row, len(batch))
		for k, q := range batch {
			rows[k] = q.Row(l.orgs[caseformat.NormalizeName(q.Organisation)])
		}
		batch = batch[:0]
		return l.withPgx(func(pc *pgx.Conn) error {
			if written > max(10000, 2*analysed) {
				if _, err := pc.Exec(ctx, `ANALYZE quarterly_rows`); err != nil {
					return err
				}
				analysed = written
			}
			written += len(rows)
			return bw.Write(ctx, pc, rows)
		})
	}
	for j := range opt.QuarterlyRows {
		q := l.g.QuarterlyRow(j, opt.Cases)
		buf = q.appendJSON(buf[:0])
		writeHashed(h, j, buf)
		batch = append(batch, q)
		if len(batch) == opt.BatchSize {
			if err := flush(); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if opt.QuarterlyRows > 0 {
		h.Write([]byte("\n"))
	}
	h.Write([]byte(quarterlyTail))
	var qres *quarterly.Result
	err := l.withPgx(func(pc *pgx.Conn) error {
		var err error
		qres, err = bw.Finish(ctx, pc, hex.EncodeToString(h.Sum(nil)))
		return err
	})
	if err != nil {
		return err
	}
	l.res.Quarterly = qres
	l.res.Rows += int64(qres.Added + qres.Updated)
	if ev := bw.Event(); ev != nil {
		if _, err := audit.Append(ctx, l.tx, *ev); err != nil {
			return err
		}
	}
	return nil
}

// writeHashed feeds one row line of the file to h, as WriteQuarterly lays
// it out.
func writeHashed(h stdhash.Hash, j int, line []byte) {
	if j > 0 {
		h.Write([]byte(",\n"))
	} else {
		h.Write([]byte("\n"))
	}
	h.Write(line)
}
