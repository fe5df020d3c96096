package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/rules"
)

// Portal is the operators' reporting portal and the secretariat's handling
// of what comes in: drafts, submissions that become versions of one case,
// the validated working copy, links between the reports of one wholesale
// accident, amendment flags and attachments. Every method checks the
// caller with the enforcer; a case the caller may not see is ErrNotFound.
type Portal struct {
	DB        *gorm.DB
	Access    *access.Control
	Catalogue *Catalogue
	Rules     *rules.Catalog
	Log       *slog.Logger
	// AfterWrite runs in the transaction of every submission, link and
	// split, with the case written (deadlines are kept in step this way).
	AfterWrite []func(ctx context.Context, tx *gorm.DB, caseID int64) error
	// MaxAttachment is the largest attachment accepted, in bytes.
	MaxAttachment int64
	Now           func() time.Time
}

// The policy's actions for intake.
const (
	Submit   = access.Submit
	Validate = access.Validate
	Link     = access.Link
)

// Errors the transports map to status codes.
var (
	// ErrNotFound: no such case, draft or attachment, or one the caller may not see.
	ErrNotFound = errors.New("not found")
	// ErrForbidden: the caller sees the record but may not do this.
	ErrForbidden = errors.New("not allowed")
	// ErrKeyReused: an idempotency key sent again with another request.
	ErrKeyReused = errors.New("idempotency key already used for a different request")
	// ErrInProgress: the first request with this idempotency key is still running.
	ErrInProgress = errors.New("a request with this idempotency key is in progress")
)

// InputError is a problem with one field of what the caller sent.
type InputError struct {
	Field string `json:"field"`
	// Code names the problem for pages that say it in the reader's language.
	Code    string `json:"-"`
	Message string `json:"message"`
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// Change is one field that differs between two versions of a record.
type Change struct {
	Path   string `json:"path"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// ConflictError is a save that started from a version someone else has
// since replaced: Changes lists what they changed (from the version the
// caller started from to the current one).
type ConflictError struct {
	Record    string    `json:"record"`
	Version   int       `json:"version"`
	Current   int       `json:"current_version"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
	Changes   []Change  `json:"changes"`
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s changed by %s since version %d (now version %d)", e.Record, e.UpdatedBy, e.Version, e.Current)
}

func (p *Portal) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Portal) log() *slog.Logger {
	if p.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Log
}

func actorOf(sub access.Subject) string {
	if sub.Key == "" {
		return access.Anonymous.Key
	}
	return sub.Key
}

func (p *Portal) afterWrite(ctx context.Context, tx *gorm.DB, ids ...int64) error {
	for _, id := range ids {
		for _, h := range p.AfterWrite {
			if err := h(ctx, tx, id); err != nil {
				return err
			}
		}
	}
	return nil
}
