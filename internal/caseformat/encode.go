package caseformat

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"

	"kensho/internal/jpdate"
)

// MarshalJSON writes the case in v1 with the documented field order, times
// in JST, and the unknown fields it arrived with after the known ones.
func (c Case) MarshalJSON() ([]byte, error) {
	var w objWriter
	w.field("ref", c.Ref)
	w.field("kind", c.Kind)
	w.field("operators", c.Operators)
	w.field("occurred_at", formatTime(c.OccurredAt))
	if c.RecoveredAt != nil {
		w.field("recovered_at", formatTime(*c.RecoveredAt))
	}
	if c.Area != "" {
		w.field("area", c.Area)
	}
	impacts := c.Impacts
	if impacts == nil {
		impacts = []Impact{}
	}
	w.field("impacts", impacts)
	if c.CriticalFacility != nil {
		w.field("critical_facility", c.CriticalFacility)
	}
	if c.NearMiss != nil {
		w.field("near_miss", c.NearMiss)
	}
	if c.Cause != nil {
		w.field("cause", c.Cause)
	}
	if c.Summary != "" {
		w.field("summary", c.Summary)
	}
	if c.Detail != "" {
		w.field("detail", c.Detail)
	}
	if c.Measures != "" {
		w.field("measures", c.Measures)
	}
	return w.close(c.Extra)
}

// MarshalJSON writes an operator in v1.
func (op Operator) MarshalJSON() ([]byte, error) {
	var w objWriter
	w.field("name", op.Name)
	role := op.Role
	if role == "" {
		role = RoleReporter
	}
	w.field("role", role)
	return w.close(op.Extra)
}

// MarshalJSON writes an impact in v1.
func (im Impact) MarshalJSON() ([]byte, error) {
	var w objWriter
	w.field("service", im.Service)
	if im.MonthlyActiveUsers != nil {
		w.field("monthly_active_users", im.MonthlyActiveUsers)
	}
	if im.MediatesCommunications != nil {
		w.field("mediates_communications", im.MediatesCommunications)
	}
	w.field("degradation", im.Degradation)
	w.field("peak_users", im.PeakUsers)
	unit := im.UserUnit
	if unit == "" {
		unit = UnitPeople
	}
	w.field("user_unit", unit)
	if im.StoppedCapacityGbps != nil {
		w.field("stopped_capacity_gbps", im.StoppedCapacityGbps)
	}
	if im.TotalSubscribers != nil {
		w.field("total_subscribers", im.TotalSubscribers)
	}
	if im.Description != "" {
		w.field("description", im.Description)
	}
	tl := im.Timeline
	if tl == nil {
		tl = []Period{}
	}
	w.field("timeline", tl)
	return w.close(im.Extra)
}

// MarshalJSON writes a timeline period in v1.
func (p Period) MarshalJSON() ([]byte, error) {
	var w objWriter
	w.field("from", formatTime(p.From))
	w.field("to", formatTime(p.To))
	w.field("users", p.Users)
	return w.close(p.Extra)
}

// MarshalJSON writes a critical-facility outage in v1.
func (cf CriticalFacility) MarshalJSON() ([]byte, error) {
	var w objWriter
	w.field("type", cf.Type)
	w.field("all_traffic_down_minutes", cf.AllTrafficDownMinutes)
	return w.close(cf.Extra)
}

// MarshalJSON writes the near-miss facts that were reported.
func (n NearMiss) MarshalJSON() ([]byte, error) {
	var w objWriter
	w.field("situation", n.Situation)
	for _, name := range nearMissFactOrder {
		if name == "situation" {
			continue
		}
		if v, ok := n.Fact(name); ok {
			w.field(name, v)
		}
	}
	return w.close(n.Extra)
}

// nearMissFactOrder is the documented order of the near-miss fields.
var nearMissFactOrder = []string{"situation", "noticed_promptly", "switched_promptly", "cause_origin", "traffic",
	"cause_removed_promptly", "priority_calls_failed", "attack_blocked", "legit_traffic_degraded",
	"best_effort", "rolled_back_promptly"}

// MarshalJSON writes the cause in v1.
func (c Cause) MarshalJSON() ([]byte, error) {
	var w objWriter
	if c.Class != "" {
		w.field("class", c.Class)
	}
	if c.Archetype != "" {
		w.field("archetype", c.Archetype)
	}
	if c.Text != "" {
		w.field("text", c.Text)
	}
	return w.close(c.Extra)
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
	b, err := Marshal(c)
	if err != nil {
		// Every field is a plain value or compacted JSON: this cannot fail.
		panic("caseformat: encoding a case: " + err.Error())
	}
	sum := sha256.Sum256(b)
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

// objWriter builds a JSON object with fields in the order they are written.
type objWriter struct {
	buf bytes.Buffer
	err error
}

func (w *objWriter) field(name string, v any) {
	if w.err != nil {
		return
	}
	b, err := Marshal(v)
	if err != nil {
		w.err = err
		return
	}
	w.raw(name, b)
}

func (w *objWriter) raw(name string, v []byte) {
	if w.buf.Len() == 0 {
		w.buf.WriteByte('{')
	} else {
		w.buf.WriteByte(',')
	}
	k, _ := json.Marshal(name)
	w.buf.Write(k)
	w.buf.WriteByte(':')
	w.buf.Write(v)
}

// close appends the unknown fields, sorted by name, and ends the object.
func (w *objWriter) close(extra Extra) ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w.raw(k, extra[k])
	}
	if w.buf.Len() == 0 {
		w.buf.WriteByte('{')
	}
	w.buf.WriteByte('}')
	return w.buf.Bytes(), nil
}
