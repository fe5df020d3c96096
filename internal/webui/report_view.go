package webui

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/caseformat"
	"kensho/internal/intake"
)

// reportPage is the data of report-form.html: the form, its pick lists,
// what went wrong (next to each field and summarised at the top) and the
// live judgement.
type reportPage struct {
	base
	F   *reportForm
	Cat *intake.Catalogue
	// Errors are every problem, in the order found, each with its field.
	Errors []formError
	// Conflict: someone saved the draft since this form was loaded.
	Conflict *conflictView
	// Judgement is the rules engine's verdict on the form as it stands.
	Judgement   *judgement
	Attachments []intake.AttachmentMeta
	// CaseRef names the case a follow-up report continues.
	CaseRef string
	// Notice is a translated remark above the form (where it was prefilled from).
	Notice string
	// MaxAttachment is the size limit of an attachment, for the help text.
	MaxAttachment int64
	// Submitted: the draft became a report and can no longer change.
	Submitted bool
	// Confirm shows the confirmation step instead of the form.
	Confirm bool
	// EditCase is the case whose validated copy the secretariat edits in
	// this form (0: an operator's report).
	EditCase int64
	// org is the reporter's organisation, the operator of the report.
	org string
}

// formError is one problem of a form: the path the service named, the
// field it belongs to ("" when none on the page does), and what to say.
type formError struct {
	Path, Field, ID, Label, Message string
}

// conflictView is a stale save: who saved in between, when, and what
// they changed.
type conflictView struct {
	By      string
	At      time.Time
	Changes []changeView
}

// changeView is one field someone else changed.
type changeView struct {
	Label, Before, After string
}

// Is reports whether the page's form is one of kinds.
func (d *reportPage) Is(kinds ...string) bool { return slices.Contains(kinds, string(d.F.Kind)) }

// NearMiss reports whether the report is of a near-miss.
func (d *reportPage) NearMiss() bool { return d.F.CaseKind == caseformat.KindNearMiss }

// V is the value of a field as typed.
func (d *reportPage) V(name string) string { return d.F.Values.Get(name) }

// fieldID is the HTML id of a field: its name with every run of other
// characters made a hyphen ("impacts[0].timeline[1].to" →
// "f-impacts-0-timeline-1-to").
func fieldID(name string) string {
	return "f-" + strings.Trim(nonWord.ReplaceAllString(name, "-"), "-")
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

// FID is the HTML id of a field.
func (d *reportPage) FID(name string) string { return fieldID(name) }

// ErrAt is what is wrong with one field or block ("" if nothing).
func (d *reportPage) ErrAt(field string) string {
	var msgs []string
	for _, e := range d.Errors {
		if e.Field == field && !slices.Contains(msgs, e.Message) {
			msgs = append(msgs, e.Message)
		}
	}
	return strings.Join(msgs, " ")
}

// fieldView is one control of a report form with everything its partial
// renders: label, value, choices, help, error, and whether it is required.
type fieldView struct {
	Name, ID, Label, Help, Value, Error, ErrorID string
	// Control: text, textarea, select, datetime, count, number, checks, radios.
	Control  string
	Rows     int
	Required bool
	Options  []option
	// Req and Choose are the words for "required" and the empty choice.
	Req, Choose string
	// Compact: a control in a table row, labelled by its column.
	Compact bool
	// Badge marks a proportional aspect 濃 or 薄 (BadgeClass thick or thin).
	Badge, BadgeClass string
	// Refresh names the part of the form re-rendered when the value
	// changes ("" for none): the server decides what to show next.
	Refresh string
}

// Described is the ids of the help and the error of the control, for
// aria-describedby.
func (fv fieldView) Described() string {
	var ids []string
	if fv.Help != "" {
		ids = append(ids, fv.ID+"-help")
	}
	if fv.Error != "" {
		ids = append(ids, fv.ErrorID)
	}
	return strings.Join(ids, " ")
}

// option is one choice of a select, check boxes or radio buttons.
type option struct {
	Value, Label string
	Selected     bool
}

// Field describes the control for name. spec is the control, optionally
// with the source of its choices or its height: "textarea:6",
// "select:cause", "checks:prefectures", "radios:yesno".
func (d *reportPage) Field(name, spec string) fieldView {
	control, arg, _ := strings.Cut(spec, ":")
	generic := indexes.ReplaceAllString(name, "")
	fv := fieldView{Name: name, ID: fieldID(name), Label: leafLabel(d.Lang, d.Cat, name), Value: d.V(name), Control: control,
		Error: d.ErrAt(name), Required: d.required(generic), Req: d.T("rf.required"), Choose: d.T("rf.choose")}
	fv.ErrorID = fv.ID + "-error"
	if k := "rf.h." + generic; hasMessage(k) {
		fv.Help = d.T(k)
	}
	switch control {
	case "textarea":
		fv.Rows = 3
		if n, err := strconv.Atoi(arg); err == nil {
			fv.Rows = n
		}
	case "select", "checks", "radios":
		fv.Options = d.options(name, arg)
	}
	fv.Refresh = refreshOn[generic]
	switch {
	case fv.Refresh == "proportional" && !d.Is(string(formDetailed), string(formAmendment)),
		fv.Refresh == "nearmiss" && !d.NearMiss() && !d.Is(string(formDetailed), string(formAmendment)):
		fv.Refresh = "" // the form has no such part
	}
	return fv
}

// indexes matches the array indices of a path.
var indexes = regexp.MustCompile(`\[\d+\]`)

// refreshOn names, per field, the part of the form that depends on it.
var refreshOn = map[string]string{
	"near_miss.situation":           "nearmiss",
	"near_miss.cause_origin":        "nearmiss",
	"near_miss.traffic":             "nearmiss",
	"case_kind":                     "nearmiss",
	"cause.archetype":               "proportional",
	"impacts.service":               "impacts",
	"report.proportional.archetype": "proportional",
}

// options are the choices of a field from source, marked with what the
// form holds.
func (d *reportPage) options(name, source string) []option {
	var out []option
	add := func(v, label string) {
		out = append(out, option{Value: v, Label: label, Selected: slices.Contains(d.F.Values[name], v)})
	}
	codes := func(prefix string, vs []string) {
		for _, v := range vs {
			add(v, codeLabel(d.Lang, prefix, v))
		}
	}
	choices := func(cs []intake.Choice) {
		for _, c := range cs {
			add(c.ID, c.Label(d.Lang))
		}
	}
	switch source {
	case "service":
		codes("svc.", strs(caseformat.Services))
	case "unit":
		codes("unit.", strs(caseformat.UserUnits))
	case "cause":
		codes("cause.", caseformat.CauseClasses)
	case "archetype":
		codes("arch.", caseformat.CauseArchetypes)
	case "facility":
		codes("rf.cf.", caseformat.CriticalFacilityTypes)
	case "situation":
		codes("sit.", caseformat.NearMissSituations)
	case "origin":
		codes("rf.origin.", caseformat.CauseOrigins)
	case "traffic":
		codes("rf.traffic.", caseformat.TrafficKinds)
	case "status":
		codes("rf.status.", []string{"ongoing", "recovered"})
	case "degradation":
		add("true", d.T("rf.degradation"))
	case "yesno":
		add("true", d.T("rf.yes"))
		add("false", d.T("rf.no"))
	case "casekind":
		add(string(caseformat.KindAccident), d.Kind(caseformat.KindAccident))
		add(string(caseformat.KindNearMiss), d.Kind(caseformat.KindNearMiss))
		for i := range out {
			out[i].Selected = out[i].Value == string(d.F.CaseKind)
		}
	case "prefectures":
		choices(d.Cat.Prefectures)
	case "equipment":
		choices(d.Cat.EquipmentTypes)
	case "notices":
		choices(d.Cat.UserNotices)
	case "licence":
		choices(d.Cat.LicenceClasses)
	case "proportional":
		for _, a := range d.Archetypes() {
			add(a.ID, a.Label(d.Lang))
		}
	}
	return out
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// required marks the fields the form's report kind asks for (intake
// decides; this only marks them, so that nobody learns it from an error).
func (d *reportPage) required(generic string) bool {
	common := []string{"ref", "occurred_at", "summary"}
	var kind []string
	switch d.F.Kind {
	case formQuick, formNearMiss:
		kind = []string{"report.status"}
	case formDetailed, formAmendment:
		kind = []string{"report.prefectures", "report.equipment_outline", "report.development", "report.recovery_actions", "cause.class",
			"cause.text", "report.user_notices", "report.facility_manager", "report.chief_engineer", "report.chief_engineer_licence"}
		if d.F.CaseKind == caseformat.KindAccident {
			kind = append(kind, "recovered_at")
		}
		if d.V("report.proportional.archetype") == "" {
			kind = append(kind, "measures")
		}
	case formQuarterly:
		kind = []string{"recovered_at", "cause.class"}
	case formInformation:
		common = []string{"ref", "occurred_at"}
	}
	if d.NearMiss() && generic == "near_miss.situation" {
		return true
	}
	return slices.Contains(common, generic) || slices.Contains(kind, generic)
}

// impactRow is one affected service of the timeline editor.
type impactRow struct {
	I       int
	Periods []int
	// FreeInternet shows the fields only free internet services have.
	FreeInternet bool
}

// ImpactRows are the services and their periods, for the editor.
func (d *reportPage) ImpactRows() []impactRow {
	out := make([]impactRow, len(d.F.Impacts))
	for i, n := range d.F.Impacts {
		out[i] = impactRow{I: i, Periods: make([]int, n),
			FreeInternet: d.V(fmt.Sprintf("impacts[%d].service", i)) == string(caseformat.ServiceFreeInternet)}
		for j := range n {
			out[i].Periods[j] = j
		}
	}
	return out
}

// Facts are the near-miss facts to ask, given the answers so far.
func (d *reportPage) Facts() []fieldView {
	var out []fieldView
	for _, f := range relevantFacts(d.F.Values) {
		name := "near_miss." + f
		spec := "radios:yesno"
		switch f {
		case "cause_origin":
			spec = "select:origin"
		case "traffic":
			spec = "select:traffic"
		}
		out = append(out, d.Field(name, spec))
	}
	return out
}

// Archetypes are the proportional archetypes offered: those made for the
// cause archetype chosen, or all when none is (or none fits).
func (d *reportPage) Archetypes() []intake.Archetype {
	cause := d.V("cause.archetype")
	var fit []intake.Archetype
	for _, a := range d.Cat.Archetypes {
		if cause == "" || slices.Contains(a.Cause, cause) || a.ID == d.V("report.proportional.archetype") {
			fit = append(fit, a)
		}
	}
	if len(fit) == 0 {
		return d.Cat.Archetypes
	}
	return fit
}

// Aspects are the aspects of the chosen proportional archetype, each
// marked 濃 (thick: required, room to write) or 薄 (thin: optional, short).
func (d *reportPage) Aspects() []fieldView {
	a := d.Cat.Archetype(d.V("report.proportional.archetype"))
	if a == nil {
		return nil
	}
	var out []fieldView
	for _, as := range a.Aspects {
		rows, badge, class, help := 2, d.T("rf.thin"), "thin", d.T("rf.h.thin")
		if as.Thick() {
			rows, badge, class, help = 7, d.T("rf.thick"), "thick", d.T("rf.h.thick")
		}
		fv := d.Field("report.proportional.aspects."+as.ID, "textarea:"+strconv.Itoa(rows))
		fv.Label, fv.Required, fv.Help = as.Label(d.Lang), as.Thick(), help
		fv.Badge, fv.BadgeClass = badge, class
		out = append(out, fv)
	}
	return out
}

// fieldLabel names the field at path, with the service and period it
// belongs to: 「影響1 期間2: 終了日時」.
func (d *reportPage) fieldLabel(path string) string {
	return pathLabel(d.Lang, d.Cat, path)
}

var (
	impactIndex = regexp.MustCompile(`^impacts\[(\d+)\]`)
	periodIndex = regexp.MustCompile(`\.timeline\[(\d+)\]`)
)

// pathLabel names a JSON path of a report in lang, with the service and
// period it belongs to.
func pathLabel(lang string, cat *intake.Catalogue, path string) string {
	label := leafLabel(lang, cat, path)
	generic := indexes.ReplaceAllString(path, "")
	var where []string
	if m := impactIndex.FindStringSubmatch(path); m != nil && generic != "impacts" {
		n, _ := strconv.Atoi(m[1])
		where = append(where, trf(lang, "rf.at.impact", n+1))
		if p := periodIndex.FindStringSubmatch(path); p != nil {
			k, _ := strconv.Atoi(p[1])
			where = append(where, trf(lang, "rf.at.period", k+1))
		}
	}
	if len(where) > 0 {
		return strings.Join(where, " ") + ": " + label
	}
	return label
}

// leafLabel names the field of a path itself: 「終了日時」.
func leafLabel(lang string, cat *intake.Catalogue, path string) string {
	generic := indexes.ReplaceAllString(path, "")
	if id, ok := strings.CutPrefix(generic, "report.proportional.aspects."); ok && cat != nil {
		for _, a := range cat.Archetypes {
			for _, as := range a.Aspects {
				if as.ID == id {
					return trf(lang, "rf.f.aspect", as.Label(lang))
				}
			}
		}
	}
	for g := generic; g != ""; {
		if hasMessage("rf.f." + g) {
			return tr(lang, "rf.f."+g)
		}
		i := strings.LastIndex(g, ".")
		if i < 0 {
			break
		}
		g = g[:i]
	}
	return path
}

// errorField is the form field an error's path belongs to, "" when the
// page has none (the error is then shown at the top only).
func errorField(path string) string {
	switch {
	case path == "" || path == "kind" || path == "report" || path == "body" || strings.HasPrefix(path, "operators"):
		return ""
	}
	if f, ok := errorFieldOf[path]; ok {
		return f
	}
	for _, m := range multiFields {
		if strings.HasPrefix(path, m+"[") {
			return m
		}
	}
	if periodOnly.MatchString(path) { // an overlap names the period
		return path + ".from"
	}
	return path
}

// errorFieldOf is the field of an error about a whole object.
var errorFieldOf = map[string]string{
	"near_miss":           "near_miss.situation",
	"critical_facility":   "critical_facility.type",
	"cause":               "cause.class",
	"report.proportional": "report.proportional.archetype",
}

var periodOnly = regexp.MustCompile(`^impacts\[\d+\]\.timeline\[\d+\]$`)

// errorMessages translate the service's messages (English, for API
// clients) by their wording: the pattern and the key of what to say.
var errorMessages = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^required \(濃`), "rf.err.thick"},
	{regexp.MustCompile(`^required in a quick report: ongoing or recovered`), "rf.err.status"},
	{regexp.MustCompile(`^required|^must not be empty|^at least one`), "rf.err.required"},
	{regexp.MustCompile(`^before occurred_at`), "rf.err.before_occurred"},
	{regexp.MustCompile(`^after recovered_at`), "rf.err.after_recovered"},
	{regexp.MustCompile(`^before from`), "rf.err.before_from"},
	{regexp.MustCompile(`^same as from`), "rf.err.same_as_from"},
	{regexp.MustCompile(`^overlaps timeline`), "rf.err.overlap"},
	{regexp.MustCompile(`^only for service free_internet`), "rf.err.free_internet"},
	{regexp.MustCompile(`^only for kind near_miss`), "rf.err.nearmiss_only"},
	{regexp.MustCompile(`^unknown prefecture|^must be one of|^unknown archetype`), "rf.err.choice"},
	{regexp.MustCompile(`^not an aspect of archetype`), "rf.err.aspect"},
	{regexp.MustCompile(`^must be an RFC 3339|^year \d+ is out of range`), "rf.err.datetime"},
	{regexp.MustCompile(`^must be a whole number|^must not be negative|^must be at most|^must be a number|^must be a finite`), "rf.err.count"},
	{regexp.MustCompile(`^longer than`), "rf.err.long"},
	{regexp.MustCompile(`is not your organisation`), "rf.err.organisation"},
	{regexp.MustCompile(`^a quick report is of|^a detailed report is of|^a quarterly report is of|^voluntary information is of`), "rf.err.kind"},
	{regexp.MustCompile(`^more than \d+`), "rf.err.many"},
}

// inputKeys are the message keys of intake.InputError codes.
var inputKeys = map[string]string{
	"amend_first": "rf.err.amend_first",
	"submitted":   "rf.err.submitted",
	"filename":    "rf.err.filename",
	"empty":       "rf.err.file_empty",
	"too_large":   "rf.err.file_large",
	"type":        "rf.err.file_type",
	"kind":        "rf.err.kind",
	"case_kind":   "rf.err.kind",
}

// formErrors turns what the intake refused into the form's errors, in the
// reader's language, each with its field and label.
func (d *reportPage) formErrors(err error) []formError {
	var (
		errs  caseformat.Errors
		input *intake.InputError
		out   []formError
	)
	add := func(path, key, raw string) {
		msg := ""
		if key != "" {
			msg = d.T(key)
		} else if d.Lang == langEN && raw != "" {
			msg = raw
		} else {
			msg = d.T("rf.err.other")
			if raw != "" {
				msg += "（" + raw + "）"
			}
		}
		field := errorField(path)
		out = append(out, formError{Path: path, Field: field, ID: fieldID(field), Label: d.fieldLabel(path), Message: msg})
	}
	switch {
	case errors.As(err, &errs):
		for _, e := range errs {
			key := ""
			for _, m := range errorMessages {
				if m.re.MatchString(e.Message) {
					key = m.key
					break
				}
			}
			add(e.Path, key, e.Message)
		}
	case errors.As(err, &input):
		add(input.Field, inputKeys[input.Code], input.Message)
	}
	return out
}

// addProblems adds the fields the form could not read (they come first:
// the service never saw those values).
func (d *reportPage) addProblems() {
	var out []formError
	for _, p := range d.F.problems {
		out = append(out, formError{Path: p.Path, Field: p.Path, ID: fieldID(p.Path), Label: d.fieldLabel(p.Path), Message: d.T(p.Key)})
	}
	d.Errors = append(out, d.Errors...)
}

// conflictOf describes a stale save for the page.
func (d *reportPage) conflictOf(c echo.Context, p *pages, ce *intake.ConflictError) *conflictView {
	v := &conflictView{By: ce.UpdatedBy, At: ce.UpdatedAt}
	if people, err := p.people(c); err == nil {
		if n, ok := people[ce.UpdatedBy]; ok {
			v.By = n
		}
	}
	for _, ch := range ce.Changes {
		v.Changes = append(v.Changes, changeView{Label: d.fieldLabel(ch.Path), Before: shortValue(ch.Before), After: shortValue(ch.After)})
	}
	return v
}

// shortValue shows a changed value in a line.
func shortValue(v any) string {
	if v == nil {
		return "—"
	}
	s := strings.Join(strings.Fields(fmt.Sprint(v)), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	if s == "" {
		return "—"
	}
	return s
}

// mayReport lets through only reporters, who file for their organisation.
// The forms are not a case: a 403 here tells nothing that is secret.
func mayReport(c echo.Context) error {
	u := user(c)
	if u == nil {
		return errLoginRequired
	}
	if !u.Has(access.Reporter) || u.OrgID == 0 || u.OrgName == "" {
		return errForbidden
	}
	return nil
}

// mayFill lets through those who fill report forms: reporters, and the
// secretariat editing a case's validated copy in the same form. The
// timeline editor and the judgement save nothing and show nothing stored.
func mayFill(c echo.Context) error {
	if u := user(c); u != nil && u.Has(access.Secretariat) {
		return nil
	}
	return mayReport(c)
}

// reportPage is the page of form f for the caller.
func (p *pages) reportPage(c echo.Context, f *reportForm) *reportPage {
	f.cat = p.Portal.Catalogue
	title := formTitleKey(f.Kind)
	d := &reportPage{base: p.newBase(c, title, "reports"), F: f, Cat: p.Portal.Catalogue,
		org: user(c).OrgName, MaxAttachment: p.Portal.MaxAttachment}
	if d.MaxAttachment <= 0 {
		d.MaxAttachment = intake.DefaultMaxAttachment
	}
	return d
}

// renderForm shows the form with its judgement: what was typed, every
// problem next to its field and at the top.
func (p *pages) renderForm(c echo.Context, status int, d *reportPage) error {
	d.F.ensureRows()
	if d.Judgement == nil {
		d.Judgement = p.judge(d)
	}
	return p.render(c, status, "report-form.html", d)
}

// Plus1 counts from one for people: 影響1, 期間1.
func (d *reportPage) Plus1(i int) int { return i + 1 }

// Cell is Field for a control inside a table row, whose label the column
// heading gives.
func (d *reportPage) Cell(name, spec string) fieldView {
	fv := d.Field(name, spec)
	fv.Compact = true
	return fv
}

// MB is a byte count in megabytes, for the attachment limit.
func (d *reportPage) MB(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', -1, 64) }

// Size is a file size for people: 1.2 MB, 340 KB.
func (d *reportPage) Size(n int) string { return byteSize(int64(n)) }

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 0, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// FormTitle names a report form.
func (b *base) FormTitle(k formKind) string { return b.T(formTitleKey(k)) }

// formTitleKey is the message key of a form's title (rf.title.quick…).
func formTitleKey(k formKind) string {
	key := "rf.title." + string(k)
	return key
}

// summaryRow is one line of the confirmation step.
type summaryRow struct {
	Label, Value string
}

// summaryOrder is the order of the confirmation step, as the forms ask.
var summaryOrder = []string{"ref", "occurred_at", "recovered_at", "report.status", "report.prefectures", "area", "near_miss", "impacts",
	"critical_facility.type", "critical_facility.all_traffic_down_minutes", "summary", "detail", "report.equipment_type",
	"report.equipment_outline", "report.development", "report.recovery_actions", "cause.class", "cause.archetype", "cause.text",
	"report.proportional.archetype", "aspects", "measures", "report.user_notices", "report.user_handling", "report.standards",
	"report.related_trend", "report.facility_manager", "report.chief_engineer", "report.chief_engineer_licence", "report.contact"}

// choiceSource names where a field's labels come from (Field's sources).
var choiceSource = map[string]string{
	"impacts.service": "service", "impacts.user_unit": "unit", "impacts.degradation": "degradation", "impacts.mediates_communications": "yesno",
	"cause.class": "cause", "cause.archetype": "archetype", "critical_facility.type": "facility", "near_miss.situation": "situation",
	"near_miss.cause_origin": "origin", "near_miss.traffic": "traffic", "report.status": "status", "report.prefectures": "prefectures",
	"report.equipment_type": "equipment", "report.user_notices": "notices", "report.chief_engineer_licence": "licence",
}

// Summary is the draft as it will be filed, field by field, in the
// reader's language: labels for codes, 和暦 for dates.
func (d *reportPage) Summary() []summaryRow {
	var out []summaryRow
	row := func(name string) {
		if v := d.display(name); v != "" {
			out = append(out, summaryRow{Label: d.fieldLabel(name), Value: v})
		}
	}
	for _, name := range summaryOrder {
		switch name {
		case "near_miss":
			if d.NearMiss() {
				row("near_miss.situation")
				for _, f := range relevantFacts(d.F.Values) {
					row("near_miss." + f)
				}
			}
		case "impacts":
			for i, n := range d.F.Impacts {
				for _, fld := range impactFields {
					row(fmt.Sprintf("impacts[%d].%s", i, fld))
				}
				var lines []string
				for j := range n {
					at := func(fld string) string { return fmt.Sprintf("impacts[%d].timeline[%d].%s", i, j, fld) }
					if d.V(at("from")) == "" && d.V(at("to")) == "" && d.V(at("users")) == "" {
						continue
					}
					users := d.V(at("users"))
					if c, ok := formCount(users); ok {
						n, _ := c.Int64()
						users = d.Tf("rf.users", d.Num(n))
					}
					lines = append(lines, d.display(at("from"))+" – "+d.display(at("to"))+"　"+users)
				}
				if len(lines) > 0 {
					out = append(out, summaryRow{Label: d.fieldLabel(fmt.Sprintf("impacts[%d].timeline", i)), Value: strings.Join(lines, "\n")})
				}
			}
		case "report.proportional.archetype":
			if a := d.Cat.Archetype(d.V(name)); a != nil {
				out = append(out, summaryRow{Label: d.fieldLabel(name), Value: a.Label(d.Lang)})
			}
		case "aspects":
			for _, fv := range d.Aspects() {
				if fv.Value != "" {
					out = append(out, summaryRow{Label: fv.Badge + " " + fv.Label, Value: fv.Value})
				}
			}
		default:
			row(name)
		}
	}
	return out
}

// display is a field's value for reading: dates in 和暦, codes by their
// labels, counts with separators.
func (d *reportPage) display(name string) string {
	generic := indexes.ReplaceAllString(name, "")
	vals := d.F.Values[name]
	if len(vals) == 0 || strings.TrimSpace(strings.Join(vals, "")) == "" {
		return ""
	}
	if strings.HasSuffix(generic, "_at") || strings.HasSuffix(generic, ".from") || strings.HasSuffix(generic, ".to") {
		if s, ok := formTime(vals[0]); ok {
			t, _ := time.Parse(time.RFC3339, s)
			return d.DateTime(t)
		}
		return vals[0]
	}
	src, ok := choiceSource[generic]
	if !ok {
		if _, isBool := boolOf(vals[0]); isBool && strings.HasPrefix(generic, "near_miss.") {
			src = "yesno"
		}
	}
	if src != "" {
		var labels []string
		for _, o := range d.options(name, src) {
			if o.Selected {
				labels = append(labels, o.Label)
			}
		}
		return strings.Join(labels, "、")
	}
	return strings.TrimSpace(vals[0])
}
