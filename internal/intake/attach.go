package intake

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/db"
)

// AttachmentMeta describes an attached file without its content.
type AttachmentMeta struct {
	ID          int64     `json:"id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
	ReportID    int64     `json:"report_id,omitempty"`
}

// AttachmentTypes are the content types accepted: documents and pictures.
var AttachmentTypes = []string{"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}

// DefaultMaxAttachment is the size limit when the configuration sets none.
const DefaultMaxAttachment = 10 << 20

const attachmentColumns = `id, filename, content_type, size, sha256, uploaded_by, uploaded_at, coalesce(report_id, 0) AS report_id`

// Attach adds a file to draft id. The content decides the type: a file
// whose bytes are not a PDF or an image is refused whatever its name or
// declared type says.
func (p *Portal) Attach(ctx context.Context, sub access.Subject, draftID int64, filename string, data []byte) (*AttachmentMeta, error) {
	limit := p.MaxAttachment
	if limit <= 0 {
		limit = DefaultMaxAttachment
	}
	filename = path.Base(strings.ReplaceAll(strings.TrimSpace(filename), `\`, "/"))
	switch {
	case filename == "" || filename == "." || filename == "/" || !utf8.ValidString(filename) || len(filename) > 255:
		return nil, &InputError{Field: "file", Code: "filename", Message: "the file needs a name (at most 255 bytes of UTF-8)"}
	case len(data) == 0:
		return nil, &InputError{Field: "file", Code: "empty", Message: "the file is empty"}
	case int64(len(data)) > limit:
		return nil, &InputError{Field: "file", Code: "too_large", Message: fmt.Sprintf("the file is %d bytes; the limit is %d bytes", len(data), limit)}
	}
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if !accepted(ct) {
		return nil, &InputError{Field: "file", Code: "type", Message: fmt.Sprintf("only PDF and images (PNG, JPEG, GIF, WebP) are accepted; this file is %s", ct)}
	}
	var out AttachmentMeta
	err := db.WithTx(ctx, p.DB.WithContext(ctx), func(tx *gorm.DB) error {
		d, err := p.draftRow(tx, sub, draftID)
		if err != nil {
			return err
		}
		if d.ReportID != nil {
			return &InputError{Field: "file", Code: "submitted", Message: "this draft was submitted; attach files to an amendment"}
		}
		if err := tx.Raw(`INSERT INTO attachments (organisation_id, draft_id, filename, content_type, size, sha256, body, uploaded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+attachmentColumns,
			d.OrganisationID, d.ID, filename, ct, len(data), sha(data), data, actorOf(sub)).Scan(&out).Error; err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actorOf(sub), Action: audit.ActionAttach, Object: fmt.Sprintf("draft:%d", d.ID),
			Detail: map[string]any{"attachment": out.ID, "filename": filename, "content_type": ct, "size": len(data), "sha256": out.SHA256}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func accepted(ct string) bool {
	for _, t := range AttachmentTypes {
		if t == ct {
			return true
		}
	}
	return false
}

func (p *Portal) loadAttachments(ctx context.Context, d *Draft) error {
	return p.DB.WithContext(ctx).Raw(`SELECT `+attachmentColumns+` FROM attachments WHERE draft_id = ? ORDER BY id`, d.ID).
		Scan(&d.Attachments).Error
}

// Attachment returns an attachment's metadata and content: to its
// organisation's members and to those who read the committee tier of the
// case its report belongs to.
func (p *Portal) Attachment(ctx context.Context, sub access.Subject, id int64) (*AttachmentMeta, []byte, error) {
	var rows []struct {
		AttachmentMeta
		OrganisationID int64
		CaseID         *int64
		Body           []byte
	}
	if err := p.DB.WithContext(ctx).Raw(`SELECT a.id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.uploaded_at,
			coalesce(a.report_id, 0) AS report_id, a.organisation_id, r.case_id, a.body
		FROM attachments a LEFT JOIN reports r ON r.id = a.report_id WHERE a.id = ?`, id).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, ErrNotFound
	}
	a := rows[0]
	ownOrg := sub.OrgID() != 0 && sub.OrgID() == a.OrganisationID &&
		p.Access.Can(sub, access.NewCaseRef(0, []int64{a.OrganisationID}), access.Own, access.Read)
	committee := false
	if a.CaseID != nil {
		var orgs []int64
		if err := p.DB.WithContext(ctx).Raw(`SELECT organisation_id FROM case_operators WHERE case_id = ? ORDER BY position`, *a.CaseID).
			Scan(&orgs).Error; err != nil {
			return nil, nil, err
		}
		committee = p.Access.Can(sub, access.NewCaseRef(*a.CaseID, orgs), access.Committee, access.Read)
	}
	if !ownOrg && !committee {
		return nil, nil, ErrNotFound
	}
	if committee && !ownOrg {
		if err := audit.Record(ctx, p.DB, audit.Event{Actor: actorOf(sub), Action: audit.ActionRead, Object: fmt.Sprintf("attachment:%d", id),
			CaseID: *a.CaseID, Detail: map[string]any{"tiers": []string{"committee"}}}); err != nil {
			return nil, nil, err
		}
	}
	return &a.AttachmentMeta, a.Body, nil
}

// ReportAttachments lists the attachments of the given reports.
func (p *Portal) ReportAttachments(ctx context.Context, reportIDs []int64) (map[int64][]AttachmentMeta, error) {
	out := map[int64][]AttachmentMeta{}
	if len(reportIDs) == 0 {
		return out, nil
	}
	var rows []AttachmentMeta
	if err := p.DB.WithContext(ctx).Raw(`SELECT `+attachmentColumns+` FROM attachments WHERE report_id IN ? ORDER BY id`, reportIDs).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ReportID] = append(out[r.ReportID], r)
	}
	return out, nil
}
