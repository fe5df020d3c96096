package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"

	"gorm.io/gorm"
)

// The records whose versions are kept, so that a stale save can be told
// what changed.
const (
	recordTriage       = "triage"
	recordAnnotation   = "annotation"
	recordVerification = "verification"
	recordGuidance     = "guidance"
)

// saveRevision keeps version v of a record.
func saveRevision(tx *gorm.DB, record string, id int64, v int, body any, by string) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO review_revisions (record, record_id, version, body, saved_by) VALUES (?, ?, ?, ?::jsonb, ?)
		ON CONFLICT (record, record_id, version) DO UPDATE SET body = EXCLUDED.body, saved_by = EXCLUDED.saved_by, saved_at = now()`,
		record, id, v, string(b), by).Error
}

// conflict is the ConflictError of a save from version base of a record
// now at version current, holding now: what changed since base (or, when
// base was never kept, every field of the current version).
func conflict(tx *gorm.DB, record string, id int64, base, current int, now any, by string, at time.Time) error {
	var before []string
	if err := tx.Raw(`SELECT body::text FROM review_revisions WHERE record = ? AND record_id = ? AND version = ?`, record, id, base).
		Scan(&before).Error; err != nil {
		return err
	}
	cur, err := json.Marshal(now)
	if err != nil {
		return err
	}
	var old []byte
	if len(before) == 1 {
		old = []byte(before[0])
	}
	changes, err := diffJSON(old, cur)
	if err != nil {
		return err
	}
	return &ConflictError{Record: record, Version: base, Current: current, UpdatedBy: by, UpdatedAt: at, Changes: changes}
}

// diffJSON lists the fields that differ between two JSON objects, with
// paths as the API names fields (lessons[1].text_ja). Arrays of different
// lengths differ as a whole.
func diffJSON(before, after []byte) ([]Change, error) {
	var a, b any
	for _, x := range []struct {
		data []byte
		dst  *any
	}{{before, &a}, {after, &b}} {
		if len(x.data) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(x.data))
		dec.UseNumber()
		if err := dec.Decode(x.dst); err != nil {
			return nil, err
		}
	}
	// A version never kept compares as an empty record: every field of
	// the other is named.
	if a == nil {
		a = map[string]any{}
	}
	if b == nil {
		b = map[string]any{}
	}
	out := []Change{}
	diffValue("", a, b, &out)
	return out, nil
}

func diffValue(path string, a, b any, out *[]Change) {
	switch av := a.(type) {
	case map[string]any:
		if bv, ok := b.(map[string]any); ok {
			var keys []string
			for k := range av {
				keys = append(keys, k)
			}
			for k := range bv {
				if _, ok := av[k]; !ok {
					keys = append(keys, k)
				}
			}
			slices.Sort(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				diffValue(p, av[k], bv[k], out)
			}
			return
		}
	case []any:
		if bv, ok := b.([]any); ok && len(av) == len(bv) {
			for i := range av {
				diffValue(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i], out)
			}
			return
		}
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, Change{Path: path, Before: a, After: b})
	}
}
