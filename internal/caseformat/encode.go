package caseformat

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"time"

	"kensho/internal/jpdate"
)

// MarshalJSON writes the case in v1 with the documented field order, times
// in JST, and the unknown fields it arrived with after the known ones.
func (c Case) MarshalJSON() ([]byte, error) { return encode(c.writeJSON), nil }

func (c Case) writeJSON(w *jsonWriter) {
	w.open()
	w.str("ref", c.Ref)
	w.str("kind", string(c.Kind))
	w.key("operators")
	w.array(len(c.Operators), func(i int) { c.Operators[i].writeJSON(w) })
	w.str("occurred_at", formatTime(c.OccurredAt))
	if c.RecoveredAt != nil {
		w.str("recovered_at", formatTime(*c.RecoveredAt))
	}
	w.optStr("area", c.Area)
	w.key("impacts")
	w.array(len(c.Impacts), func(i int) { c.Impacts[i].writeJSON(w) })
	if c.CriticalFacility != nil {
		w.key("critical_facility")
		c.CriticalFacility.writeJSON(w)
	}
	if c.NearMiss != nil {
		w.key("near_miss")
		c.NearMiss.writeJSON(w)
	}
	if c.Cause != nil {
		w.key("cause")
		c.Cause.writeJSON(w)
	}
	w.optStr("summary", c.Summary)
	w.optStr("detail", c.Detail)
	w.optStr("measures", c.Measures)
	w.close(c.Extra)
}

// MarshalJSON writes an operator in v1.
func (op Operator) MarshalJSON() ([]byte, error) { return encode(op.writeJSON), nil }

func (op Operator) writeJSON(w *jsonWriter) {
	w.open()
	w.str("name", op.Name)
	role := op.Role
	if role == "" {
		role = RoleReporter
	}
	w.str("role", string(role))
	w.close(op.Extra)
}

// MarshalJSON writes an impact in v1.
func (im Impact) MarshalJSON() ([]byte, error) { return encode(im.writeJSON), nil }

func (im Impact) writeJSON(w *jsonWriter) {
	w.open()
	w.str("service", string(im.Service))
	if im.MonthlyActiveUsers != nil {
		w.count("monthly_active_users", im.MonthlyActiveUsers)
	}
	if im.MediatesCommunications != nil {
		w.boolean("mediates_communications", *im.MediatesCommunications)
	}
	w.boolean("degradation", im.Degradation)
	w.count("peak_users", im.PeakUsers)
	unit := im.UserUnit
	if unit == "" {
		unit = UnitPeople
	}
	w.str("user_unit", string(unit))
	if im.StoppedCapacityGbps != nil {
		w.number("stopped_capacity_gbps", *im.StoppedCapacityGbps)
	}
	if im.TotalSubscribers != nil {
		w.count("total_subscribers", im.TotalSubscribers)
	}
	w.optStr("description", im.Description)
	w.key("timeline")
	w.array(len(im.Timeline), func(i int) { im.Timeline[i].writeJSON(w) })
	w.close(im.Extra)
}

// MarshalJSON writes a timeline period in v1.
func (p Period) MarshalJSON() ([]byte, error) { return encode(p.writeJSON), nil }

func (p Period) writeJSON(w *jsonWriter) {
	w.open()
	w.str("from", formatTime(p.From))
	w.str("to", formatTime(p.To))
	w.count("users", p.Users)
	w.close(p.Extra)
}

// MarshalJSON writes a critical-facility outage in v1.
func (cf CriticalFacility) MarshalJSON() ([]byte, error) { return encode(cf.writeJSON), nil }

func (cf CriticalFacility) writeJSON(w *jsonWriter) {
	w.open()
	w.str("type", cf.Type)
	w.number("all_traffic_down_minutes", cf.AllTrafficDownMinutes)
	w.close(cf.Extra)
}

// MarshalJSON writes the near-miss facts that were reported.
func (n NearMiss) MarshalJSON() ([]byte, error) { return encode(n.writeJSON), nil }

func (n NearMiss) writeJSON(w *jsonWriter) {
	w.open()
	w.str("situation", n.Situation)
	for _, name := range nearMissFactOrder[1:] {
		switch v, ok := n.Fact(name); x := v.(type) {
		case bool:
			if ok {
				w.boolean(name, x)
			}
		case string:
			if ok {
				w.str(name, x)
			}
		}
	}
	w.close(n.Extra)
}

// nearMissFactOrder is the documented order of the near-miss fields.
var nearMissFactOrder = []string{"situation", "noticed_promptly", "switched_promptly", "cause_origin", "traffic",
	"cause_removed_promptly", "priority_calls_failed", "attack_blocked", "legit_traffic_degraded",
	"best_effort", "rolled_back_promptly"}

// MarshalJSON writes the cause in v1.
func (c Cause) MarshalJSON() ([]byte, error) { return encode(c.writeJSON), nil }

func (c Cause) writeJSON(w *jsonWriter) {
	w.open()
	w.optStr("class", c.Class)
	w.optStr("archetype", c.Archetype)
	w.optStr("text", c.Text)
	w.close(c.Extra)
}

// Marshal encodes v as JSON without HTML escaping: case text keeps its <, >
// and & as written, and output passes back through the decoder unchanged.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Hash is the SHA-256 of the case's canonical v1 encoding. Two submissions
// of the same content have the same hash whatever their layout, key order or
// time offsets.
func (c Case) Hash() string {
	sum := sha256.Sum256(encode(c.writeJSON))
	return hex.EncodeToString(sum[:])
}

// FileWriter streams a v1 file: any number of cases, one at a time, so an
// export of the whole case base never sits in memory at once.
type FileWriter struct {
	w   io.Writer
	n   int
	err error
}

// NewFileWriter starts a v1 file on w.
func NewFileWriter(w io.Writer) *FileWriter {
	fw := &FileWriter{w: w}
	_, fw.err = io.WriteString(w, "{\n  \"format\": \""+Format+"\",\n  \"cases\": [")
	return fw
}

// Write adds one case.
func (fw *FileWriter) Write(c Case) error {
	if fw.err != nil {
		return fw.err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	if err := enc.Encode(c); err != nil {
		fw.err = err
		return err
	}
	sep := ",\n    "
	if fw.n == 0 {
		sep = "\n    "
	}
	fw.n++
	_, fw.err = io.WriteString(fw.w, sep+strings.TrimSuffix(buf.String(), "\n"))
	return fw.err
}

// Close ends the file and reports the first error met.
func (fw *FileWriter) Close() error {
	if fw.err != nil {
		return fw.err
	}
	end := "\n  ]\n}\n"
	if fw.n == 0 {
		end = "]\n}\n"
	}
	_, fw.err = io.WriteString(fw.w, end)
	return fw.err
}

// EncodeFile writes cases as an indented v1 file.
func EncodeFile(cases []Case) ([]byte, error) {
	var buf bytes.Buffer
	fw := NewFileWriter(&buf)
	for _, c := range cases {
		if err := fw.Write(c); err != nil {
			return nil, err
		}
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func formatTime(t time.Time) string {
	return t.In(jpdate.JST).Format(time.RFC3339Nano)
}

func encode(write func(*jsonWriter)) []byte {
	var w jsonWriter
	write(&w)
	return w.b
}
