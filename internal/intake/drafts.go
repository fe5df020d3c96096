package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/caseformat"
	"kensho/internal/db"
)

// Draft is a report being written. It belongs to an organisation: its
// members see and edit it; nobody else does, the secretariat included,
// until it is submitted.
type Draft struct {
	ID         int64           `json:"id"`
	CaseID     int64           `json:"case_id,omitempty"`
	CaseKind   caseformat.Kind `json:"case_kind"`
	ReportKind ReportKind      `json:"report_kind"`
	Body       json.RawMessage `json:"body"`
	Version    int             `json:"version"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedBy  string          `json:"updated_by"`
	UpdatedAt  time.Time       `json:"updated_at"`
	// ReportID is the report it became; a submitted draft is read-only.
	ReportID    int64            `json:"report_id,omitempty"`
	Attachments []AttachmentMeta `json:"attachments"`
}

// DraftInput saves a draft: ID 0 creates one; otherwise Version must be
// the version the caller loaded.
type DraftInput struct {
	ID         int64           `json:"id,omitempty"`
	Version    int             `json:"version,omitempty"`
	CaseID     int64           `json:"case_id,omitempty"`
	CaseKind   caseformat.Kind `json:"case_kind"`
	ReportKind ReportKind      `json:"report_kind"`
	Body       json.RawMessage `json:"body"`
}

type draftRow struct {
	ID             int64
	OrganisationID int64
	CaseID         *int64
	CaseKind       string
	ReportKind     string
	Body           []byte
	Version        int
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedBy      string
	UpdatedAt      time.Time
	ReportID       *int64
}

func (r draftRow) draft() *Draft {
	d := &Draft{ID: r.ID, CaseKind: caseformat.Kind(r.CaseKind), ReportKind: ReportKind(r.ReportKind), Body: r.Body,
		Version: r.Version, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt,
		Attachments: []AttachmentMeta{}}
	if r.CaseID != nil {
		d.CaseID = *r.CaseID
	}
	if r.ReportID != nil {
		d.ReportID = *r.ReportID
	}
	return d
}

const draftColumns = `id, organisation_id, case_id, case_kind, report_kind, body::text AS body, version, created_by, created_at, updated_by, updated_at, report_id`

// SaveDraft creates or updates a draft of the caller's organisation. The
// body need not be complete or valid yet, only a JSON object; a stale
// version is refused with a ConflictError listing what changed.
func (p *Portal) SaveDraft(ctx context.Context, sub access.Subject, in DraftInput) (*Draft, error) {
	org := sub.OrgID()
	if org == 0 || !p.Access.Can(sub, access.NewCaseRef(0, []int64{org}), access.Own, Submit) {
		return nil, ErrForbidden
	}
	if !slices.Contains(caseformat.Kinds, in.CaseKind) {
		return nil, &InputError{Field: "case_kind", Code: "case_kind", Message: fmt.Sprintf("must be one of accident, near_miss, information; got %q", in.CaseKind)}
	}
	if !slices.Contains(SubmitKinds, in.ReportKind) {
		return nil, &InputError{Field: "report_kind", Code: "kind", Message: fmt.Sprintf("must be one of %s; got %q", joinKinds(SubmitKinds), in.ReportKind)}
	}
	var obj map[string]json.RawMessage
	if len(in.Body) == 0 {
		in.Body = json.RawMessage(`{}`)
	}
	if err := json.Unmarshal(in.Body, &obj); err != nil || obj == nil {
		return nil, &InputError{Field: "body", Code: "body", Message: "must be a JSON object (a kensho-case/v1 case, complete or not)"}
	}
	actor := actorOf(sub)
	var out *Draft
	err := db.WithTx(ctx, p.DB.WithContext(ctx), func(tx *gorm.DB) error {
		if in.CaseID != 0 {
			if _, err := p.ownCase(tx, sub, in.CaseID); err != nil {
				return err
			}
		}
		var caseID *int64
		if in.CaseID != 0 {
			caseID = &in.CaseID
		}
		var row draftRow
		if in.ID == 0 {
			if err := tx.Raw(`INSERT INTO drafts (organisation_id, case_id, case_kind, report_kind, body, created_by, updated_by)
				VALUES (?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING `+draftColumns, org, caseID, in.CaseKind, in.ReportKind, string(in.Body), actor, actor).
				Scan(&row).Error; err != nil {
				return err
			}
		} else {
			cur, err := p.draftRow(tx, sub, in.ID)
			if err != nil {
				return err
			}
			if cur.ReportID != nil {
				return &InputError{Field: "id", Code: "submitted", Message: "this draft was submitted; it can no longer change (file an amendment)"}
			}
			if cur.Version != in.Version {
				return conflict(tx, "draft", cur.ID, in.Version, cur.Version, cur.Body, cur.UpdatedBy, cur.UpdatedAt)
			}
			if err := tx.Raw(`UPDATE drafts SET case_id = coalesce(?, case_id), case_kind = ?, report_kind = ?, body = ?::jsonb,
				version = version + 1, updated_by = ?, updated_at = now() WHERE id = ? AND version = ? RETURNING `+draftColumns,
				caseID, in.CaseKind, in.ReportKind, string(in.Body), actor, in.ID, in.Version).Scan(&row).Error; err != nil {
				return err
			}
			if row.ID == 0 {
				cur, err := p.draftRow(tx, sub, in.ID)
				if err != nil {
					return err
				}
				return conflict(tx, "draft", cur.ID, in.Version, cur.Version, cur.Body, cur.UpdatedBy, cur.UpdatedAt)
			}
		}
		if err := saveRevisionJSON(tx, "draft", row.ID, row.Version, row.Body, actor); err != nil {
			return err
		}
		out = row.draft()
		_, err := audit.Append(ctx, tx, audit.Event{Actor: actor, Action: audit.ActionDraft, Object: fmt.Sprintf("draft:%d", row.ID),
			Detail: map[string]any{"version": row.Version, "report_kind": row.ReportKind}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, p.loadAttachments(ctx, out)
}

// Draft returns draft id of the caller's organisation.
func (p *Portal) Draft(ctx context.Context, sub access.Subject, id int64) (*Draft, error) {
	row, err := p.draftRow(p.DB.WithContext(ctx), sub, id)
	if err != nil {
		return nil, err
	}
	d := row.draft()
	return d, p.loadAttachments(ctx, d)
}

func (p *Portal) draftRow(tx *gorm.DB, sub access.Subject, id int64) (*draftRow, error) {
	org := sub.OrgID()
	if org == 0 {
		return nil, ErrNotFound
	}
	var rows []draftRow
	if err := tx.Raw(`SELECT `+draftColumns+` FROM drafts WHERE id = ? AND organisation_id = ?`, id, org).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 || !p.Access.Can(sub, access.NewCaseRef(0, []int64{org}), access.Own, Submit) {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// Drafts lists the caller's organisation's drafts, unsubmitted first, most
// recently changed first.
func (p *Portal) Drafts(ctx context.Context, sub access.Subject) ([]Draft, error) {
	org := sub.OrgID()
	out := []Draft{}
	if org == 0 || !p.Access.Can(sub, access.NewCaseRef(0, []int64{org}), access.Own, Submit) {
		return out, nil
	}
	var rows []draftRow
	if err := p.DB.WithContext(ctx).Raw(`SELECT `+draftColumns+` FROM drafts WHERE organisation_id = ?
		ORDER BY report_id IS NOT NULL, updated_at DESC LIMIT 200`, org).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out = append(out, *r.draft())
	}
	return out, nil
}

// saveRevision keeps version v of a case's working copy.
func saveRevision(tx *gorm.DB, record string, id int64, v int, c caseformat.Case, actor string) error {
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return saveRevisionJSON(tx, record, id, v, body, actor)
}

func saveRevisionJSON(tx *gorm.DB, record string, id int64, v int, body []byte, actor string) error {
	return tx.Exec(`INSERT INTO revisions (record, record_id, version, body, saved_by) VALUES (?, ?, ?, ?::jsonb, ?)
		ON CONFLICT (record, record_id, version) DO UPDATE SET body = EXCLUDED.body, saved_by = EXCLUDED.saved_by, saved_at = now()`,
		record, id, v, string(body), actor).Error
}

// conflict builds the ConflictError of a save from version base of a
// record now at version current with body now: the changes since base, or
// (when base was never kept) the fields of the current version.
func conflict(tx *gorm.DB, record string, id int64, base, current int, now []byte, by string, at time.Time) error {
	var before []string
	if err := tx.Raw(`SELECT body::text FROM revisions WHERE record = ? AND record_id = ? AND version = ?`, record, id, base).
		Scan(&before).Error; err != nil {
		return err
	}
	var old []byte
	if len(before) == 1 {
		old = []byte(before[0])
	}
	changes, err := diffJSON(old, now)
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []Change{}
	}
	return &ConflictError{Record: record, Version: base, Current: current, UpdatedBy: by, UpdatedAt: at, Changes: changes}
}

// IsConflict reports whether err is a stale save.
func IsConflict(err error) (*ConflictError, bool) {
	var c *ConflictError
	ok := errors.As(err, &c)
	return c, ok
}
