package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/caseformat"
)

// What the operators' web forms need beside drafts and submissions: a
// check that says every problem before the operator confirms, the report a
// follow-up starts from (no writing the same content twice), and the
// organisation's reports per case for its home page.

// Check validates a report of kind for sub's organisation exactly as Submit
// would — v1, the report items, the organisation, the report's place in the
// case — without filing anything. caseID is the case it continues (0: a new
// one, or the case of the organisation's ref).
func (p *Portal) Check(ctx context.Context, sub access.Subject, kind ReportKind, caseID int64, body []byte) error {
	org := sub.OrgID()
	if org == 0 || !p.Access.HasRole(sub, access.Role("reporter")) {
		return ErrForbidden
	}
	if !slices.Contains(SubmitKinds, kind) {
		return &InputError{Field: "kind", Code: "kind", Message: fmt.Sprintf("must be one of %s; got %q", joinKinds(SubmitKinds), kind)}
	}
	if _, _, err := p.decode(ctx, org, kind, body); err != nil {
		return err
	}
	tx := p.DB.WithContext(ctx)
	if caseID != 0 {
		rec, err := p.ownCase(tx, sub, caseID)
		if err != nil {
			return err
		}
		caseID = rec.ID
	}
	_, err := sequenceKind(tx, caseID, org, kind)
	return err
}

// Prefill is what a follow-up report on a case starts from.
type Prefill struct {
	// CaseID is the case (after following a link to the case it was
	// merged into).
	CaseID   int64
	CaseKind caseformat.Kind
	// Body is the organisation's newest report on the case, byte for byte,
	// or the case's working copy when the organisation filed none (a case
	// the secretariat imported).
	Body json.RawMessage
	// ReportID is the report Body is (0: the working copy).
	ReportID int64
	// Detailed: the organisation has filed a detailed report, so its next
	// one is an amendment.
	Detailed bool
}

// Prefill returns what a detailed report or an amendment of case caseID
// starts from: the organisation's own last words, personal items included,
// so that nothing is typed twice. Reading the stored report is audited
// like any read of the own tier.
func (p *Portal) Prefill(ctx context.Context, sub access.Subject, caseID int64) (*Prefill, error) {
	org := sub.OrgID()
	if org == 0 {
		return nil, ErrNotFound
	}
	tx := p.DB.WithContext(ctx)
	rec, err := p.ownCase(tx, sub, caseID)
	if err != nil {
		return nil, err
	}
	out := &Prefill{CaseID: rec.ID, CaseKind: rec.Case.Kind}
	var last []struct {
		ID   int64
		Body []byte
	}
	if err := tx.Raw(`SELECT id, body FROM reports WHERE case_id = ? AND organisation_id = ? ORDER BY id DESC LIMIT 1`,
		rec.ID, org).Scan(&last).Error; err != nil {
		return nil, err
	}
	var detailed int64
	if err := tx.Raw(`SELECT count(*) FROM reports WHERE case_id = ? AND organisation_id = ? AND kind IN ('detailed', 'amendment')`,
		rec.ID, org).Scan(&detailed).Error; err != nil {
		return nil, err
	}
	out.Detailed = detailed > 0
	if len(last) == 1 {
		out.Body, out.ReportID = last[0].Body, last[0].ID
	} else if out.Body, err = json.Marshal(rec.Case); err != nil {
		return nil, err
	}
	err = audit.Record(ctx, p.DB, audit.Event{Actor: actorOf(sub), Action: audit.ActionRead, Object: access.CaseKey(rec.ID),
		CaseID: rec.ID, Detail: map[string]any{"tiers": []string{"own"}, "report": out.ReportID, "purpose": "prefill"}})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// OwnReport is one report an organisation filed, without its body.
type OwnReport struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	Kind       ReportKind `json:"kind"`
	Sequence   int        `json:"sequence"`
	Source     string     `json:"source"`
	ReceivedAt time.Time  `json:"received_at"`
	Size       int        `json:"size"`
	// SubmittedBy is the subject key of the reporter who filed it.
	SubmittedBy string `json:"submitted_by"`
}

// OwnReports lists, per case of caseIDs, the reports sub's organisation
// filed there, oldest first. The list is audited as a read of the own tier.
func (p *Portal) OwnReports(ctx context.Context, sub access.Subject, caseIDs []int64) (map[int64][]OwnReport, error) {
	out := map[int64][]OwnReport{}
	org := sub.OrgID()
	if org == 0 || len(caseIDs) == 0 || !p.Access.Can(sub, access.NewCaseRef(0, []int64{org}), access.Own, access.Read) {
		return out, nil
	}
	var rows []OwnReport
	if err := p.DB.WithContext(ctx).Raw(`SELECT id, case_id, kind, coalesce(sequence, 0) AS sequence, source, received_at,
			length(body) AS size, submitted_by
		FROM reports WHERE organisation_id = ? AND case_id IN ? ORDER BY received_at, id`, org, caseIDs).Scan(&rows).Error; err != nil {
		return nil, err
	}
	var shown []int64
	for _, r := range rows {
		if len(out[r.CaseID]) == 0 {
			shown = append(shown, r.CaseID)
		}
		out[r.CaseID] = append(out[r.CaseID], r)
	}
	if len(shown) > 0 {
		if err := audit.Record(ctx, p.DB, audit.Event{Actor: actorOf(sub), Action: audit.ActionRead, Object: "reports/list",
			Detail: map[string]any{"tiers": []string{"own"}, "cases": shown}}); err != nil {
			return nil, err
		}
	}
	return out, nil
}
