package quarterly

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"kensho/internal/audit"
)

// uploadRow is a row of quarterly_uploads.
type uploadRow struct {
	ID             int64
	OrganisationID *int64
	Filename       string
	Format         string
	SHA256         string `gorm:"column:sha256"`
	Rows           int
	Added          int
	Updated        int
	UploadedBy     string
	UploadedAt     time.Time
}

func (uploadRow) TableName() string { return "quarterly_uploads" }

// writeLock serialises quarterly writers: two uploads of one file must not
// both find a key missing and both add it.
const writeLock = 7_210_004

// copyColumns are the columns COPY fills, in the table's order (id aside).
var copyColumns = []string{"organisation_id", "fiscal_year", "quarter", "form", "key", "equipment_type", "prefecture",
	"count", "occurred_at", "recovered_at", "service", "users", "duration_minutes", "cause_class", "cause_archetype",
	"summary", "upload_id"}

// values are the row's columns in copyColumns order: the other form's
// columns are NULL.
func (r *Row) values(upload int64) []any {
	v := []any{r.OrganisationID, int32(r.FiscalYear), int16(r.Quarter), r.Form, r.Key, r.EquipmentType, r.Prefecture,
		nil, nil, nil, nil, nil, nil, nil, nil, r.Summary, upload}
	if r.Form == FormSimple {
		v[7] = int32(r.Count)
		return v
	}
	v[8], v[9], v[10], v[11], v[12], v[13], v[14] = r.OccurredAt, r.RecoveredAt, r.Service, int32(r.Users),
		int32(r.DurationMinutes), r.CauseClass, r.CauseArchetype
	return v
}

// change is a known key whose values the file corrects.
type change struct {
	id  int64
	row *Row
}

// write stores the rows in one transaction: under the writers' lock, the
// keys already held for the file's (organisation, year, quarter) are read;
// new rows go in by COPY, corrected ones are updated, and the upload and
// its audit entry are recorded. A file that changes nothing writes
// nothing.
//
// COPY needs pgx itself, not database/sql: the transaction runs on one
// pinned connection, gorm (for the audit trail) and pgx (through Raw)
// taking turns on it.
func (s *Service) write(ctx context.Context, c Caller, meta *uploadRow, rows []parsed, res *Result) error {
	return s.DB.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		sqlConn, ok := conn.Statement.ConnPool.(*sql.Conn)
		if !ok {
			return fmt.Errorf("quarterly: connection is %T, not *sql.Conn", conn.Statement.ConnPool)
		}
		return conn.Transaction(func(tx *gorm.DB) error {
			wrote := false
			err := sqlConn.Raw(func(dc any) error {
				sc, ok := dc.(*stdlib.Conn)
				if !ok {
					return fmt.Errorf("quarterly: driver connection is %T, not pgx", dc)
				}
				var err error
				wrote, err = s.copyRows(ctx, sc.Conn(), meta, rows, res)
				return err
			})
			if err != nil || !wrote {
				return err
			}
			orgs := map[int64]bool{}
			for i := range rows {
				orgs[rows[i].OrganisationID] = true
			}
			_, err = audit.Append(ctx, tx, audit.Event{Actor: c.Actor, Action: audit.ActionImport,
				Object: fmt.Sprintf("quarterly_upload:%d", meta.ID),
				Detail: map[string]any{"kind": "quarterly", "filename": meta.Filename, "format": meta.Format,
					"sha256": meta.SHA256, "rows": meta.Rows, "added": meta.Added, "updated": meta.Updated,
					"unchanged": res.Unchanged, "organisations": sortedKeys(orgs), "quarters": res.Quarters}})
			return err
		})
	})
}

func sortedKeys[K int64 | string](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// copyRows does the pgx part of write on the transaction's connection and
// reports whether it wrote anything.
func (s *Service) copyRows(ctx context.Context, pc *pgx.Conn, meta *uploadRow, rows []parsed, res *Result) (bool, error) {
	if _, err := pc.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", writeLock); err != nil {
		return false, err
	}
	held, err := existing(ctx, pc, rows)
	if err != nil {
		return false, err
	}
	var added []*Row
	var changed []change
	orgs := map[int64]bool{}
	quarters := map[string]bool{}
	for i := range rows {
		r := &rows[i].Row
		orgs[r.OrganisationID] = true
		quarters[quarterName(r.FiscalYear, r.Quarter)] = true
		old, ok := held[r.key()]
		switch {
		case !ok:
			added = append(added, r)
		case sameValues(&old.row, r):
			res.Unchanged++
		default:
			changed = append(changed, change{id: old.id, row: r})
		}
	}
	res.Quarters = sortedKeys(quarters)
	res.Added, res.Updated = len(added), len(changed)
	if len(added)+len(changed) == 0 {
		return false, nil
	}
	meta.Added, meta.Updated = len(added), len(changed)
	if len(orgs) == 1 {
		for o := range orgs {
			meta.OrganisationID = &o
		}
	}
	err = pc.QueryRow(ctx, `INSERT INTO quarterly_uploads (organisation_id, filename, format, sha256, rows, added, updated, uploaded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, uploaded_at`,
		meta.OrganisationID, meta.Filename, meta.Format, meta.SHA256, meta.Rows, meta.Added, meta.Updated, meta.UploadedBy).
		Scan(&meta.ID, &meta.UploadedAt)
	if err != nil {
		return false, fmt.Errorf("quarterly upload: %w", err)
	}
	res.UploadID = meta.ID
	if len(added) > 0 {
		n, err := pc.CopyFrom(ctx, pgx.Identifier{"quarterly_rows"}, copyColumns, pgx.CopyFromSlice(len(added), func(i int) ([]any, error) {
			return added[i].values(meta.ID), nil
		}))
		if err != nil {
			return false, fmt.Errorf("quarterly rows: %w", err)
		}
		if int(n) != len(added) {
			return false, fmt.Errorf("quarterly rows: copied %d of %d", n, len(added))
		}
	}
	if len(changed) > 0 {
		if err := update(ctx, pc, changed, meta.ID); err != nil {
			return false, err
		}
	}
	return true, nil
}

// held is a stored row with its id.
type held struct {
	id  int64
	row Row
}

// existing reads the stored rows of every (organisation, year, quarter)
// the file touches.
func existing(ctx context.Context, pc *pgx.Conn, rows []parsed) (map[rowKey]held, error) {
	type oq struct {
		org   int64
		fy, q int
	}
	seen := map[oq]bool{}
	var orgs []int64
	var fys, qs []int32
	for i := range rows {
		k := oq{rows[i].OrganisationID, rows[i].FiscalYear, rows[i].Quarter}
		if !seen[k] {
			seen[k] = true
			orgs, fys, qs = append(orgs, k.org), append(fys, int32(k.fy)), append(qs, int32(k.q))
		}
	}
	res, err := pc.Query(ctx, `SELECT id, organisation_id, fiscal_year, quarter, form, key, equipment_type, prefecture,
			count, occurred_at, recovered_at, service, users, duration_minutes, cause_class, cause_archetype, summary
		FROM quarterly_rows WHERE (organisation_id, fiscal_year, quarter) IN
			(SELECT * FROM unnest($1::bigint[], $2::integer[], $3::integer[]))`, orgs, fys, qs)
	if err != nil {
		return nil, err
	}
	out := map[rowKey]held{}
	for res.Next() {
		var h held
		var n sqlRow
		if err := res.Scan(&h.id, &h.row.OrganisationID, &h.row.FiscalYear, &h.row.Quarter, &h.row.Form, &h.row.Key,
			&h.row.EquipmentType, &h.row.Prefecture, &n.count, &n.occurred, &n.recovered, &n.service, &n.users,
			&n.duration, &n.class, &n.archetype, &h.row.Summary); err != nil {
			res.Close()
			return nil, err
		}
		n.fill(&h.row)
		out[h.row.key()] = h
	}
	return out, res.Err()
}

// sqlRow holds the nullable columns of a stored row.
type sqlRow struct {
	count, users, duration    *int64
	occurred, recovered       *time.Time
	service, class, archetype *string
}

func (n *sqlRow) fill(r *Row) {
	deref := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	r.Count, r.Users, r.DurationMinutes = deref(n.count), deref(n.users), deref(n.duration)
	r.Service, r.CauseClass, r.CauseArchetype = str(n.service), str(n.class), str(n.archetype)
	if n.occurred != nil {
		r.OccurredAt = n.occurred.In(jst)
	}
	if n.recovered != nil {
		r.RecoveredAt = n.recovered.In(jst)
	}
}

// update writes the corrected rows: COPY into a temporary table, then one
// UPDATE joining it, however many there are.
func update(ctx context.Context, pc *pgx.Conn, changed []change, upload int64) error {
	if _, err := pc.Exec(ctx, `CREATE TEMPORARY TABLE quarterly_changes (LIKE quarterly_rows) ON COMMIT DROP`); err != nil {
		return err
	}
	cols := append([]string{"id"}, copyColumns...)
	_, err := pc.CopyFrom(ctx, pgx.Identifier{"quarterly_changes"}, cols, pgx.CopyFromSlice(len(changed), func(i int) ([]any, error) {
		return append([]any{changed[i].id}, changed[i].row.values(upload)...), nil
	}))
	if err != nil {
		return fmt.Errorf("quarterly corrections: %w", err)
	}
	tag, err := pc.Exec(ctx, `UPDATE quarterly_rows q SET equipment_type = c.equipment_type, prefecture = c.prefecture,
			count = c.count, occurred_at = c.occurred_at, recovered_at = c.recovered_at, service = c.service,
			users = c.users, duration_minutes = c.duration_minutes, cause_class = c.cause_class,
			cause_archetype = c.cause_archetype, summary = c.summary, upload_id = c.upload_id
		FROM quarterly_changes c WHERE q.id = c.id`)
	if err != nil {
		return fmt.Errorf("quarterly corrections: %w", err)
	}
	if int(tag.RowsAffected()) != len(changed) {
		return errors.New("quarterly corrections: a corrected row vanished")
	}
	return nil
}
