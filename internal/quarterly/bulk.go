package quarterly

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"kensho/internal/audit"
)

// BulkWriter writes rows a program produced (kensho demo generate) in
// batches, on the pgx connection of the caller's transaction, with the
// upload record and audit event that `kensho quarterly upload` of the same
// rows as one JSON file would write. The rows are trusted: the caller built
// them valid and resolved their organisations; nothing is parsed or
// checked here beyond what the database checks. Rows already held with the
// same values are unchanged, with other values corrected, as an upload
// does.
type BulkWriter struct {
	meta     uploadRow
	res      Result
	orgs     map[int64]bool
	quarters map[string]bool
	locked   bool
}

// NewBulkWriter starts a bulk upload recorded under filename (format
// json) for actor.
func NewBulkWriter(filename, actor string) *BulkWriter {
	return &BulkWriter{meta: uploadRow{Filename: cleanFilename(filename, FormatJSON), Format: FormatJSON, UploadedBy: actor},
		res: Result{Format: FormatJSON, Errors: Errors{}}, orgs: map[int64]bool{}, quarters: map[string]bool{}}
}

// Write adds one batch of rows.
func (b *BulkWriter) Write(ctx context.Context, pc *pgx.Conn, rows []Row) error {
	if len(rows) == 0 {
		return nil
	}
	if !b.locked {
		if _, err := pc.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", writeLock); err != nil {
			return err
		}
		b.locked = true
	}
	ps := make([]parsed, len(rows))
	for i := range rows {
		ps[i].Row = rows[i]
	}
	held, err := existingKeys(ctx, pc, rows)
	if err != nil {
		return err
	}
	var added []*Row
	var changed []change
	for i := range ps {
		r := &ps[i].Row
		b.quarters[quarterName(r.FiscalYear, r.Quarter)] = true
		b.orgs[r.OrganisationID] = true
		old, ok := held[r.key()]
		switch {
		case !ok:
			added = append(added, r)
		case sameValues(&old.row, r):
			b.res.Unchanged++
			continue
		default:
			changed = append(changed, change{id: old.id, row: r})
		}
	}
	b.res.Rows += len(rows)
	if len(added)+len(changed) == 0 {
		return nil
	}
	if b.meta.ID == 0 {
		// The file's hash and counts are known at the end (Finish).
		err := pc.QueryRow(ctx, `INSERT INTO quarterly_uploads (filename, format, sha256, rows, added, updated, uploaded_by)
			VALUES ($1, $2, $3, 0, 0, 0, $4) RETURNING id, uploaded_at`,
			b.meta.Filename, b.meta.Format, strings.Repeat("0", 64), b.meta.UploadedBy).Scan(&b.meta.ID, &b.meta.UploadedAt)
		if err != nil {
			return fmt.Errorf("quarterly upload: %w", err)
		}
	}
	if len(added) > 0 {
		n, err := pc.CopyFrom(ctx, pgx.Identifier{"quarterly_rows"}, copyColumns, pgx.CopyFromSlice(len(added), func(i int) ([]any, error) {
			return added[i].values(b.meta.ID), nil
		}))
		if err != nil {
			return fmt.Errorf("quarterly rows: %w", err)
		}
		if int(n) != len(added) {
			return fmt.Errorf("quarterly rows: copied %d of %d", n, len(added))
		}
	}
	for _, c := range changed {
		v := c.row.values(b.meta.ID)
		if _, err := pc.Exec(ctx, `UPDATE quarterly_rows SET equipment_type = $2, prefecture = $3, count = $4, occurred_at = $5,
				recovered_at = $6, service = $7, users = $8, duration_minutes = $9, cause_class = $10, cause_archetype = $11,
				summary = $12, upload_id = $13 WHERE id = $1`,
			c.id, v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16]); err != nil {
			return fmt.Errorf("quarterly corrections: %w", err)
		}
	}
	b.res.Added += len(added)
	b.res.Updated += len(changed)
	return nil
}

// Finish records the whole file's SHA-256 and counts on the upload and
// returns what the upload did. Event is then the audit entry to append in
// the same transaction (nil when nothing was written).
func (b *BulkWriter) Finish(ctx context.Context, pc *pgx.Conn, sha256 string) (*Result, error) {
	b.res.Quarters = sortedKeys(b.quarters)
	if b.meta.ID == 0 {
		return &b.res, nil
	}
	b.meta.SHA256, b.meta.Rows, b.meta.Added, b.meta.Updated = sha256, b.res.Rows, b.res.Added, b.res.Updated
	if len(b.orgs) == 1 {
		for o := range b.orgs {
			b.meta.OrganisationID = &o
		}
	}
	if _, err := pc.Exec(ctx, `UPDATE quarterly_uploads SET sha256 = $2, rows = $3, added = $4, updated = $5, organisation_id = $6
		WHERE id = $1`, b.meta.ID, sha256, b.meta.Rows, b.meta.Added, b.meta.Updated, b.meta.OrganisationID); err != nil {
		return nil, fmt.Errorf("quarterly upload: %w", err)
	}
	b.res.UploadID = b.meta.ID
	return &b.res, nil
}

// Event is the audit entry of the upload, as Service.Upload writes it; nil
// when the rows changed nothing.
func (b *BulkWriter) Event() *audit.Event {
	if b.meta.ID == 0 {
		return nil
	}
	return &audit.Event{Actor: b.meta.UploadedBy, Action: audit.ActionImport,
		Object: fmt.Sprintf("quarterly_upload:%d", b.meta.ID),
		Detail: map[string]any{"kind": "quarterly", "filename": b.meta.Filename, "format": b.meta.Format,
			"sha256": b.meta.SHA256, "rows": b.meta.Rows, "added": b.meta.Added, "updated": b.meta.Updated,
			"unchanged": b.res.Unchanged, "organisations": sortedKeys(b.orgs), "quarters": b.res.Quarters}}
}

// existingKeys reads the stored rows with the keys of rows: unlike
// existing, which reads whole quarters of an organisation (one upload's
// worth), it stays proportional to the batch however many batches came
// before.
func existingKeys(ctx context.Context, pc *pgx.Conn, rows []Row) (map[rowKey]held, error) {
	orgs, forms, keys := make([]int64, len(rows)), make([]string, len(rows)), make([]string, len(rows))
	fys, qs := make([]int32, len(rows)), make([]int32, len(rows))
	for i := range rows {
		orgs[i], fys[i], qs[i], forms[i], keys[i] = rows[i].OrganisationID, int32(rows[i].FiscalYear), int32(rows[i].Quarter),
			rows[i].Form, rows[i].Key
	}
	res, err := pc.Query(ctx, `SELECT id, organisation_id, fiscal_year, quarter, form, key, equipment_type, prefecture,
			count, occurred_at, recovered_at, service, users, duration_minutes, cause_class, cause_archetype, summary
		FROM quarterly_rows WHERE (organisation_id, fiscal_year, quarter, form, key) IN
			(SELECT * FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::text[], $5::text[]))`, orgs, fys, qs, forms, keys)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	out := map[rowKey]held{}
	for res.Next() {
		var h held
		var n sqlRow
		if err := res.Scan(&h.id, &h.row.OrganisationID, &h.row.FiscalYear, &h.row.Quarter, &h.row.Form, &h.row.Key,
			&h.row.EquipmentType, &h.row.Prefecture, &n.count, &n.occurred, &n.recovered, &n.service, &n.users,
			&n.duration, &n.class, &n.archetype, &h.row.Summary); err != nil {
			return nil, err
		}
		n.fill(&h.row)
		out[h.row.key()] = h
	}
	return out, res.Err()
}
