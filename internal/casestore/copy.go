package casestore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Copy stores new cases, each with its first report, like Insert but with
// PostgreSQL COPY: the bulk path for case bases of hundreds of thousands
// (kensho demo generate). pc must be the connection of the caller's
// transaction, holding the writers' Lock. The rows are those Insert writes
// — the same conversion (toRow), the report numbered 1 in its own case —
// and createdAt stamps the cases. It returns how many rows it wrote, all
// tables together.
//
// Ids are drawn from the tables' own sequences first (nextval), so the
// children can name their parents inside one COPY each; other writers
// drawing ids meanwhile only leave gaps, as inserts do.
func Copy(ctx context.Context, pc *pgx.Conn, cases []NewCase, createdAt time.Time) (int64, error) {
	if len(cases) == 0 {
		return 0, nil
	}
	rows := make([]caseRow, len(cases))
	nImpacts := 0
	for i, nc := range cases {
		rows[i] = toRow(nc.Case, nc.Identity, nc.OrgIDs)
		nImpacts += len(rows[i].Impacts)
	}
	caseIDs, err := nextIDs(ctx, pc, "cases", len(rows))
	if err != nil {
		return 0, err
	}
	impactIDs, err := nextIDs(ctx, pc, "impacts", nImpacts)
	if err != nil {
		return 0, err
	}
	var ops, causes, impacts, periods [][]any
	reports := make([][]any, 0, len(rows))
	k := 0
	for i := range rows {
		r, id := &rows[i], caseIDs[i]
		for _, o := range r.Operators {
			ops = append(ops, []any{id, o.Position, o.OrganisationID, o.ReportedName, o.Role, o.Extra.text()})
		}
		if c := r.Cause; c != nil {
			causes = append(causes, []any{id, c.Class, c.Archetype, c.Text, c.Extra.text()})
		}
		for _, im := range r.Impacts {
			iid := impactIDs[k]
			k++
			impacts = append(impacts, []any{iid, id, im.Position, im.Service, im.MonthlyActiveUsers, im.MediatesCommunications,
				im.Degradation, im.PeakUsers, im.UserUnit, im.StoppedCapacityGbps, im.TotalSubscribers, im.Description, im.Extra.text()})
			for _, p := range im.Periods {
				periods = append(periods, []any{iid, p.Position, p.StartsAt, p.EndsAt, p.Users, p.Extra.text()})
			}
		}
		rep := cases[i].report()
		reports = append(reports, []any{id, rep.Source, rep.SourceName, rep.ReceivedAt, rep.Body, rep.BodySHA256,
			rep.CanonicalSHA256, reportKind(rep.Kind), rep.OrganisationID, rep.SubmittedBy, id, 1})
	}
	var n int64
	copyRows := func(table string, cols []string, src pgx.CopyFromSource) error {
		c, err := pc.CopyFrom(ctx, pgx.Identifier{table}, cols, src)
		n += c
		if err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
		return nil
	}
	err = copyRows("cases", []string{"id", "identity_key", "ref", "kind", "occurred_at", "recovered_at", "fiscal_year", "area",
		"summary", "detail", "measures", "critical_facility_type", "critical_facility_minutes", "critical_facility_extra",
		"near_miss", "extra", "created_at", "updated_at"},
		pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			r := &rows[i]
			return []any{caseIDs[i], r.IdentityKey, r.Ref, r.Kind, r.OccurredAt, r.RecoveredAt, r.FiscalYear, r.Area,
				r.Summary, r.Detail, r.Measures, r.CriticalFacilityType, r.CriticalFacilityMinutes,
				r.CriticalFacilityExtra.text(), r.NearMiss.text(), r.Extra.text(), createdAt, createdAt}, nil
		}))
	if err == nil {
		err = copyRows("case_operators", []string{"case_id", "position", "organisation_id", "reported_name", "role", "extra"}, pgx.CopyFromRows(ops))
	}
	if err == nil {
		err = copyRows("causes", []string{"case_id", "class", "archetype", "text", "extra"}, pgx.CopyFromRows(causes))
	}
	if err == nil {
		err = copyRows("impacts", []string{"id", "case_id", "position", "service", "monthly_active_users", "mediates_communications",
			"degradation", "peak_users", "user_unit", "stopped_capacity_gbps", "total_subscribers", "description", "extra"},
			pgx.CopyFromRows(impacts))
	}
	if err == nil {
		err = copyRows("impact_periods", []string{"impact_id", "position", "starts_at", "ends_at", "users", "extra"}, pgx.CopyFromRows(periods))
	}
	if err == nil {
		err = copyRows("reports", []string{"case_id", "source", "source_name", "received_at", "body", "body_sha256",
			"canonical_sha256", "kind", "organisation_id", "submitted_by", "origin_case_id", "sequence"}, pgx.CopyFromRows(reports))
	}
	return n, err
}

// nextIDs draws n ids from the identity sequence of table's id column.
func nextIDs(ctx context.Context, pc *pgx.Conn, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	rows, err := pc.Query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("%s ids: %w", table, err)
	}
	slices.Sort(ids) // in the order the cases come, as Insert numbers them
	return ids, nil
}

// reportKind is the stored kind: Insert leaves an empty kind to the
// column's default.
func reportKind(k string) string {
	if k == "" {
		return "import"
	}
	return k
}

// text is the column value of a json column: its text, or NULL.
func (j JSON) text() any {
	if len(j) == 0 {
		return nil
	}
	return string(j)
}
