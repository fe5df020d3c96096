package caseformat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kensho/internal/jpdate"
)

// Limits that keep one input from exhausting the machine. They are far above
// anything a real report holds.
const (
	maxImpacts   = 1000
	maxPeriods   = 10000
	maxOperators = 100
	maxRefLen    = 200
	maxTextLen   = 200000
	// maxCount bounds users and subscribers: a hundred times the world's
	// population, and small enough that sums of thousands never overflow.
	maxCount = 1_000_000_000_000
	// Dates outside these years are typing mistakes, and years past 9999
	// could not be written back.
	minYear, maxYear = 1900, 2199
)

// DecodeCase decodes and validates one case. On bad input it returns Errors
// listing every problem with its JSON path.
func DecodeCase(data []byte) (Case, error) {
	var errs Errors
	root := parseObject(data, &errs)
	if root == nil {
		return Case{}, errs
	}
	if _, isFile := root.fields["cases"]; isFile {
		if _, hasRef := root.fields["ref"]; !hasRef {
			errs.add("", "expected one case, got a file of cases (%s); give a single case object", Format)
			return Case{}, errs
		}
	}
	c := decodeCase(root)
	if len(errs) > 0 {
		return Case{}, errs
	}
	return c, nil
}

// DecodeFile decodes and validates a kensho-case/v1 file. It checks every
// case before returning, so a caller can reject the whole file atomically
// with the full list of problems.
func DecodeFile(data []byte) (*File, error) {
	var errs Errors
	if !utf8.Valid(data) {
		errs.add("", "input is not valid UTF-8")
		return nil, errs
	}
	// The cases stay raw here: each is kept byte for byte as submitted.
	var top struct {
		Format json.RawMessage   `json:"format"`
		Cases  []json.RawMessage `json:"cases"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typ) && typ.Field == "cases":
			errs.add("cases", "must be an array, got %s", article(typ.Value))
		case errors.As(err, &typ) && typ.Field == "":
			errs.add("", "must be a JSON object, got %s", article(typ.Value))
		default:
			errs.add("", "%s", describeJSONError(data, err))
		}
		return nil, errs
	}
	var format string
	if len(top.Format) == 0 || string(top.Format) == "null" {
		errs.add("format", "required")
	} else if json.Unmarshal(top.Format, &format) != nil || format != Format {
		errs.add("format", "must be %q; got %s", Format, top.Format)
	}
	if top.Cases == nil {
		errs.add("cases", "required")
	}
	f := &File{Cases: make([]Case, 0, len(top.Cases)), Raw: make([]json.RawMessage, 0, len(top.Cases))}
	for i, raw := range top.Cases {
		o := asObject(parseValue(raw), index("cases", i), &errs)
		if o == nil {
			continue
		}
		f.Cases = append(f.Cases, decodeCase(o))
		f.Raw = append(f.Raw, raw)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return f, nil
}

// parseObject parses the whole input as one JSON object.
func parseObject(data []byte, errs *Errors) *object {
	if !utf8.Valid(data) {
		errs.add("", "input is not valid UTF-8")
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		errs.add("", "%s", describeJSONError(data, err))
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, dec.InputOffset())
		errs.add("", "invalid JSON at line %d, column %d: more after the end of the value", line, col)
		return nil
	}
	return asObject(v, "", errs)
}

// parseValue parses JSON already known to be valid (numbers kept as written).
func parseValue(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	_ = dec.Decode(&v)
	return v
}

// describeJSONError turns a decoding error into a message with line and column.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, syn.Error())
	case errors.As(err, &typ):
		return fmt.Sprintf("must be a JSON object, got %s", article(typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineCol(data, int64(len(data)))
		return fmt.Sprintf("invalid JSON at line %d, column %d: the input ends in the middle of a value", line, col)
	case errors.Is(err, io.EOF):
		return "empty input; expected a JSON object"
	default:
		return "invalid JSON: " + err.Error()
	}
}

func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func decodeCase(o *object) Case {
	var c Case
	c.Ref = o.str("ref", true)
	if utf8.RuneCountInString(c.Ref) > maxRefLen {
		o.errs.add(child(o.path, "ref"), "longer than %d characters", maxRefLen)
	}
	c.Kind = Kind(o.enum("kind", oneOfStrings(Kinds), "", true))
	{
		ops, _ := o.array("operators")
		if len(ops) == 0 {
			o.errs.add(child(o.path, "operators"), "at least one operator is required")
		}
		if len(ops) > maxOperators {
			o.errs.add(child(o.path, "operators"), "more than %d operators", maxOperators)
			ops = ops[:maxOperators]
		}
		seen := map[string]int{}
		for i, raw := range ops {
			p := index(child(o.path, "operators"), i)
			oo := asObject(raw, p, o.errs)
			if oo == nil {
				continue
			}
			op := Operator{
				Name: oo.str("name", true),
				Role: Role(oo.enum("role", oneOfStrings(Roles), string(RoleReporter), false)),
			}
			op.Extra = oo.extra()
			if key := NormalizeName(op.Name); key != "" {
				if j, dup := seen[key]; dup {
					o.errs.add(child(p, "name"), "same operator as operators[%d]", j)
				}
				seen[key] = i
			}
			c.Operators = append(c.Operators, op)
		}
	}
	if t := o.time("occurred_at", true); t != nil {
		c.OccurredAt = *t
	}
	c.RecoveredAt = o.time("recovered_at", false)
	if c.RecoveredAt != nil && !c.OccurredAt.IsZero() && c.RecoveredAt.Before(c.OccurredAt) {
		o.errs.add(child(o.path, "recovered_at"), "before occurred_at")
	}
	c.Area = o.text("area")
	if items, _ := o.array("impacts"); len(items) > 0 {
		if len(items) > maxImpacts {
			o.errs.add(child(o.path, "impacts"), "more than %d impacts", maxImpacts)
			items = items[:maxImpacts]
		}
		c.Impacts = make([]Impact, 0, len(items))
		for i, raw := range items {
			io := asObject(raw, index(child(o.path, "impacts"), i), o.errs)
			if io == nil {
				continue
			}
			c.Impacts = append(c.Impacts, decodeImpact(io, c))
		}
	}
	if co := o.object("critical_facility"); co != nil {
		cf := &CriticalFacility{Type: co.enum("type", CriticalFacilityTypes, "", true)}
		if m := co.float("all_traffic_down_minutes", true); m != nil {
			cf.AllTrafficDownMinutes = *m
		}
		cf.Extra = co.extra()
		c.CriticalFacility = cf
	}
	if no := o.object("near_miss"); no != nil {
		if c.Kind != "" && c.Kind != KindNearMiss {
			o.errs.add(child(o.path, "near_miss"), "only for kind near_miss (kind is %s)", c.Kind)
		}
		c.NearMiss = decodeNearMiss(no)
	}
	if co := o.object("cause"); co != nil {
		c.Cause = &Cause{
			Class:     co.enum("class", CauseClasses, "", false),
			Archetype: co.enum("archetype", CauseArchetypes, "", false),
			Text:      co.text("text"),
		}
		c.Cause.Extra = co.extra()
	}
	c.Summary = o.text("summary")
	c.Detail = o.text("detail")
	c.Measures = o.text("measures")
	c.Extra = o.extra()
	return c
}

func decodeImpact(o *object, c Case) Impact {
	im := Impact{
		Service:                Service(o.enum("service", oneOfStrings(Services), "", true)),
		MonthlyActiveUsers:     o.count("monthly_active_users"),
		MediatesCommunications: o.bool("mediates_communications"),
		PeakUsers:              o.count("peak_users"),
		UserUnit:               UserUnit(o.enum("user_unit", oneOfStrings(UserUnits), string(UnitPeople), false)),
		StoppedCapacityGbps:    o.float("stopped_capacity_gbps", false),
		TotalSubscribers:       o.count("total_subscribers"),
		Description:            o.text("description"),
	}
	if d := o.bool("degradation"); d != nil {
		im.Degradation = *d
	}
	if im.Service != "" && im.Service != ServiceFreeInternet {
		if im.MonthlyActiveUsers != nil {
			o.errs.add(child(o.path, "monthly_active_users"), "only for service free_internet")
		}
		if im.MediatesCommunications != nil {
			o.errs.add(child(o.path, "mediates_communications"), "only for service free_internet")
		}
	}
	items, _ := o.array("timeline")
	if len(items) > maxPeriods {
		o.errs.add(child(o.path, "timeline"), "more than %d periods", maxPeriods)
		items = items[:maxPeriods]
	}
	for i, raw := range items {
		p := index(child(o.path, "timeline"), i)
		po := asObject(raw, p, o.errs)
		if po == nil {
			continue
		}
		var per Period
		from, to := po.time("from", true), po.time("to", true)
		if from != nil {
			per.From = *from
			if !c.OccurredAt.IsZero() && from.Before(c.OccurredAt) {
				o.errs.add(child(p, "from"), "before occurred_at")
			}
		}
		if to != nil {
			per.To = *to
			if c.RecoveredAt != nil && to.After(*c.RecoveredAt) {
				o.errs.add(child(p, "to"), "after recovered_at")
			}
		}
		if from != nil && to != nil {
			switch {
			case to.Before(*from):
				o.errs.add(child(p, "to"), "before from")
			case to.Equal(*from):
				o.errs.add(child(p, "to"), "same as from; a period must have a length")
			}
		}
		per.Users = po.count("users")
		per.Extra = po.extra()
		im.Timeline = append(im.Timeline, per)
	}
	checkOverlaps(im.Timeline, child(o.path, "timeline"), o.errs)
	im.Extra = o.extra()
	return im
}

// checkOverlaps refuses periods of one impact that overlap: each period
// gives the number of users affected during it, so two numbers for the same
// minutes contradict each other (and summing them could count people
// twice). Users in different areas at once are one period with their sum;
// different groups of users are different impacts.
func checkOverlaps(tl []Period, path string, errs *Errors) {
	order := make([]int, 0, len(tl))
	for i, p := range tl {
		if !p.From.IsZero() && p.To.After(p.From) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return tl[a].From.Compare(tl[b].From) })
	for k := 1; k < len(order); k++ {
		prev, cur := tl[order[k-1]], tl[order[k]]
		if cur.From.Before(prev.To) {
			hi, lo := max(order[k], order[k-1]), min(order[k], order[k-1])
			errs.add(index(path, hi), "overlaps timeline[%d] (%s–%s); give the users of each stretch of time once",
				lo, formatTime(tl[lo].From), formatTime(tl[lo].To))
		}
	}
}

func decodeNearMiss(o *object) *NearMiss {
	n := &NearMiss{
		Situation:            o.enum("situation", NearMissSituations, "", true),
		NoticedPromptly:      o.bool("noticed_promptly"),
		SwitchedPromptly:     o.bool("switched_promptly"),
		CauseOrigin:          o.enum("cause_origin", CauseOrigins, "", false),
		Traffic:              o.enum("traffic", TrafficKinds, "", false),
		CauseRemovedPromptly: o.bool("cause_removed_promptly"),
		PriorityCallsFailed:  o.bool("priority_calls_failed"),
		AttackBlocked:        o.bool("attack_blocked"),
		LegitTrafficDegraded: o.bool("legit_traffic_degraded"),
		BestEffort:           o.bool("best_effort"),
		RolledBackPromptly:   o.bool("rolled_back_promptly"),
	}
	n.Extra = o.extra()
	return n
}

// object reads the fields of one JSON object (parsed with UseNumber),
// recording what it used so the rest can be kept as unknown fields.
type object struct {
	path   string
	fields map[string]any
	used   map[string]bool
	errs   *Errors
}

// asObject takes v as a JSON object, or records why it is not one.
func asObject(v any, path string, errs *Errors) *object {
	m, ok := v.(map[string]any)
	if !ok {
		if path == "" {
			errs.add(path, "must be a JSON object, got %s", jsonKind(v))
		} else {
			errs.add(path, "must be an object, got %s", jsonKind(v))
		}
		return nil
	}
	return &object{path: path, fields: m, errs: errs}
}

// get returns a field's value; absent and null are both "not given".
func (o *object) get(name string) (any, bool) {
	if o.used == nil {
		o.used = map[string]bool{}
	}
	o.used[name] = true
	v, ok := o.fields[name]
	if !ok || v == nil {
		return nil, false
	}
	return v, true
}

func (o *object) str(name string, required bool) string {
	v, ok := o.get(name)
	p := child(o.path, name)
	if !ok {
		if required {
			o.errs.add(p, "required")
		}
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		o.errs.add(p, "must be a string, got %s", jsonKind(v))
		return ""
	}
	if strings.ContainsRune(s, 0) {
		o.errs.add(p, "contains a NUL character")
		return ""
	}
	s = strings.TrimSpace(s)
	if required && s == "" {
		o.errs.add(p, "must not be empty")
	}
	return s
}

// text reads an optional free-text field, keeping inner line breaks.
func (o *object) text(name string) string {
	s := o.str(name, false)
	if utf8.RuneCountInString(s) > maxTextLen {
		o.errs.add(child(o.path, name), "longer than %d characters", maxTextLen)
	}
	return s
}

func (o *object) enum(name string, allowed []string, def string, required bool) string {
	s := o.str(name, required)
	if s == "" {
		return def
	}
	if !slices.Contains(allowed, s) {
		o.errs.add(child(o.path, name), "must be one of %s; got %q", oneOf(allowed), s)
		return def
	}
	return s
}

func (o *object) bool(name string) *bool {
	v, ok := o.get(name)
	if !ok {
		return nil
	}
	b, isBool := v.(bool)
	if !isBool {
		o.errs.add(child(o.path, name), "must be true or false, got %s", jsonKind(v))
		return nil
	}
	return &b
}

// number returns a field's JSON number as written.
func (o *object) number(name string, required bool) (json.Number, bool) {
	v, ok := o.get(name)
	p := child(o.path, name)
	if !ok {
		if required {
			o.errs.add(p, "required")
		}
		return "", false
	}
	num, isNum := v.(json.Number)
	if !isNum {
		o.errs.add(p, "must be a number, got %s", jsonKind(v))
		return "", false
	}
	return num, true
}

// count reads a non-negative whole number (users, subscribers).
func (o *object) count(name string) *int64 {
	num, ok := o.number(name, false)
	if !ok {
		return nil
	}
	p := child(o.path, name)
	n, err := strconv.ParseInt(num.String(), 10, 64)
	if err != nil {
		// Accept 30000.0 or 3e4, which are whole numbers written oddly.
		f, ferr := strconv.ParseFloat(num.String(), 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > maxCount {
			if ferr == nil && f == math.Trunc(f) {
				o.errs.add(p, "must be at most %d, got %s", int64(maxCount), num)
			} else {
				o.errs.add(p, "must be a whole number, got %s", num)
			}
			return nil
		}
		n = int64(f)
	}
	if n < 0 {
		o.errs.add(p, "must not be negative, got %d", n)
		return nil
	}
	if n > maxCount {
		o.errs.add(p, "must be at most %d, got %d", int64(maxCount), n)
		return nil
	}
	return &n
}

// float reads a non-negative number (minutes, Gbps).
func (o *object) float(name string, required bool) *float64 {
	num, ok := o.number(name, required)
	if !ok {
		return nil
	}
	p := child(o.path, name)
	f, err := strconv.ParseFloat(num.String(), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		o.errs.add(p, "must be a finite number, got %s", num)
		return nil
	}
	if f < 0 {
		o.errs.add(p, "must not be negative, got %s", num)
		return nil
	}
	return &f
}

// time reads an RFC 3339 date-time with offset. It keeps microseconds, the
// precision PostgreSQL stores, so that a stored case equals the decoded one.
func (o *object) time(name string, required bool) *time.Time {
	s := o.str(name, required)
	if s == "" {
		return nil
	}
	// RFC 3339 allows a lower-case t and z; Go's parser wants upper case.
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err != nil {
		o.errs.add(child(o.path, name), "must be an RFC 3339 date-time with offset, e.g. 2020-05-30T12:56:00+09:00; got %q", s)
		return nil
	}
	if y := t.In(jpdate.JST).Year(); y < minYear || y > maxYear {
		o.errs.add(child(o.path, name), "year %d is out of range (%d–%d)", y, minYear, maxYear)
		return nil
	}
	t = t.Truncate(time.Microsecond)
	return &t
}

// array reads an array field; present reports whether the field was given.
func (o *object) array(name string) (items []any, present bool) {
	v, ok := o.get(name)
	if !ok {
		return nil, false
	}
	items, isArr := v.([]any)
	if !isArr {
		o.errs.add(child(o.path, name), "must be an array, got %s", jsonKind(v))
		return nil, true
	}
	return items, true
}

func (o *object) object(name string) *object {
	v, ok := o.get(name)
	if !ok {
		return nil
	}
	return asObject(v, child(o.path, name), o.errs)
}

// extra returns the fields that were never asked for, each in one
// canonical spelling: compact, object keys sorted, string escapes resolved,
// numbers exactly as written. Two spellings of the same unknown field then
// store and hash alike.
func (o *object) extra() Extra {
	var ex Extra
	for k, v := range o.fields {
		if o.used[k] {
			continue
		}
		canon, err := Marshal(v)
		if err != nil {
			continue // cannot happen: v came out of the JSON decoder
		}
		if ex == nil {
			ex = Extra{}
		}
		ex[k] = canon
	}
	return ex
}

// article turns encoding/json's name of a JSON type into the wording of
// jsonKind: "array" → "an array".
func article(kind string) string {
	switch kind {
	case "array", "object":
		return "an " + kind
	case "bool":
		return "a boolean"
	case "null":
		return "null"
	default:
		return "a " + kind
	}
}

// jsonKind names the JSON type of a parsed value for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	default:
		return "a number"
	}
}

func oneOfStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// DecodeNearMiss decodes a stored near_miss object.
func DecodeNearMiss(raw []byte) (*NearMiss, error) {
	var errs Errors
	o := parseObject(raw, &errs)
	if o == nil {
		return nil, errs
	}
	o.path = "near_miss"
	n := decodeNearMiss(o)
	if len(errs) > 0 {
		return nil, errs
	}
	return n, nil
}
