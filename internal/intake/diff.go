package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// diffJSON lists the leaves that differ between two JSON documents, with
// paths in the notation of caseformat's errors (impacts[0].peak_users).
// Arrays of different lengths differ as a whole: element-wise paths would
// name the wrong periods after an insertion.
func diffJSON(before, after []byte) ([]Change, error) {
	var a, b any
	if len(before) > 0 {
		if err := decodeNumber(before, &a); err != nil {
			return nil, err
		}
	}
	if len(after) > 0 {
		if err := decodeNumber(after, &b); err != nil {
			return nil, err
		}
	}
	var out []Change
	diffValue("", a, b, &out)
	return out, nil
}

func decodeNumber(data []byte, v *any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

func diffValue(path string, a, b any, out *[]Change) {
	switch av := a.(type) {
	case map[string]any:
		if bv, ok := b.(map[string]any); ok {
			keys := make([]string, 0, len(av)+len(bv))
			for k := range av {
				keys = append(keys, k)
			}
			for k := range bv {
				if _, seen := av[k]; !seen {
					keys = append(keys, k)
				}
			}
			slices.Sort(keys)
			for _, k := range keys {
				diffValue(joinPath(path, k), av[k], bv[k], out)
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

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// setPath sets the value at path (as diffJSON names it) in doc, creating
// objects on the way; nil removes a key.
func setPath(doc []byte, path string, value any) ([]byte, error) {
	var root any
	if err := decodeNumber(doc, &root); err != nil {
		return nil, err
	}
	steps, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	root, err = setStep(root, steps, value)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return json.Marshal(root)
}

type step struct {
	key   string
	index int // -1 for a key
}

func parsePath(path string) ([]step, error) {
	var steps []step
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			steps = append(steps, step{key: name, index: -1})
		}
		for rest != "" {
			num, after, ok := strings.Cut(rest, "]")
			i, err := strconv.Atoi(num)
			if !ok || err != nil || i < 0 {
				return nil, fmt.Errorf("bad path %q", path)
			}
			steps = append(steps, step{index: i})
			rest = strings.TrimPrefix(after, "[")
		}
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("empty path")
	}
	return steps, nil
}

func setStep(node any, steps []step, value any) (any, error) {
	if len(steps) == 0 {
		return value, nil
	}
	s := steps[0]
	if s.index < 0 {
		m, ok := node.(map[string]any)
		if !ok {
			m = map[string]any{}
		}
		v, err := setStep(m[s.key], steps[1:], value)
		if err != nil {
			return nil, err
		}
		if v == nil {
			delete(m, s.key)
		} else {
			m[s.key] = v
		}
		return m, nil
	}
	arr, ok := node.([]any)
	if !ok || s.index >= len(arr) {
		return nil, fmt.Errorf("no element %d", s.index)
	}
	v, err := setStep(arr[s.index], steps[1:], value)
	if err != nil {
		return nil, err
	}
	arr[s.index] = v
	return arr, nil
}
