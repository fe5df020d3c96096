package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/db"
)

// Flag is a field in which an operator's later report differs from the
// secretariat's validated copy.
type Flag struct {
	ReportID   int64      `json:"report_id"`
	Sequence   int        `json:"sequence"`
	Path       string     `json:"path"`
	Reported   any        `json:"reported"`
	Validated  any        `json:"validated"`
	Resolution string     `json:"resolution,omitempty"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
}

// flag records, for a report filed after validation, the fields the
// organisation changed since its previous report that now differ from the
// validated copy. Fields the secretariat corrected and the operator left
// alone raise nothing.
func (p *Portal) flag(tx *gorm.DB, rec *casestore.Record, org, reportID int64, working caseformat.Case) ([]string, error) {
	var prev []struct{ Body []byte }
	if err := tx.Raw(`SELECT body FROM reports WHERE case_id = ? AND organisation_id = ? AND id < ? ORDER BY id DESC LIMIT 1`,
		rec.ID, org, reportID).Scan(&prev).Error; err != nil {
		return nil, err
	}
	var before []byte
	if len(prev) == 1 {
		if c, err := caseformat.DecodeCase(prev[0].Body); err == nil {
			items, _ := ItemsOf(c)
			p.Catalogue.complete(&c, items)
			before, _ = json.Marshal(c)
		}
	}
	after, err := json.Marshal(working)
	if err != nil {
		return nil, err
	}
	changed, err := diffJSON(before, after)
	if err != nil {
		return nil, err
	}
	validated, err := json.Marshal(rec.Case)
	if err != nil {
		return nil, err
	}
	var vdoc any
	if err := decodeNumber(validated, &vdoc); err != nil {
		return nil, err
	}
	flagged := []string{}
	for _, ch := range changed {
		if ch.Path == "operators" || ch.Path == "ref" {
			continue
		}
		v, _ := getPath(vdoc, ch.Path)
		if reflect.DeepEqual(v, ch.After) {
			continue
		}
		rj, _ := json.Marshal(ch.After)
		vj, _ := json.Marshal(v)
		if err := tx.Exec(`INSERT INTO amendment_flags (report_id, case_id, path, reported, validated) VALUES (?, ?, ?, ?::jsonb, ?::jsonb)`,
			reportID, rec.ID, ch.Path, string(rj), string(vj)).Error; err != nil {
			return nil, err
		}
		flagged = append(flagged, ch.Path)
	}
	return flagged, nil
}

func getPath(doc any, path string) (any, bool) {
	steps, err := parsePath(path)
	if err != nil {
		return nil, false
	}
	for _, s := range steps {
		if s.index < 0 {
			m, ok := doc.(map[string]any)
			if !ok {
				return nil, false
			}
			doc = m[s.key]
			continue
		}
		a, ok := doc.([]any)
		if !ok || s.index >= len(a) {
			return nil, false
		}
		doc = a[s.index]
	}
	return doc, true
}

// secretariatCase loads case id for an act of the secretariat on tier t:
// ErrNotFound if the caller cannot see it, ErrForbidden if it may not act.
func (p *Portal) secretariatCase(tx *gorm.DB, sub access.Subject, id int64, t access.Tier, act access.Action) (*casestore.Record, error) {
	rec, err := casestore.Get(tx, id)
	if errors.Is(err, casestore.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	ref := access.NewCaseRef(rec.ID, rec.OrgIDs)
	if !p.Access.Can(sub, ref, t, act) {
		// Forbidden only to whom the case is visible at all: anything but
		// the public part, or the public part once published.
		for _, tier := range []access.Tier{access.Restricted, access.Own, access.Committee} {
			if p.Access.Can(sub, ref, tier, access.Read) {
				return nil, ErrForbidden
			}
		}
		if rec.PublishedAt != nil && p.Access.Can(sub, ref, access.Public, access.Read) {
			return nil, ErrForbidden
		}
		return nil, ErrNotFound
	}
	return rec, nil
}

// Flags lists the amendment flags of case id, open ones first.
func (p *Portal) Flags(ctx context.Context, sub access.Subject, id int64) ([]Flag, error) {
	tx := p.DB.WithContext(ctx)
	if _, err := p.secretariatCase(tx, sub, id, access.Restricted, Validate); err != nil {
		return nil, err
	}
	var rows []struct {
		ReportID   int64
		Sequence   int
		Path       string
		Reported   string
		Validated  string
		Resolution *string
		ResolvedBy string
		ResolvedAt *time.Time
	}
	if err := tx.Raw(`SELECT f.report_id, r.sequence, f.path, f.reported::text AS reported, f.validated::text AS validated,
			f.resolution, f.resolved_by, f.resolved_at
		FROM amendment_flags f JOIN reports r ON r.id = f.report_id
		WHERE f.case_id = ? ORDER BY f.resolution IS NOT NULL, f.report_id, f.path`, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Flag, len(rows))
	for i, r := range rows {
		out[i] = Flag{ReportID: r.ReportID, Sequence: r.Sequence, Path: r.Path, ResolvedBy: r.ResolvedBy, ResolvedAt: r.ResolvedAt}
		_ = decodeNumber([]byte(r.Reported), &out[i].Reported)
		_ = decodeNumber([]byte(r.Validated), &out[i].Validated)
		if r.Resolution != nil {
			out[i].Resolution = *r.Resolution
		}
	}
	return out, nil
}

// EditRequest saves the validated working copy of a case.
type EditRequest struct {
	// Version is the version the editor loaded.
	Version int `json:"version"`
	// Body is the whole case (kensho-case/v1); nil confirms the copy as it is.
	Body json.RawMessage `json:"case,omitempty"`
}

// Edit saves (or, without a body, confirms) the secretariat's validated
// copy of case id. The operators stay as they are: they change by linking
// and splitting. A stale version gets a ConflictError with what changed.
func (p *Portal) Edit(ctx context.Context, sub access.Subject, id int64, req EditRequest) (*casestore.Record, error) {
	var c *caseformat.Case
	if len(req.Body) > 0 {
		dc, err := caseformat.DecodeCase(req.Body)
		if err != nil {
			return nil, err
		}
		items, err := ItemsOf(dc)
		if err != nil {
			return nil, err
		}
		p.Catalogue.complete(&dc, items)
		c = &dc
	}
	err := db.WithTx(ctx, p.DB.WithContext(ctx), func(tx *gorm.DB) error {
		if err := tx.Exec(`SELECT 1 FROM cases WHERE id = ? FOR UPDATE`, id).Error; err != nil {
			return err
		}
		rec, err := p.secretariatCase(tx, sub, id, access.Restricted, Validate)
		if err != nil {
			return err
		}
		return p.saveCopy(ctx, tx, sub, rec, req.Version, c, "edit")
	})
	if err != nil {
		return nil, err
	}
	return casestore.Get(p.DB.WithContext(ctx), id)
}

// saveCopy writes c (nil: the copy as it is) as the next version of rec,
// marks it validated and audits the change.
func (p *Portal) saveCopy(ctx context.Context, tx *gorm.DB, sub access.Subject, rec *casestore.Record, version int, c *caseformat.Case, why string) error {
	if rec.Version != version {
		now, _ := json.Marshal(rec.Case)
		var last struct {
			SavedAt time.Time
			SavedBy string
		}
		if err := tx.Raw(`SELECT saved_at, saved_by FROM revisions WHERE record = 'case' AND record_id = ? AND version = ?`,
			rec.ID, rec.Version).Scan(&last).Error; err != nil {
			return err
		}
		return conflict(tx, "case", rec.ID, version, rec.Version, now, last.SavedBy, last.SavedAt)
	}
	next := rec.Case
	if c != nil {
		next = *c
		next.Operators = rec.Case.Operators
	}
	if err := casestore.ReplaceCopy(tx, rec.ID, next, "", rec.OrgIDs); err != nil {
		return err
	}
	if err := tx.Exec(`UPDATE cases SET validated_at = coalesce(validated_at, now()), validated_by = ? WHERE id = ?`, actorOf(sub), rec.ID).Error; err != nil {
		return err
	}
	// The version the editor started from is kept too, so that a later
	// conflict can name exactly what changed since then.
	if err := saveRevisionIfMissing(tx, rec.ID, rec.Version, rec.Case); err != nil {
		return err
	}
	if err := saveRevision(tx, "case", rec.ID, rec.Version+1, next, actorOf(sub)); err != nil {
		return err
	}
	if err := p.afterWrite(ctx, tx, rec.ID); err != nil {
		return err
	}
	before, _ := json.Marshal(rec.Case)
	after, _ := json.Marshal(next)
	changes, _ := diffJSON(before, after)
	paths := make([]string, len(changes))
	for i, ch := range changes {
		paths[i] = ch.Path
	}
	_, err := audit.Append(ctx, tx, audit.Event{Actor: actorOf(sub), Action: audit.ActionValidate, Object: access.CaseKey(rec.ID), CaseID: rec.ID,
		Detail: map[string]any{"why": why, "version": rec.Version + 1, "changed": paths,
			"before": audit.Hidden(string(before)), "after": audit.Hidden(string(after))}})
	return err
}

func saveRevisionIfMissing(tx *gorm.DB, id int64, v int, c caseformat.Case) error {
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO revisions (record, record_id, version, body, saved_by) VALUES ('case', ?, ?, ?::jsonb, 'system')
		ON CONFLICT DO NOTHING`, id, v, string(body)).Error
}

// Resolve decides a flag: accept takes the operator's value into the
// validated copy (a new version: Version must be current); keep leaves
// the copy as validated.
func (p *Portal) Resolve(ctx context.Context, sub access.Subject, id, reportID int64, path string, accept bool, version int) error {
	return db.WithTx(ctx, p.DB.WithContext(ctx), func(tx *gorm.DB) error {
		if err := tx.Exec(`SELECT 1 FROM cases WHERE id = ? FOR UPDATE`, id).Error; err != nil {
			return err
		}
		rec, err := p.secretariatCase(tx, sub, id, access.Restricted, Validate)
		if err != nil {
			return err
		}
		var flags []struct {
			Reported   string
			Resolution *string
		}
		if err := tx.Raw(`SELECT reported::text AS reported, resolution FROM amendment_flags WHERE case_id = ? AND report_id = ? AND path = ?`,
			id, reportID, path).Scan(&flags).Error; err != nil {
			return err
		}
		if len(flags) == 0 {
			return &InputError{Field: "path", Code: "no_flag", Message: fmt.Sprintf("no flag %q on report %d of this case", path, reportID)}
		}
		if flags[0].Resolution != nil {
			return &InputError{Field: "path", Code: "resolved", Message: "this flag was already resolved (" + *flags[0].Resolution + ")"}
		}
		resolution := "kept"
		if accept {
			resolution = "accepted"
			doc, _ := json.Marshal(rec.Case)
			var v any
			if err := decodeNumber([]byte(flags[0].Reported), &v); err != nil {
				return err
			}
			next, err := setPath(doc, path, v)
			if err != nil {
				return &InputError{Field: "path", Code: "no_flag", Message: err.Error()}
			}
			c, err := caseformat.DecodeCase(next)
			if err != nil {
				return err
			}
			if err := p.saveCopy(ctx, tx, sub, rec, version, &c, "amendment "+path); err != nil {
				return err
			}
		}
		if err := tx.Exec(`UPDATE amendment_flags SET resolution = ?, resolved_by = ?, resolved_at = now() WHERE report_id = ? AND path = ?`,
			resolution, actorOf(sub), reportID, path).Error; err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actorOf(sub), Action: audit.ActionFlag, Object: access.CaseKey(id), CaseID: id,
			Detail: map[string]any{"report": reportID, "path": path, "resolution": resolution}})
		return err
	})
}

// WorkingCopy returns the validated copy of case id with its version, for
// an editor who will save it back.
func (p *Portal) WorkingCopy(ctx context.Context, sub access.Subject, id int64) (*casestore.Record, error) {
	return p.secretariatCase(p.DB.WithContext(ctx), sub, id, access.Restricted, Validate)
}
