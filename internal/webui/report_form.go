package webui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"kensho/internal/caseformat"
	"kensho/internal/intake"
	"kensho/internal/jpdate"
)

// The operators' report forms post their fields under the JSON path each
// fills in the case ("summary", "impacts[0].timeline[1].to",
// "report.proportional.aspects.early_detection"). One name then serves
// three purposes: the body is built from the names, a draft's body is read
// back into them, and an error's path finds its field. Everything here is
// server-side: no rule and no field logic lives in JavaScript.

// formKind is which of the report forms a page shows.
type formKind string

// The report forms.
const (
	formQuick       formKind = "quick"       // 一報 of a serious accident
	formNearMiss    formKind = "near_miss"   // 一報 of a near-miss, with its situation
	formDetailed    formKind = "detailed"    // 詳細な報告: the 13 items
	formAmendment   formKind = "amendment"   // 訂正報告: the detailed form again
	formQuarterly   formKind = "quarterly"   // 四半期報告（詳細様式）, per accident
	formInformation formKind = "information" // 障害情報提供
)

// formKinds are the forms in the order the reporter's page offers them.
var formKinds = []formKind{formQuick, formNearMiss, formDetailed, formQuarterly, formInformation, formAmendment}

// valid reports whether k names a form.
func (k formKind) valid() bool { return slices.Contains(formKinds, k) }

// reportKind is the kind of report the form files.
func (k formKind) reportKind() intake.ReportKind {
	switch k {
	case formQuick, formNearMiss:
		return intake.KindQuick
	case formAmendment:
		return intake.KindAmendment
	case formQuarterly:
		return intake.KindQuarterlyDetailed
	case formInformation:
		return intake.KindInformation
	}
	return intake.KindDetailed
}

// fixedCaseKind is the case kind the form implies ("" for the detailed
// forms, which take the case's kind or ask).
func (k formKind) fixedCaseKind() caseformat.Kind {
	switch k {
	case formQuick, formQuarterly:
		return caseformat.KindAccident
	case formNearMiss:
		return caseformat.KindNearMiss
	case formInformation:
		return caseformat.KindInformation
	}
	return ""
}

// formKindOf is the form that edits a draft of report kind rk on a case of
// kind ck.
func formKindOf(rk intake.ReportKind, ck caseformat.Kind) formKind {
	switch rk {
	case intake.KindQuick:
		if ck == caseformat.KindNearMiss {
			return formNearMiss
		}
		return formQuick
	case intake.KindAmendment:
		return formAmendment
	case intake.KindQuarterlyDetailed:
		return formQuarterly
	case intake.KindInformation:
		return formInformation
	}
	return formDetailed
}

// reportForm is one report form as posted or loaded: which form, the draft
// and case it belongs to, and the values of its fields by name.
type reportForm struct {
	Kind     formKind
	DraftID  int64
	Version  int
	CaseID   int64
	CaseKind caseformat.Kind
	// Values holds every field by its JSON path, as typed.
	Values url.Values
	// Impacts holds, per affected service, its number of periods: the
	// shape the timeline editor renders.
	Impacts []int
	// cat names the prefectures (v1's area is their names).
	cat *intake.Catalogue
	// problems are fields that could not be read (a count that is not a
	// number, a date that is not a date), by path and message key.
	problems []formProblem
}

// formProblem is a field the form could not turn into the case format.
type formProblem struct {
	Path, Key string
}

// Limits that keep a posted form small: far above any real report.
const (
	maxFormImpacts = 20
	maxFormPeriods = 200
)

// The fields of a report form besides the impacts and the near-miss facts.
var (
	textFields = []string{"ref", "occurred_at", "recovered_at", "area", "summary", "detail", "measures",
		"cause.class", "cause.archetype", "cause.text", "critical_facility.type", "critical_facility.all_traffic_down_minutes",
		"report.status", "report.equipment_type", "report.equipment_outline", "report.development", "report.recovery_actions",
		"report.user_handling", "report.standards", "report.related_trend", "report.proportional.archetype",
		"report.facility_manager", "report.chief_engineer", "report.chief_engineer_licence", "report.contact"}
	multiFields  = []string{"report.prefectures", "report.user_notices"}
	impactFields = []string{"service", "user_unit", "degradation", "description", "peak_users", "stopped_capacity_gbps",
		"monthly_active_users", "mediates_communications"}
	periodFields = []string{"from", "to", "users"}
	// nearMissFacts are the facts of CASE-FORMAT's near_miss object.
	nearMissFacts = []string{"noticed_promptly", "switched_promptly", "cause_origin", "traffic", "cause_removed_promptly",
		"priority_calls_failed", "attack_blocked", "legit_traffic_degraded", "best_effort", "rolled_back_promptly"}
)

var (
	impactName = regexp.MustCompile(`^impacts\[(\d{1,4})\]\.([a-z_]+)$`)
	periodName = regexp.MustCompile(`^impacts\[(\d{1,4})\]\.timeline\[(\d{1,5})\]\.([a-z]+)$`)
	aspectName = regexp.MustCompile(`^report\.proportional\.aspects\.([a-z0-9_]{1,64})$`)
)

// parseReportForm reads a posted form. Only known fields are kept; the
// impacts and their periods are renumbered in the order posted, so a
// removed row leaves no gap.
func parseReportForm(in url.Values) *reportForm {
	f := &reportForm{Kind: formKind(in.Get("form")), Values: url.Values{}}
	if !f.Kind.valid() {
		f.Kind = formQuick
	}
	f.DraftID, _ = strconv.ParseInt(in.Get("draft_id"), 10, 64)
	f.Version, _ = strconv.Atoi(in.Get("version"))
	f.CaseID, _ = strconv.ParseInt(in.Get("case_id"), 10, 64)
	f.CaseKind = f.Kind.fixedCaseKind()
	if f.CaseKind == "" {
		f.CaseKind = caseformat.KindAccident
		if k := caseformat.Kind(in.Get("case_kind")); k == caseformat.KindNearMiss {
			f.CaseKind = k
		}
	}
	text := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
	for _, n := range textFields {
		if v, ok := in[n]; ok && len(v) > 0 {
			f.Values.Set(n, text(v[0]))
		}
	}
	for _, n := range multiFields {
		for _, v := range in[n] {
			if v != "" && !slices.Contains(f.Values[n], v) {
				f.Values.Add(n, v)
			}
		}
	}
	if s := in.Get("near_miss.situation"); s != "" {
		f.Values.Set("near_miss.situation", s)
	}
	for _, n := range nearMissFacts {
		if v := in.Get("near_miss." + n); v != "" {
			f.Values.Set("near_miss."+n, v)
		}
	}
	// Impacts and periods, by the indices posted.
	impacts := map[int]bool{}
	periods := map[int]map[int]bool{}
	for name := range in {
		if m := impactName.FindStringSubmatch(name); m != nil && slices.Contains(impactFields, m[2]) {
			i, _ := strconv.Atoi(m[1])
			impacts[i] = true
		}
		if m := periodName.FindStringSubmatch(name); m != nil && slices.Contains(periodFields, m[3]) {
			i, _ := strconv.Atoi(m[1])
			j, _ := strconv.Atoi(m[2])
			impacts[i] = true
			if periods[i] == nil {
				periods[i] = map[int]bool{}
			}
			periods[i][j] = true
		}
		if m := aspectName.FindStringSubmatch(name); m != nil {
			f.Values.Set(name, text(in.Get(name)))
		}
	}
	for _, i := range sortedKeys(impacts) {
		if len(f.Impacts) == maxFormImpacts {
			break
		}
		to := len(f.Impacts)
		for _, n := range impactFields {
			if v := in.Get(fmt.Sprintf("impacts[%d].%s", i, n)); v != "" {
				f.Values.Set(fmt.Sprintf("impacts[%d].%s", to, n), text(v))
			}
		}
		n := 0
		for _, j := range sortedKeys(periods[i]) {
			if n == maxFormPeriods {
				break
			}
			for _, fld := range periodFields {
				if v := in.Get(fmt.Sprintf("impacts[%d].timeline[%d].%s", i, j, fld)); v != "" {
					f.Values.Set(fmt.Sprintf("impacts[%d].timeline[%d].%s", to, n, fld), v)
				}
			}
			n++
		}
		f.Impacts = append(f.Impacts, n)
	}
	return f
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// ensureRows gives the timeline editor something to type into: one
// service with one empty period on a form that has none.
func (f *reportForm) ensureRows() {
	if len(f.Impacts) == 0 {
		f.Impacts = []int{1}
	}
	for i, n := range f.Impacts {
		if n == 0 {
			f.Impacts[i] = 1
		}
	}
}

// The edits of the timeline editor's buttons.
const (
	opAddImpact    = "add-impact"
	opRemoveImpact = "remove-impact"
	opAddPeriod    = "add-period"
	opRemovePeriod = "remove-period"
)

// apply performs a timeline edit ("add-period:0", "remove-period:0:2"),
// renumbering the rows after a removal.
func (f *reportForm) apply(op string) {
	parts := strings.Split(op, ":")
	idx := func(k int) int {
		if k >= len(parts) {
			return -1
		}
		n, err := strconv.Atoi(parts[k])
		if err != nil {
			return -1
		}
		return n
	}
	i := idx(1)
	switch parts[0] {
	case opAddImpact:
		if len(f.Impacts) < maxFormImpacts {
			f.Impacts = append(f.Impacts, 1)
		}
	case opRemoveImpact:
		if i >= 0 && i < len(f.Impacts) {
			f.removeImpact(i)
		}
	case opAddPeriod:
		if i >= 0 && i < len(f.Impacts) && f.Impacts[i] < maxFormPeriods {
			f.Impacts[i]++
		}
	case opRemovePeriod:
		if j := idx(2); i >= 0 && i < len(f.Impacts) && j >= 0 && j < f.Impacts[i] {
			f.removePeriod(i, j)
		}
	}
}

// removeImpact drops impact i and moves the later ones up.
func (f *reportForm) removeImpact(i int) {
	old := f.Values
	f.Values = url.Values{}
	for name, v := range old {
		m := impactName.FindStringSubmatch(name)
		p := periodName.FindStringSubmatch(name)
		switch {
		case m != nil:
			k, _ := strconv.Atoi(m[1])
			if k == i {
				continue
			}
			if k > i {
				name = fmt.Sprintf("impacts[%d].%s", k-1, m[2])
			}
		case p != nil:
			k, _ := strconv.Atoi(p[1])
			if k == i {
				continue
			}
			if k > i {
				name = fmt.Sprintf("impacts[%d].timeline[%s].%s", k-1, p[2], p[3])
			}
		}
		f.Values[name] = v
	}
	f.Impacts = slices.Delete(f.Impacts, i, i+1)
}

// removePeriod drops period j of impact i and moves the later ones up.
func (f *reportForm) removePeriod(i, j int) {
	old := f.Values
	f.Values = url.Values{}
	for name, v := range old {
		if p := periodName.FindStringSubmatch(name); p != nil {
			k, _ := strconv.Atoi(p[1])
			n, _ := strconv.Atoi(p[2])
			if k == i && n == j {
				continue
			}
			if k == i && n > j {
				name = fmt.Sprintf("impacts[%d].timeline[%d].%s", k, n-1, p[3])
			}
		}
		f.Values[name] = v
	}
	f.Impacts[i]--
}

// relevantFacts are the near-miss facts that matter for the situation
// and the answers given so far (CASE-FORMAT's near_miss object): the form
// asks only these, and only these go into the case.
func relevantFacts(v url.Values) []string {
	switch v.Get("near_miss.situation") {
	case "failover_failure":
		return []string{"noticed_promptly", "switched_promptly"}
	case "capacity_exceeded":
		out := []string{"cause_origin", "traffic"}
		switch v.Get("near_miss.cause_origin") {
		case "internal":
			out = append(out, "cause_removed_promptly")
		case "attack":
			out = append(out, "attack_blocked", "legit_traffic_degraded")
		case "legitimate_crowd":
			out = append(out, "best_effort")
		}
		if v.Get("near_miss.traffic") == "voice" {
			out = append(out, "priority_calls_failed")
		}
		return out
	case "wrong_config_or_software":
		return []string{"rolled_back_promptly"}
	}
	return nil
}

// enumFacts are the near-miss facts that are a choice rather than yes/no.
var enumFacts = map[string][]string{"cause_origin": caseformat.CauseOrigins, "traffic": caseformat.TrafficKinds}

// The documents below are kensho-case/v1 as the forms write it: the
// fields in the format's order, numbers as typed (json.Number), and the
// report items of package intake as the "report" object.
type (
	caseDoc struct {
		Ref              string         `json:"ref"`
		Kind             string         `json:"kind"`
		Operators        []operatorDoc  `json:"operators"`
		OccurredAt       string         `json:"occurred_at,omitempty"`
		RecoveredAt      string         `json:"recovered_at,omitempty"`
		Area             string         `json:"area,omitempty"`
		Impacts          []impactDoc    `json:"impacts"`
		CriticalFacility *facilityDoc   `json:"critical_facility,omitempty"`
		NearMiss         map[string]any `json:"near_miss,omitempty"`
		Cause            *causeDoc      `json:"cause,omitempty"`
		Summary          string         `json:"summary,omitempty"`
		Detail           string         `json:"detail,omitempty"`
		Measures         string         `json:"measures,omitempty"`
		Report           *intake.Items  `json:"report,omitempty"`
	}
	operatorDoc struct {
		Name string `json:"name"`
		Role string `json:"role,omitempty"`
	}
	impactDoc struct {
		Service                string      `json:"service"`
		MonthlyActiveUsers     json.Number `json:"monthly_active_users,omitempty"`
		MediatesCommunications *bool       `json:"mediates_communications,omitempty"`
		Degradation            bool        `json:"degradation"`
		PeakUsers              json.Number `json:"peak_users,omitempty"`
		UserUnit               string      `json:"user_unit,omitempty"`
		StoppedCapacityGbps    json.Number `json:"stopped_capacity_gbps,omitempty"`
		Description            string      `json:"description,omitempty"`
		Timeline               []periodDoc `json:"timeline"`
	}
	periodDoc struct {
		From  string       `json:"from,omitempty"`
		To    string       `json:"to,omitempty"`
		Users *json.Number `json:"users"`
	}
	facilityDoc struct {
		Type                  string      `json:"type"`
		AllTrafficDownMinutes json.Number `json:"all_traffic_down_minutes,omitempty"`
	}
	causeDoc struct {
		Class     string `json:"class,omitempty"`
		Archetype string `json:"archetype,omitempty"`
		Text      string `json:"text,omitempty"`
	}
)

// datetimeLayouts are what a datetime-local input sends (with or without
// seconds) and what people type where it is a plain text box.
var datetimeLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006/01/02 15:04", "2006/1/2 15:04"}

// formTime reads a date-time typed in JST and writes it as RFC 3339 with
// +09:00; ok is false when it is not a date-time.
func formTime(s string) (string, bool) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	for _, l := range datetimeLayouts {
		if t, err := time.ParseInLocation(l, s, jpdate.JST); err == nil {
			return t.Format(time.RFC3339), true
		}
	}
	if t, err := time.Parse(time.RFC3339, strings.ToUpper(s)); err == nil {
		return t.In(jpdate.JST).Format(time.RFC3339), true
	}
	return "", false
}

// inputTime is an RFC 3339 time as a datetime-local value in JST (raw
// when it is not a time).
func inputTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	j := t.In(jpdate.JST)
	if j.Second() != 0 {
		return j.Format("2006-01-02T15:04:05")
	}
	return j.Format("2006-01-02T15:04")
}

// formCount reads a whole, non-negative number as people type it:
// full-width digits and thousands separators are fine.
func formCount(s string) (json.Number, bool) {
	s = strings.NewReplacer(",", "", " ", "", "_", "").Replace(norm.NFKC.String(strings.TrimSpace(s)))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return "", false
	}
	return json.Number(strconv.FormatInt(n, 10)), true
}

// formNumber reads a non-negative decimal number (minutes, Gbps).
func formNumber(s string) (json.Number, bool) {
	s = strings.NewReplacer(",", "", " ", "").Replace(norm.NFKC.String(strings.TrimSpace(s)))
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f != f || f > 1e15 {
		return "", false
	}
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), true
}

// doc builds the case the form describes for organisation org. Fields that
// cannot be read are left out and recorded as problems; the form keeps
// what was typed.
func (f *reportForm) doc(org string) caseDoc {
	f.problems = nil
	v := f.Values
	get := func(n string) string { return strings.TrimSpace(v.Get(n)) }
	d := caseDoc{Ref: get("ref"), Kind: string(f.CaseKind), Operators: []operatorDoc{{Name: org}},
		Area: get("area"), Summary: get("summary"), Detail: get("detail"), Measures: get("measures"), Impacts: []impactDoc{}}
	if d.Area == "" {
		// v1's area is the prefectures' names unless the reporter says
		// more: they are chosen once, not typed again.
		d.Area = f.prefectureNames()
	}
	when := func(n string) string {
		s := get(n)
		if s == "" {
			return ""
		}
		t, ok := formTime(s)
		if !ok {
			f.problems = append(f.problems, formProblem{n, "rf.err.datetime"})
		}
		return t
	}
	count := func(n string) json.Number {
		s := get(n)
		if s == "" {
			return ""
		}
		c, ok := formCount(s)
		if !ok {
			f.problems = append(f.problems, formProblem{n, "rf.err.count"})
		}
		return c
	}
	number := func(n string) json.Number {
		s := get(n)
		if s == "" {
			return ""
		}
		c, ok := formNumber(s)
		if !ok {
			f.problems = append(f.problems, formProblem{n, "rf.err.number"})
		}
		return c
	}
	d.OccurredAt, d.RecoveredAt = when("occurred_at"), when("recovered_at")
	for i, n := range f.Impacts {
		at := func(fld string) string { return fmt.Sprintf("impacts[%d].%s", i, fld) }
		im := impactDoc{Service: get(at("service")), UserUnit: get(at("user_unit")), Description: get(at("description")),
			Degradation: get(at("degradation")) == "true", PeakUsers: count(at("peak_users")),
			StoppedCapacityGbps: number(at("stopped_capacity_gbps")), Timeline: []periodDoc{}}
		if im.Service == string(caseformat.ServiceFreeInternet) {
			im.MonthlyActiveUsers = count(at("monthly_active_users"))
			if b, ok := boolOf(get(at("mediates_communications"))); ok {
				im.MediatesCommunications = &b
			}
		}
		var peak int64 = -1
		for j := range n {
			pat := func(fld string) string { return fmt.Sprintf("impacts[%d].timeline[%d].%s", i, j, fld) }
			if get(pat("from")) == "" && get(pat("to")) == "" && get(pat("users")) == "" {
				continue // an empty row is no period
			}
			p := periodDoc{From: when(pat("from")), To: when(pat("to"))}
			if u := count(pat("users")); u != "" {
				p.Users = &u
				if n, _ := u.Int64(); n > peak {
					peak = n
				}
			}
			im.Timeline = append(im.Timeline, p)
		}
		// The peak is the timeline's highest count unless given: the
		// operator writes each number once.
		if im.PeakUsers == "" && peak >= 0 {
			im.PeakUsers = json.Number(strconv.FormatInt(peak, 10))
		}
		if im.Service == "" && len(im.Timeline) == 0 && im.PeakUsers == "" && im.Description == "" && im.StoppedCapacityGbps == "" {
			continue // an untouched service row
		}
		d.Impacts = append(d.Impacts, im)
	}
	if t := get("critical_facility.type"); t != "" {
		d.CriticalFacility = &facilityDoc{Type: t, AllTrafficDownMinutes: number("critical_facility.all_traffic_down_minutes")}
	}
	if f.CaseKind == caseformat.KindNearMiss {
		if s := get("near_miss.situation"); s != "" {
			d.NearMiss = map[string]any{"situation": s}
			for _, fact := range relevantFacts(v) {
				val := get("near_miss." + fact)
				if _, isEnum := enumFacts[fact]; isEnum {
					if val != "" {
						d.NearMiss[fact] = val
					}
				} else if b, ok := boolOf(val); ok {
					d.NearMiss[fact] = b
				}
			}
		}
	}
	if c := (causeDoc{Class: get("cause.class"), Archetype: get("cause.archetype"), Text: get("cause.text")}); c != (causeDoc{}) {
		d.Cause = &c
	}
	it := intake.Items{Status: get("report.status"), Prefectures: v["report.prefectures"],
		EquipmentType: get("report.equipment_type"), EquipmentOutline: get("report.equipment_outline"),
		Development: get("report.development"), RecoveryActions: get("report.recovery_actions"),
		UserNotices: v["report.user_notices"], UserHandling: get("report.user_handling"),
		Standards: get("report.standards"), RelatedTrend: get("report.related_trend"),
		FacilityManager: get("report.facility_manager"), ChiefEngineer: get("report.chief_engineer"),
		ChiefEngineerLicence: get("report.chief_engineer_licence"), Contact: get("report.contact")}
	if a := get("report.proportional.archetype"); a != "" {
		it.Proportional = &intake.Proportional{Archetype: a, Aspects: map[string]string{}}
		for name := range v {
			if m := aspectName.FindStringSubmatch(name); m != nil && get(name) != "" {
				it.Proportional.Aspects[m[1]] = get(name)
			}
		}
	}
	if !itemsEmpty(it) {
		d.Report = &it
	}
	return d
}

func itemsEmpty(it intake.Items) bool {
	b, _ := json.Marshal(it)
	return string(b) == "{}"
}

func boolOf(s string) (bool, bool) {
	switch s {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// body is the form as the kensho-case/v1 JSON the intake stores.
func (f *reportForm) body(org string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(f.doc(org)) // cannot fail: strings, numbers checked, bools
	return bytes.TrimSpace(buf.Bytes())
}

// loadBody fills the form from a stored body (a draft, or the report a
// follow-up starts from). What the form has no field for is left out; a
// body that is not an object leaves the form empty.
func (f *reportForm) loadBody(body []byte) error {
	var d caseDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	v := url.Values{}
	set := func(n, s string) {
		if s != "" {
			v.Set(n, s)
		}
	}
	set("ref", d.Ref)
	set("occurred_at", inputTime(d.OccurredAt))
	set("recovered_at", inputTime(d.RecoveredAt))
	if d.Report == nil || d.Area != prefectureNames(f.cat, d.Report.Prefectures) {
		set("area", d.Area)
	}
	set("summary", d.Summary)
	set("detail", d.Detail)
	set("measures", d.Measures)
	f.Impacts = nil
	for i, im := range d.Impacts {
		at := func(fld string) string { return fmt.Sprintf("impacts[%d].%s", i, fld) }
		set(at("service"), im.Service)
		set(at("user_unit"), im.UserUnit)
		set(at("description"), im.Description)
		if im.Degradation {
			set(at("degradation"), "true")
		}
		set(at("stopped_capacity_gbps"), im.StoppedCapacityGbps.String())
		set(at("monthly_active_users"), im.MonthlyActiveUsers.String())
		if im.MediatesCommunications != nil {
			set(at("mediates_communications"), strconv.FormatBool(*im.MediatesCommunications))
		}
		var peak int64 = -1
		for j, p := range im.Timeline {
			pat := func(fld string) string { return fmt.Sprintf("impacts[%d].timeline[%d].%s", i, j, fld) }
			set(pat("from"), inputTime(p.From))
			set(pat("to"), inputTime(p.To))
			if p.Users != nil {
				set(pat("users"), p.Users.String())
				if n, err := p.Users.Int64(); err == nil && n > peak {
					peak = n
				}
			}
		}
		// A peak equal to the timeline's highest count was derived from it:
		// leave it to be derived again if the periods change.
		if n, err := im.PeakUsers.Int64(); err != nil || n != peak {
			set(at("peak_users"), im.PeakUsers.String())
		}
		f.Impacts = append(f.Impacts, len(im.Timeline))
	}
	if cf := d.CriticalFacility; cf != nil {
		set("critical_facility.type", cf.Type)
		set("critical_facility.all_traffic_down_minutes", cf.AllTrafficDownMinutes.String())
	}
	for k, val := range d.NearMiss {
		if k == "situation" || slices.Contains(nearMissFacts, k) {
			set("near_miss."+k, fmt.Sprint(val))
		}
	}
	if c := d.Cause; c != nil {
		set("cause.class", c.Class)
		set("cause.archetype", c.Archetype)
		set("cause.text", c.Text)
	}
	if it := d.Report; it != nil {
		set("report.status", it.Status)
		v["report.prefectures"] = slices.Clone(it.Prefectures)
		set("report.equipment_type", it.EquipmentType)
		set("report.equipment_outline", it.EquipmentOutline)
		set("report.development", it.Development)
		set("report.recovery_actions", it.RecoveryActions)
		v["report.user_notices"] = slices.Clone(it.UserNotices)
		set("report.user_handling", it.UserHandling)
		set("report.standards", it.Standards)
		set("report.related_trend", it.RelatedTrend)
		set("report.facility_manager", it.FacilityManager)
		set("report.chief_engineer", it.ChiefEngineer)
		set("report.chief_engineer_licence", it.ChiefEngineerLicence)
		set("report.contact", it.Contact)
		if p := it.Proportional; p != nil {
			set("report.proportional.archetype", p.Archetype)
			for id, text := range p.Aspects {
				if aspectName.MatchString("report.proportional.aspects." + id) {
					set("report.proportional.aspects."+id, text)
				}
			}
		}
	}
	for _, n := range multiFields {
		if len(v[n]) == 0 {
			delete(v, n)
		}
	}
	f.Values = v
	if k := caseformat.Kind(d.Kind); f.Kind.fixedCaseKind() == "" && (k == caseformat.KindAccident || k == caseformat.KindNearMiss) {
		f.CaseKind = k
	}
	return nil
}

// followUp turns a loaded report into the start of the next one: a
// detailed report of a case known only from its overview (an import)
// finds the long text where the development goes.
func (f *reportForm) followUp() {
	if f.Values.Get("report.development") == "" && f.Values.Get("detail") != "" {
		f.Values.Set("report.development", f.Values.Get("detail"))
	}
	// v1's detail is what the intake writes from the items; the detailed
	// forms write the items.
	f.Values.Del("detail")
	f.Values.Del("report.status")
}

// prefectureNames is v1's area for the prefectures chosen: their Japanese
// names, as the intake writes them.
func (f *reportForm) prefectureNames() string {
	return prefectureNames(f.cat, f.Values["report.prefectures"])
}

func prefectureNames(cat *intake.Catalogue, ids []string) string {
	if cat == nil {
		return ""
	}
	var names []string
	for _, id := range ids {
		if i := slices.IndexFunc(cat.Prefectures, func(c intake.Choice) bool { return c.ID == id }); i >= 0 {
			names = append(names, cat.Prefectures[i].JA)
		}
	}
	return strings.Join(names, "、")
}
