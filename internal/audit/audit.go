// Package audit keeps Kenshō's audit trail: every write, share, login and
// read of restricted or committee material, in an append-only table whose
// entries are chained by SHA-256. The database refuses updates and deletes;
// the chain finds a row changed by someone who got around that (a superuser
// disabling the trigger, a restored backup), and names the first bad entry.
//
// The trail records that something changed and by whom, not a second copy
// of confidential text: values of fields above the public tier are kept as
// digests (see Hidden), so auditors can prove a change without reading it.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The actions recorded.
const (
	ActionLogin        = "login"
	ActionLoginFailed  = "login.failed"
	ActionLogout       = "logout"
	ActionRead         = "read"
	ActionWrite        = "write"
	ActionShare        = "share"
	ActionUnshare      = "unshare"
	ActionPublish      = "publish"
	ActionAnonymise    = "anonymise"
	ActionApprove      = "approve"
	ActionUserCreate   = "user.create"
	ActionTokenCreate  = "token.create"
	ActionTokenRevoke  = "token.revoke"
	ActionUserDisable  = "user.disable"
	ActionUserEnable   = "user.enable"
	ActionPolicyLoad   = "policy.load"
	ActionImport       = "import"
	ActionRegistry     = "registry.load"
	ActionPublishBlock = "publish.blocked"
	ActionRaiseTier    = "tier.raise"
	ActionLowerTier    = "tier.lower"
	ActionSubmit       = "report.submit"
	ActionDraft        = "draft.save"
	ActionAttach       = "attachment.add"
	ActionValidate     = "case.validate"
	ActionLink         = "case.link"
	ActionSplit        = "case.split"
	ActionFlag         = "amendment.resolve"
)

// The LLM second opinion (package triage): the secretariat's request, what
// left for the provider (digests of the prompt, the tiers sent and held
// back) and the outcome (status, attempts, a digest of the answer).
const (
	ActionOpinionRequest = "opinion.request"
	ActionOpinionSend    = "opinion.send"
	ActionOpinionOutcome = "opinion.outcome"
)

// The actions of the committee's review (package review).
const (
	ActionTriage             = "triage.decide"
	ActionPanelAccept        = "panel.accept"
	ActionPanelAdd           = "panel.add"
	ActionPanelRemove        = "panel.remove"
	ActionPanelDue           = "panel.due"
	ActionAnnotationSave     = "annotation.save"
	ActionAnnotationSubmit   = "annotation.submit"
	ActionComment            = "comment.add"
	ActionVerificationSave   = "verification.save"
	ActionVerificationFinal  = "verification.finalise"
	ActionVerificationReopen = "verification.reopen"
	ActionLessonCreate       = "lesson.create"
	ActionLessonLink         = "lesson.link"
	ActionGuidanceSave       = "guidance.save"
	ActionGuidancePublish    = "guidance.publish"
)

// Entry is one line of the trail.
type Entry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	CaseID   *int64    `json:"case_id,omitempty"`
	Detail   Detail    `json:"detail" gorm:"type:json"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// TableName is the audit table.
func (Entry) TableName() string { return "audit_log" }

// Detail is an entry's free-form part (a diff, a reason, a tier), stored as
// the exact JSON text that was hashed.
type Detail []byte

// Value stores the text.
func (d Detail) Value() (any, error) {
	if len(d) == 0 {
		return "{}", nil
	}
	return string(d), nil
}

// Scan reads the text.
func (d *Detail) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		*d = append((*d)[:0], v...)
	case string:
		*d = Detail(v)
	case nil:
		*d = nil
	default:
		return fmt.Errorf("audit.Detail: cannot scan %T", src)
	}
	return nil
}

// MarshalJSON writes the detail as JSON, not as base64.
func (d Detail) MarshalJSON() ([]byte, error) {
	if len(d) == 0 {
		return []byte("{}"), nil
	}
	return d, nil
}

// Event is what a caller asks to record.
type Event struct {
	Actor  string
	Action string
	Object string
	CaseID int64
	Detail map[string]any
}

// genesis is the prev_hash of the first entry.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// chainLock serialises appends so that each entry names its predecessor.
const chainLock = 7_210_001

// Append records ev inside tx: the entry commits or rolls back with the
// change it describes. Appends are serialised by a transaction-scoped
// advisory lock, held until tx ends.
func Append(ctx context.Context, tx *gorm.DB, ev Event) (*Entry, error) {
	if ev.Actor == "" || ev.Action == "" {
		return nil, errors.New("audit: actor and action are required")
	}
	detail := []byte("{}")
	if len(ev.Detail) > 0 {
		b, err := json.Marshal(ev.Detail)
		if err != nil {
			return nil, fmt.Errorf("audit detail: %w", err)
		}
		detail = b
	}
	tx = tx.WithContext(ctx)
	if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", chainLock).Error; err != nil {
		return nil, err
	}
	prev := genesis
	var last []string
	if err := tx.Raw("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&last).Error; err != nil {
		return nil, err
	}
	if len(last) == 1 {
		prev = last[0]
	}
	e := &Entry{
		At:       time.Now().UTC().Truncate(time.Microsecond),
		Actor:    ev.Actor,
		Action:   ev.Action,
		Object:   ev.Object,
		Detail:   detail,
		PrevHash: prev,
	}
	if ev.CaseID != 0 {
		id := ev.CaseID
		e.CaseID = &id
	}
	e.Hash = e.computeHash()
	if err := tx.Omit("ID").Create(e).Error; err != nil {
		return nil, fmt.Errorf("audit append: %w", err)
	}
	return e, nil
}

// Record appends ev in a transaction of its own (reads and logins, which
// change nothing else).
func Record(ctx context.Context, gdb *gorm.DB, ev Event) error {
	return gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, err := Append(ctx, tx, ev)
		return err
	})
}

// computeHash is SHA-256 over the previous hash and every field, each on
// its own line, so that no field can be shifted into another.
func (e *Entry) computeHash() string {
	caseID := ""
	if e.CaseID != nil {
		caseID = strconv.FormatInt(*e.CaseID, 10)
	}
	h := sha256.New()
	for _, f := range []string{
		e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Object, caseID, string(e.Detail),
	} {
		h.Write([]byte(strconv.Quote(f)))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Broken describes the first entry where the chain fails.
type Broken struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// VerifyResult is what Verify found.
type VerifyResult struct {
	Entries int64   `json:"entries"`
	OK      bool    `json:"ok"`
	Broken  *Broken `json:"first_broken,omitempty"`
	Head    string  `json:"head,omitempty"`
}

// Verify walks the whole chain in id order and stops at the first entry
// whose hash or link is wrong.
func Verify(ctx context.Context, gdb *gorm.DB) (*VerifyResult, error) {
	res := &VerifyResult{OK: true}
	prev := genesis
	var after int64
	for {
		var batch []Entry
		if err := gdb.WithContext(ctx).Where("id > ?", after).Order("id").Limit(2000).Find(&batch).Error; err != nil {
			return nil, err
		}
		for i := range batch {
			e := &batch[i]
			switch {
			case e.PrevHash != prev:
				res.OK, res.Broken = false, &Broken{ID: e.ID, Reason: "does not follow the entry before it (an entry was removed or changed)"}
			case e.computeHash() != e.Hash:
				res.OK, res.Broken = false, &Broken{ID: e.ID, Reason: "content does not match its hash (the entry was changed)"}
			}
			if !res.OK {
				return res, nil
			}
			res.Entries++
			prev = e.Hash
			res.Head = e.Hash
		}
		if len(batch) == 0 {
			return res, nil
		}
		after = batch[len(batch)-1].ID
	}
}

// Query selects entries to browse or export.
type Query struct {
	Actor  string
	Action string
	CaseID int64
	From   time.Time
	To     time.Time
	// Before is the cursor: entries with a smaller id (newest first).
	Before int64
	Limit  int
}

// List returns entries newest first.
func List(ctx context.Context, gdb *gorm.DB, q Query) ([]Entry, error) {
	db := gdb.WithContext(ctx).Model(&Entry{})
	if q.Actor != "" {
		db = db.Where("actor = ?", q.Actor)
	}
	if q.Action != "" {
		db = db.Where("action = ?", q.Action)
	}
	if q.CaseID != 0 {
		db = db.Where("case_id = ?", q.CaseID)
	}
	if !q.From.IsZero() {
		db = db.Where("at >= ?", q.From)
	}
	if !q.To.IsZero() {
		db = db.Where("at < ?", q.To)
	}
	if q.Before > 0 {
		db = db.Where("id < ?", q.Before)
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	var out []Entry
	return out, db.Order("id DESC").Limit(q.Limit).Find(&out).Error
}

// Hidden stands for a confidential value in a diff: its digest, enough to
// tell whether two versions are equal without holding the text.
func Hidden(v string) string {
	if v == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(v))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// Change is one field's before and after.
type Change struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// Diff lists the fields that differ between before and after. Fields for
// which open reports false are recorded as digests.
func Diff(before, after map[string]string, open func(field string) bool) map[string]Change {
	out := map[string]Change{}
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	for k := range keys {
		b, a := before[k], after[k]
		if a == b {
			continue
		}
		if open == nil || !open(k) {
			b, a = Hidden(b), Hidden(a)
		}
		out[k] = Change{Before: b, After: a}
	}
	return out
}

// WriteCSV writes every entry q selects as CSV, newest first, in pages so
// that memory stays flat however long the trail. bom starts the file with
// a UTF-8 byte-order mark, for spreadsheet programs that otherwise read
// Japanese as Shift_JIS.
func WriteCSV(ctx context.Context, gdb *gorm.DB, q Query, w io.Writer, bom bool) error {
	if bom {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	q.Limit = 1000
	for {
		entries, err := List(ctx, gdb, q)
		if err != nil {
			return err
		}
		for i := range entries {
			if err := cw.Write(entries[i].CSVRow()); err != nil {
				return err
			}
		}
		if len(entries) < q.Limit {
			break
		}
		q.Before = entries[len(entries)-1].ID
	}
	cw.Flush()
	return cw.Error()
}

// CSVHeader and CSVRow give the export layout of the trail.
var CSVHeader = []string{"id", "at", "actor", "action", "object", "case_id", "detail", "prev_hash", "hash"}

// CSVRow is e as a line of the export.
func (e *Entry) CSVRow() []string {
	caseID := ""
	if e.CaseID != nil {
		caseID = strconv.FormatInt(*e.CaseID, 10)
	}
	return []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Object,
		caseID, strings.TrimSpace(string(e.Detail)), e.PrevHash, e.Hash}
}
