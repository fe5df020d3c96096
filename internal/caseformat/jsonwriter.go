package caseformat

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// jsonWriter appends JSON to one buffer. Nested values are written in
// place, so a case is encoded in one pass rather than re-compacted at every
// level as nested MarshalJSON calls would be; the canonical hash of every
// imported case depends on this being cheap.
type jsonWriter struct {
	b     []byte
	first []bool // per open object or array: nothing written in it yet
}

func (w *jsonWriter) sep() {
	if n := len(w.first); n > 0 {
		if !w.first[n-1] {
			w.b = append(w.b, ',')
		}
		w.first[n-1] = false
	}
}

func (w *jsonWriter) open() {
	w.b = append(w.b, '{')
	w.first = append(w.first, true)
}

// close writes the unknown fields, sorted by name, and ends the object.
func (w *jsonWriter) close(extra Extra) {
	if len(extra) > 0 {
		keys := make([]string, 0, len(extra))
		for k := range extra {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			w.key(k)
			w.b = append(w.b, extra[k]...)
		}
	}
	w.first = w.first[:len(w.first)-1]
	w.b = append(w.b, '}')
}

func (w *jsonWriter) key(k string) {
	w.sep()
	w.b = appendString(w.b, k)
	w.b = append(w.b, ':')
}

// array writes n elements; each call of elem writes one value.
func (w *jsonWriter) array(n int, elem func(i int)) {
	w.b = append(w.b, '[')
	for i := range n {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		elem(i)
	}
	w.b = append(w.b, ']')
}

func (w *jsonWriter) str(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
}

// optStr writes a string field only when it is not empty.
func (w *jsonWriter) optStr(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *jsonWriter) boolean(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
}

// count writes a whole number, or null.
func (w *jsonWriter) count(k string, v *int64) {
	w.key(k)
	if v == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = strconv.AppendInt(w.b, *v, 10)
}

// number writes a finite float in the shortest form that reads back equal.
func (w *jsonWriter) number(k string, v float64) {
	w.key(k)
	w.b = strconv.AppendFloat(w.b, v, 'g', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as a JSON string the way encoding/json does without
// HTML escaping: control characters, quote and backslash escaped, invalid
// UTF-8 replaced, U+2028 and U+2029 escaped for JavaScript's sake.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			switch r {
			case utf8.RuneError:
				b = append(b, `\ufffd`...)
			default:
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

var _ json.Marshaler = Case{}
