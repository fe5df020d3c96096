// Package quarterly takes in 四半期報告, the quarterly reports operators
// file within two months after each quarter (SPEC §2): the detailed form,
// one row per accident that reached ≥30,000 users or ≥2 hours without
// being serious (~6,300 a year), and the simple form, a count of base-
// station, remote-terminal and DSLAM failures per prefecture (~60,000 a
// year). They are committee + own tier: the reporting organisation and the
// committee read them; the public sees statistics only.
//
// An upload is a CSV (UTF-8, with or without BOM), JSON
// ({"format":"kensho-quarterly/v1","rows":[…]}) or XLSX file (the template
// of Template). CSV and XLSX start with a header row naming the columns —
// by id, Japanese or English label, or "label (id)" — in any order:
//
//	organisation, fiscal_year, quarter, form, equipment_type, prefecture,
//	count, ref, occurred_at, recovered_at, service, users,
//	duration_minutes, cause_class, cause_archetype, summary
//
// A simple-form row fills organisation … prefecture and count; a
// detailed-form row fills organisation … prefecture and ref … summary.
// Code-list values (form, equipment type, prefecture, service, cause)
// come from configs/quarterly.yaml, by id or label. Columns documents each.
//
// Everything is validated before anything is written, and every problem
// names its row and column; a file with any problem writes nothing. Rows
// are keyed by (organisation, fiscal year, quarter, form, key) — the key is
// equipment:prefecture for a count and the operator's ref for an accident
// — so uploading a file again adds nothing, and a row whose key is known
// with other values is a correction. The write is one transaction: the
// new rows go in with PostgreSQL COPY, the corrected ones are updated,
// and the upload and its audit entry are recorded with them.
package quarterly

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/jpdate"
)

var jst = jpdate.JST

// Service uploads and reads quarterly reports.
type Service struct {
	DB      *gorm.DB
	Access  *access.Control
	Catalog *Catalog
	// Now is the clock (time.Now when nil); tests set it.
	Now func() time.Time
}

// New is the service with the built-in catalogue.
func New(gdb *gorm.DB, ac *access.Control) (*Service, error) {
	cat, err := DefaultCatalog()
	if err != nil {
		return nil, err
	}
	return &Service{DB: gdb, Access: ac, Catalog: cat}, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Errors the transports map to status codes.
var (
	// ErrForbidden: the caller may not upload or read quarterly reports
	// at all (it is not a reporter, the secretariat or a committee member).
	ErrForbidden = errors.New("you may not do this with quarterly reports")
)

// Caller is who uploads or reads.
type Caller struct {
	Subject access.Subject
	// Actor names the caller in the audit trail.
	Actor string
	// System is a command run with the database's credentials (kensho
	// quarterly upload without --as): it acts as the secretariat does.
	System bool
}

// Ref is the object of the access policy for organisation org's quarterly
// reports: "own" matches its reporters, owner:org:N an expert's conflict.
func Ref(org int64) access.CaseRef {
	ref := access.NewCaseRef(0, []int64{org})
	ref.Key = "quarterly:" + access.OrgKey(org)
	return ref
}

// anyOrg is the object "quarterly reports of whichever organisation": only
// a policy line for every case (*) allows it.
var anyOrg = access.CaseRef{Key: "quarterly"}

// AnyOrg is the object of the access policy for the quarterly reports of
// every organisation at once (the similarity index asks whether a caller
// reads them all).
func AnyOrg() access.CaseRef { return anyOrg }

// can decides act on org's quarterly reports (org 0: any organisation).
func (s *Service) can(c Caller, org int64, act access.Action) bool {
	if c.System {
		return true
	}
	if org == 0 {
		return s.Access.Can(c.Subject, anyOrg, access.Quarterly, act)
	}
	return s.Access.Can(c.Subject, Ref(org), access.Quarterly, act)
}

// MayUpload reports whether the caller may upload quarterly reports at
// all: for any organisation (the secretariat) or for its own (a reporter).
func (s *Service) MayUpload(c Caller) bool {
	own := c.Subject.OrgID()
	return c.System || s.can(c, 0, access.Write) || (own != 0 && s.can(c, own, access.Write))
}

// Upload is a file to take in.
type Upload struct {
	Filename string
	Data     []byte
}

// Result is what an upload did. Errors lists every problem of a refused
// file (then nothing was written).
type Result struct {
	UploadID  int64    `json:"upload_id,omitempty"`
	Format    string   `json:"format"`
	Rows      int      `json:"rows"`
	Added     int      `json:"added"`
	Updated   int      `json:"updated"`
	Unchanged int      `json:"unchanged"`
	Errors    Errors   `json:"errors"`
	Quarters  []string `json:"quarters,omitempty"`
}

// Upload validates a file entirely and, if it has no problem, writes its
// rows: new keys added, known keys with other values updated (corrections),
// the rest left alone. A refused file returns the Result with its Errors
// and an Errors error; nothing is written.
func (s *Service) Upload(ctx context.Context, c Caller, up Upload) (*Result, error) {
	if !s.MayUpload(c) {
		return nil, ErrForbidden
	}
	format := DetectFormat(up.Data)
	res := &Result{Format: format, Errors: Errors{}}
	recs, errs := decode(up.Data, format)
	res.Rows = len(recs)
	if len(recs) == 0 {
		return res.refuse(errs)
	}
	rows, cerrs := s.Catalog.check(recs, s.now())
	errs = append(errs, cerrs...)
	rerrs, err := s.resolve(ctx, c, rows)
	if err != nil {
		return nil, err
	}
	errs = append(append(errs, rerrs...), duplicates(rows)...)
	if len(errs) > 0 {
		return res.refuse(errs)
	}
	sum := sha256.Sum256(up.Data)
	meta := uploadRow{Filename: cleanFilename(up.Filename, format), Format: format, SHA256: hex.EncodeToString(sum[:]),
		Rows: len(rows), UploadedBy: c.Actor}
	if err := s.write(ctx, c, &meta, rows, res); err != nil {
		return nil, err
	}
	return res, nil
}

func (r *Result) refuse(errs Errors) (*Result, error) {
	slices.SortStableFunc(errs, func(a, b RowError) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return columnIndex(a.Column) - columnIndex(b.Column)
	})
	if len(errs) > maxErrors {
		more := len(errs) - maxErrors
		errs = append(errs[:maxErrors:maxErrors], RowError{Code: "errors.more",
			Message: fmt.Sprintf("… and %d more problems", more), Args: []string{fmt.Sprint(more)}})
	}
	r.Errors = errs
	return r, errs
}

func columnIndex(id string) int {
	for i, c := range Columns {
		if c.ID == id {
			return i
		}
	}
	return len(Columns)
}

func cleanFilename(name, format string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		name = "upload." + format
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

// resolve turns the organisation names of the rows into ids through the
// registry (names and aliases; nothing is created) and checks that the
// caller may upload for each: an empty organisation is the caller's own.
func (s *Service) resolve(ctx context.Context, c Caller, rows []parsed) (Errors, error) {
	var names []string
	for i := range rows {
		if rows[i].org != "" {
			names = append(names, rows[i].org)
		}
	}
	ids, err := lookupOrganisations(s.DB.WithContext(ctx), names)
	if err != nil {
		return nil, fmt.Errorf("organisation registry: %w", err)
	}
	own := c.Subject.OrgID()
	ownName := ""
	var errs Errors
	allowed := map[int64]bool{}
	for i := range rows {
		r := &rows[i]
		fail := func(code, msg string, args ...string) {
			errs = append(errs, RowError{Row: r.line, Column: "organisation", Code: code, Message: msg, Args: args})
		}
		switch {
		case r.org == "" && own == 0:
			fail("organisation.required", "is required: name the operator whose row this is")
			continue
		case r.org == "":
			r.OrganisationID = own
		default:
			id, ok := ids[caseformat.NormalizeName(r.org)]
			if !ok {
				fail("organisation.unknown", fmt.Sprintf("%q is not in the organisation registry", r.org), r.org)
				continue
			}
			r.OrganisationID = id
		}
		ok, seen := allowed[r.OrganisationID]
		if !seen {
			ok = s.can(c, r.OrganisationID, access.Write)
			allowed[r.OrganisationID] = ok
		}
		if !ok {
			if ownName == "" && own != 0 {
				ownName = organisationName(ctx, s.DB, own)
			}
			fail("organisation.forbidden", fmt.Sprintf("you may upload only your own organisation's rows (%s)", ownName), ownName)
		}
	}
	return errs, nil
}

// lookupOrganisations maps normalised names to organisation ids.
func lookupOrganisations(tx *gorm.DB, names []string) (map[string]int64, error) {
	keys := map[string]bool{}
	for _, n := range names {
		keys[caseformat.NormalizeName(n)] = true
	}
	out := map[string]int64{}
	if len(keys) == 0 {
		return out, nil
	}
	list := make([]string, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	var found []casestore.OrganisationName
	if err := tx.Where("name_key IN ?", list).Find(&found).Error; err != nil {
		return nil, err
	}
	for _, f := range found {
		out[f.NameKey] = f.OrganisationID
	}
	return out, nil
}

func organisationName(ctx context.Context, gdb *gorm.DB, id int64) string {
	var o casestore.Organisation
	if err := gdb.WithContext(ctx).Take(&o, id).Error; err != nil {
		return fmt.Sprintf("org:%d", id)
	}
	return o.Name
}

// duplicates finds two rows of one file with the same key.
func duplicates(rows []parsed) Errors {
	first := make(map[rowKey]int, len(rows))
	var errs Errors
	for i := range rows {
		if rows[i].bad || rows[i].OrganisationID == 0 {
			continue
		}
		k := rows[i].key()
		if j, dup := first[k]; dup {
			col := "ref"
			if k.form == FormSimple {
				col = "prefecture"
			}
			errs = append(errs, RowError{Row: rows[i].line, Column: col, Code: "row.duplicate",
				Message: fmt.Sprintf("repeats row %d (same organisation, year, quarter, form and %s)", j, keyName(k.form)),
				Args:    []string{fmt.Sprint(j)}})
			continue
		}
		first[k] = rows[i].line
	}
	return errs
}

func keyName(form string) string {
	if form == FormSimple {
		return "equipment type and prefecture"
	}
	return "ref"
}

// Check validates a file as far as no database is needed: its format and
// every cell, not the organisations or duplicate keys.
func (c *Catalog) Check(data []byte, now time.Time) Errors {
	recs, errs := decode(data, DetectFormat(data))
	_, cerrs := c.check(recs, now)
	return append(errs, cerrs...)
}
