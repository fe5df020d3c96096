package webui

import (
	"context"
	"time"

	"kensho/internal/access"
	"kensho/internal/casestore"
)

// The few reads the pages make themselves, for pull-downs and the
// secretariat's to-do list. None of them returns case content that the
// enforcer has not allowed.

// orgOption is an organisation in a pull-down.
type orgOption struct {
	ID   int64
	Name string
}

// designatedOrgs are the designated public institutions, the only
// organisations a case's restricted part may be shared with.
func (p *pages) designatedOrgs(ctx context.Context) ([]orgOption, error) {
	var out []orgOption
	err := p.DB.WithContext(ctx).Raw("SELECT id, name FROM organisations WHERE designated = true ORDER BY id").Scan(&out).Error
	return out, err
}

// orgNames are the registry's organisation names, for the user form's
// suggestions.
func (p *pages) orgNames(ctx context.Context) ([]string, error) {
	var out []string
	err := p.DB.WithContext(ctx).Raw("SELECT name FROM organisations ORDER BY name LIMIT 2000").Scan(&out).Error
	return out, err
}

// draft is an anonymised near-miss summary awaiting approval.
type draft struct {
	CaseID    int64
	Ref       string
	Version   int
	UpdatedBy string
	UpdatedAt time.Time
}

// draftsToApprove lists the draft summaries sub may approve. Each row is
// decided by the enforcer, like every list of cases.
func (p *pages) draftsToApprove(ctx context.Context, sub access.Subject) ([]draft, error) {
	var rows []draft
	err := p.DB.WithContext(ctx).Raw(`SELECT s.case_id, c.ref, s.version, s.updated_by, s.updated_at
		FROM near_miss_summaries s JOIN cases c ON c.id = s.case_id
		WHERE s.status = 'draft' ORDER BY s.updated_at DESC LIMIT 50`).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.CaseID
	}
	orgs, err := casestore.OperatorOrgs(p.DB.WithContext(ctx), ids)
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, r := range rows {
		if p.Access.Can(sub, access.NewCaseRef(r.CaseID, orgs[r.CaseID]), access.Anonymised, access.Approve) {
			out = append(out, r)
		}
	}
	return out, nil
}
