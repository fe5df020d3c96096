package quarterly

import (
	"context"
	"fmt"
	"strings"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/caseformat"
)

// SimpleCounts is what one organisation holds on the simple form for one
// quarter: the grid the counts form (/quarterly/counts) is prefilled with.
type SimpleCounts struct {
	OrganisationID int64
	// Organisation is the registered name (the one an upload may give).
	Organisation string
	FiscalYear   int
	Quarter      int
	// Counts maps SimpleKey(equipment, prefecture) to the count on file;
	// a key absent was not filed.
	Counts map[string]int64
}

// SimpleCountsOf reads the simple-form counts organisation filed for
// quarter q of fiscal year fy. organisation is a registered name or alias;
// empty is the caller's own. A reporter reads only its own organisation's
// (naming any other, known or not, is ErrForbidden, so that the form does
// not tell which names exist); an unknown name is an InputError for the
// committee. A read that finds counts is audited, as Rows is.
func (s *Service) SimpleCountsOf(ctx context.Context, c Caller, organisation string, fy, q int) (*SimpleCounts, error) {
	if fy < FirstFiscalYear || fy > 2200 {
		return nil, &InputError{Field: "fiscal_year", Message: fmt.Sprintf("a fiscal year from %d is required", FirstFiscalYear)}
	}
	if q < 1 || q > 4 {
		return nil, &InputError{Field: "quarter", Message: "must be 1, 2, 3 or 4"}
	}
	db := s.DB.WithContext(ctx)
	all := s.can(c, 0, access.Read)
	org := c.Subject.OrgID()
	if name := strings.TrimSpace(organisation); name != "" {
		ids, err := lookupOrganisations(db, []string{name})
		if err != nil {
			return nil, fmt.Errorf("organisation registry: %w", err)
		}
		id, ok := ids[caseformat.NormalizeName(name)]
		switch {
		case !all && (!ok || id != org):
			return nil, ErrForbidden
		case !ok:
			return nil, &InputError{Field: "organisation", Message: fmt.Sprintf("%q is not in the organisation registry", name)}
		}
		org = id
	}
	if org == 0 {
		return nil, &InputError{Field: "organisation", Message: "is required: name the operator"}
	}
	if !s.can(c, org, access.Read) {
		return nil, ErrForbidden
	}
	out := &SimpleCounts{OrganisationID: org, Organisation: organisationName(ctx, s.DB, org), FiscalYear: fy, Quarter: q,
		Counts: map[string]int64{}}
	var rows []struct {
		ID    int64
		Key   string
		Count int64
	}
	err := db.Raw(`SELECT id, key, coalesce(count, 0) AS count FROM quarterly_rows
		WHERE organisation_id = ? AND fiscal_year = ? AND quarter = ? AND form = ? ORDER BY id`,
		org, fy, q, FormSimple).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out.Counts[r.Key] = r.Count
	}
	if len(rows) > 0 {
		err := audit.Record(ctx, s.DB, audit.Event{Actor: c.Actor, Action: audit.ActionRead, Object: "quarterly_rows",
			Detail: map[string]any{"tier": string(access.Own), "fiscal_year": fy, "quarter": q, "form": FormSimple,
				"rows": len(rows), "first_id": rows[0].ID, "organisations": []int64{org}}})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
