package intake

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/db"
	"kensho/internal/rules"
)

// SubmitRequest is a report an operator files.
type SubmitRequest struct {
	Kind ReportKind `json:"kind"`
	// CaseID continues a case (a detailed report after the quick one, an
	// amendment); 0 finds the case by the organisation and the ref, or
	// opens a new one.
	CaseID int64 `json:"case_id,omitempty"`
	// Body is one kensho-case/v1 case with the optional "report" object.
	Body []byte `json:"-"`
	// DraftID submits a saved draft (its kind, case and body).
	DraftID int64 `json:"draft_id,omitempty"`
	// Source is "form" or "api".
	Source string `json:"-"`
}

// Submission is what a submitted report became.
type Submission struct {
	CaseID   int64      `json:"case_id"`
	ReportID int64      `json:"report_id"`
	Kind     ReportKind `json:"kind"`
	// Sequence is the report's version within its case (1, 2, 3…).
	Sequence int `json:"sequence"`
	// Duplicate: the same report was already filed; nothing was added.
	Duplicate bool `json:"duplicate"`
	// Flagged lists the fields of an amendment that differ from the
	// secretariat's validated copy, for the secretariat to decide.
	Flagged []string `json:"flagged"`
	// Judgement is the rules engine's verdict on the case as it now stands.
	Judgement *rules.Result `json:"judgement,omitempty"`
}

// Submit files a report. The first report of a case opens it; later ones
// (quick → detailed → amendments) are its next versions. The body is kept
// byte for byte and hashed; the working copy follows the newest report until
// the secretariat validates it, after which differing fields are flagged
// instead. The same report filed twice is one report (Duplicate).
func (p *Portal) Submit(ctx context.Context, sub access.Subject, req SubmitRequest) (*Submission, error) {
	org := sub.OrgID()
	if org == 0 || !p.Access.HasRole(sub, access.Role("reporter")) {
		return nil, ErrForbidden
	}
	if req.DraftID != 0 {
		d, err := p.Draft(ctx, sub, req.DraftID)
		if err != nil {
			return nil, err
		}
		if d.ReportID != 0 {
			return p.submitted(ctx, sub, d.ReportID)
		}
		req.Kind, req.Body = d.ReportKind, d.Body
		if d.CaseID != 0 {
			req.CaseID = d.CaseID
		}
	}
	if req.Source == "" {
		req.Source = "api"
	}
	if !slices.Contains(SubmitKinds, req.Kind) {
		return nil, &InputError{Field: "kind", Code: "kind", Message: fmt.Sprintf("must be one of %s; got %q", joinKinds(SubmitKinds), req.Kind)}
	}
	c, items, err := p.decode(ctx, org, req.Kind, req.Body)
	if err != nil {
		return nil, err
	}
	hash := c.Hash()
	var out *Submission
	err = db.WithTx(ctx, p.DB.WithContext(ctx), func(tx *gorm.DB) error {
		if err := casestore.Lock(tx); err != nil {
			return err
		}
		var err error
		out, err = p.submit(ctx, tx, sub, req, c, items, hash)
		if err != nil || out.Duplicate {
			return err
		}
		if req.DraftID != 0 {
			if err := tx.Exec(`UPDATE drafts SET report_id = ?, case_id = ? WHERE id = ?`, out.ReportID, out.CaseID, req.DraftID).Error; err != nil {
				return err
			}
			if err := tx.Exec(`UPDATE attachments SET report_id = ? WHERE draft_id = ?`, out.ReportID, req.DraftID).Error; err != nil {
				return err
			}
		}
		if err := p.afterWrite(ctx, tx, out.CaseID); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actorOf(sub), Action: audit.ActionSubmit, Object: access.CaseKey(out.CaseID),
			CaseID: out.CaseID, Detail: map[string]any{"report": out.ReportID, "kind": out.Kind, "sequence": out.Sequence,
				"source": req.Source, "sha256": sha(req.Body), "flagged": out.Flagged}})
		return err
	})
	if err != nil {
		return nil, err
	}
	if rec, err := casestore.Get(p.DB.WithContext(ctx), out.CaseID); err == nil {
		out.Judgement, _ = p.Rules.Classify(rec.Case, "")
	}
	p.log().InfoContext(ctx, "report submitted", "case", out.CaseID, "report", out.ReportID, "kind", out.Kind, "duplicate", out.Duplicate)
	return out, nil
}

// decode validates a report body for organisation org: v1, the report
// items for its kind, and operators naming org only (a reporter files for
// its own organisation; the secretariat links organisations' reports).
func (p *Portal) decode(ctx context.Context, org int64, kind ReportKind, body []byte) (caseformat.Case, *Items, error) {
	c, err := caseformat.DecodeCase(body)
	var errs caseformat.Errors
	if err != nil {
		if !errors.As(err, &errs) {
			return c, nil, err
		}
		return c, nil, errs
	}
	items, err := ItemsOf(c)
	if errors.As(err, &errs) {
		return c, nil, errs
	}
	p.Catalogue.fillArea(&c, items)
	p.Catalogue.check(kind, c, items, &errs)
	for i, op := range c.Operators {
		o, err := casestore.FindOrganisation(p.DB.WithContext(ctx), op.Name)
		if err != nil && !errors.Is(err, casestore.ErrNotFound) {
			return c, nil, err
		}
		if o == nil || o.ID != org {
			errs = append(errs, caseformat.FieldError{Path: fmt.Sprintf("operators[%d].name", i),
				Message: fmt.Sprintf("%q is not your organisation; report for your own organisation only (the secretariat links the reports of one accident)", op.Name)})
		}
	}
	if len(errs) > 0 {
		return c, nil, errs
	}
	return c, items, nil
}

func (p *Portal) submit(ctx context.Context, tx *gorm.DB, sub access.Subject, req SubmitRequest, c caseformat.Case, items *Items, hash string) (*Submission, error) {
	org := sub.OrgID()
	caseID := req.CaseID
	if caseID == 0 {
		found, err := casestore.FindByIdentity(tx, []string{IdentityKey([]int64{org}, c.Ref)})
		if err != nil {
			return nil, err
		}
		for _, e := range found {
			caseID = e.CaseID
		}
	}
	var rec *casestore.Record
	if caseID != 0 {
		var err error
		if rec, err = p.ownCase(tx, sub, caseID); err != nil {
			return nil, err
		}
		caseID = rec.ID
		if dup, err := duplicate(tx, caseID, hash); err != nil || dup != 0 {
			if err != nil {
				return nil, err
			}
			return p.submittedTx(tx, dup)
		}
	}
	if !p.Access.Can(sub, access.NewCaseRef(caseID, []int64{org}), access.Own, Submit) {
		return nil, ErrForbidden
	}
	kind, err := sequenceKind(tx, caseID, org, req.Kind)
	if err != nil {
		return nil, err
	}
	working := c
	p.Catalogue.complete(&working, items)
	var origin int64
	if rec != nil {
		if err := tx.Raw(`SELECT coalesce((SELECT origin_case_id FROM reports WHERE case_id = ? AND organisation_id = ? ORDER BY id LIMIT 1), 0)`,
			rec.ID, org).Scan(&origin).Error; err != nil {
			return nil, err
		}
	}
	report := casestore.Report{Source: req.Source, Body: req.Body, BodySHA256: sha(req.Body), ReceivedAt: p.now(),
		Kind: string(kind), OrganisationID: org, SubmittedBy: actorOf(sub), OriginCaseID: origin}
	nc := casestore.NewCase{Case: working, Hash: hash, Report: report}
	out := &Submission{Kind: kind, Flagged: []string{}}
	switch {
	case rec == nil:
		nc.OrgIDs, nc.Identity = []int64{org}, IdentityKey([]int64{org}, c.Ref)
		if err := casestore.Insert(tx, []casestore.NewCase{nc}); err != nil {
			return nil, err
		}
		if err := tx.Raw(`SELECT id FROM cases WHERE identity_key = ?`, nc.Identity).Scan(&out.CaseID).Error; err != nil {
			return nil, err
		}
		if err := tx.Raw(`SELECT id FROM reports WHERE case_id = ? ORDER BY id DESC LIMIT 1`, out.CaseID).Scan(&out.ReportID).Error; err != nil {
			return nil, err
		}
		if err := saveRevision(tx, "case", out.CaseID, 1, working, actorOf(sub)); err != nil {
			return nil, err
		}
	case rec.ValidatedAt == nil:
		out.CaseID = rec.ID
		working.Ref = rec.Case.Ref
		working.Operators, nc.OrgIDs = mergeOperators(rec, working.Operators[0], org)
		if err := casestore.ReplaceCopy(tx, rec.ID, working, "", nc.OrgIDs); err != nil {
			return nil, err
		}
		if out.ReportID, err = casestore.AddReport(tx, rec.ID, nc); err != nil {
			return nil, err
		}
		if err := saveRevision(tx, "case", rec.ID, rec.Version+1, working, actorOf(sub)); err != nil {
			return nil, err
		}
	default:
		out.CaseID = rec.ID
		if out.ReportID, err = casestore.AddReport(tx, rec.ID, nc); err != nil {
			return nil, err
		}
		if out.Flagged, err = p.flag(tx, rec, org, out.ReportID, working); err != nil {
			return nil, err
		}
	}
	if personal := items.Personal(); personal != "" && (rec == nil || rec.ValidatedAt == nil) {
		if err := tx.Exec(`UPDATE cases SET contacts = ? WHERE id = ?`, personal, out.CaseID).Error; err != nil {
			return nil, err
		}
	}
	if err := tx.Raw(`SELECT sequence FROM reports WHERE id = ?`, out.ReportID).Scan(&out.Sequence).Error; err != nil {
		return nil, err
	}
	return out, nil
}

// ownCase loads case id (following a link to the case it was merged
// into) if sub's organisation is one of its operators.
func (p *Portal) ownCase(tx *gorm.DB, sub access.Subject, id int64) (*casestore.Record, error) {
	for range 3 {
		rec, err := casestore.Get(tx, id)
		if errors.Is(err, casestore.ErrNotFound) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if rec.MergedInto != 0 {
			id = rec.MergedInto
			continue
		}
		if !slices.Contains(rec.OrgIDs, sub.OrgID()) || !p.Access.Can(sub, access.NewCaseRef(rec.ID, rec.OrgIDs), access.Own, access.Read) {
			return nil, ErrNotFound
		}
		return rec, nil
	}
	return nil, ErrNotFound
}

// mergeOperators keeps the case's operators and adds op (organisation org)
// if it is not among them: a linked case keeps every reporting organisation
// whoever files next.
func mergeOperators(rec *casestore.Record, op caseformat.Operator, org int64) ([]caseformat.Operator, []int64) {
	ops, orgs := slices.Clone(rec.Case.Operators), slices.Clone(rec.OrgIDs)
	if !slices.Contains(orgs, org) {
		ops, orgs = append(ops, op), append(orgs, org)
	}
	return ops, orgs
}

// sequenceKind checks the report's place in the case's life: an amendment
// needs a detailed report before it, and a second detailed report from the
// same organisation is an amendment.
func sequenceKind(tx *gorm.DB, caseID, org int64, k ReportKind) (ReportKind, error) {
	if caseID == 0 {
		if k == KindAmendment {
			return k, &InputError{Field: "kind", Code: "amend_first", Message: `there is no detailed report to amend yet; submit kind "detailed"`}
		}
		return k, nil
	}
	var detailed int64
	if err := tx.Raw(`SELECT count(*) FROM reports WHERE case_id = ? AND organisation_id = ? AND kind IN ('detailed', 'amendment')`,
		caseID, org).Scan(&detailed).Error; err != nil {
		return k, err
	}
	switch {
	case k == KindAmendment && detailed == 0:
		return k, &InputError{Field: "kind", Code: "amend_first", Message: `there is no detailed report to amend yet; submit kind "detailed"`}
	case k == KindDetailed && detailed > 0:
		return KindAmendment, nil
	}
	return k, nil
}

// duplicate returns the report of case id with the same content, or 0.
func duplicate(tx *gorm.DB, caseID int64, hash string) (int64, error) {
	var id int64
	err := tx.Raw(`SELECT id FROM reports WHERE case_id = ? AND canonical_sha256 = ?`, caseID, hash).Scan(&id).Error
	return id, err
}

// submitted describes an existing report as a duplicate submission.
func (p *Portal) submitted(ctx context.Context, sub access.Subject, reportID int64) (*Submission, error) {
	out, err := p.submittedTx(p.DB.WithContext(ctx), reportID)
	if err != nil {
		return nil, err
	}
	if rec, err := casestore.Get(p.DB.WithContext(ctx), out.CaseID); err == nil {
		out.Judgement, _ = p.Rules.Classify(rec.Case, "")
	}
	return out, nil
}

func (p *Portal) submittedTx(tx *gorm.DB, reportID int64) (*Submission, error) {
	var r struct {
		CaseID   int64
		Kind     string
		Sequence int
	}
	if err := tx.Raw(`SELECT case_id, kind, sequence FROM reports WHERE id = ?`, reportID).Scan(&r).Error; err != nil {
		return nil, err
	}
	return &Submission{CaseID: r.CaseID, ReportID: reportID, Kind: ReportKind(r.Kind), Sequence: r.Sequence, Duplicate: true, Flagged: []string{}}, nil
}

func joinKinds(ks []ReportKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
