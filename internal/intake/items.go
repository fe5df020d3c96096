package intake

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"kensho/internal/caseformat"
)

// ReportKind is what a submission is in the life of a case.
type ReportKind string

// Report kinds (reports.kind).
const (
	KindQuick             ReportKind = "quick"              // 一報
	KindDetailed          ReportKind = "detailed"           // 詳細な報告
	KindAmendment         ReportKind = "amendment"          // a correction after the detailed report
	KindQuarterlyDetailed ReportKind = "quarterly_detailed" // 四半期報告（詳細様式）, per accident
	KindInformation       ReportKind = "information"        // 障害情報提供
	KindImport            ReportKind = "import"             // a kensho-case/v1 file loaded by the secretariat
)

// SubmitKinds are the kinds an operator submits through forms and the API.
var SubmitKinds = []ReportKind{KindQuick, KindDetailed, KindAmendment, KindQuarterlyDetailed, KindInformation}

// Items are the parts of a report that kensho-case/v1 does not define: the
// 13 items of a detailed report (SPEC §2.1) beyond v1's own fields, sent as
// the case's "report" object. v1 keeps unknown fields, so a v1 reader sees
// a valid case and loses nothing.
type Items struct {
	// Quick report: is the accident still going on?
	Status string `json:"status,omitempty"` // ongoing | recovered
	// Prefectures affected (configs/intake.yaml ids); v1's area is their names.
	Prefectures []string `json:"prefectures,omitempty"`
	// 原因設備: its type and outline.
	EquipmentType    string `json:"equipment_type,omitempty"`
	EquipmentOutline string `json:"equipment_outline,omitempty"`
	// 発生状況 and 措置模様.
	Development     string `json:"development,omitempty"`
	RecoveryActions string `json:"recovery_actions,omitempty"`
	// 利用者対応: notice channels (check boxes) and what else was done.
	UserNotices  []string `json:"user_notices,omitempty"`
	UserHandling string   `json:"user_handling,omitempty"`
	// 関連する規格・社内規程 and 関連する事故の傾向.
	Standards    string `json:"standards,omitempty"`
	RelatedTrend string `json:"related_trend,omitempty"`
	// Proportional reporting: the archetype and the answer per aspect.
	Proportional *Proportional `json:"proportional,omitempty"`
	// Personal data (own + committee tier only; never public, never sent to
	// an LLM): 電気通信設備統括管理者, 電気通信主任技術者 and the contact.
	FacilityManager      string `json:"facility_manager,omitempty"`
	ChiefEngineer        string `json:"chief_engineer,omitempty"`
	ChiefEngineerLicence string `json:"chief_engineer_licence,omitempty"`
	Contact              string `json:"contact,omitempty"`
}

// Proportional is the measures of a detailed report by aspect.
type Proportional struct {
	Archetype string            `json:"archetype"`
	Aspects   map[string]string `json:"aspects,omitempty"`
}

// ItemsOf reads the "report" object of c; nil when there is none.
func ItemsOf(c caseformat.Case) (*Items, error) {
	raw, ok := c.Extra["report"]
	if !ok {
		return nil, nil
	}
	var it Items
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&it); err != nil {
		return nil, caseformat.Errors{{Path: "report", Message: "not a valid report object: " + strings.TrimPrefix(err.Error(), "json: ")}}
	}
	return &it, nil
}

// Personal returns the personal data of the items as the text kept in the
// case's contacts (own + committee tier).
func (it *Items) Personal() string {
	if it == nil {
		return ""
	}
	var b strings.Builder
	line := func(label, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", label, v)
		}
	}
	line("電気通信設備統括管理者", it.FacilityManager)
	chief := it.ChiefEngineer
	if chief != "" && it.ChiefEngineerLicence != "" {
		chief += "（" + it.ChiefEngineerLicence + "）"
	}
	line("電気通信主任技術者", chief)
	line("連絡先", it.Contact)
	return strings.TrimSpace(b.String())
}

// withoutPersonal is a copy of it with the personal data removed: what the
// working copy keeps beside v1's fields.
func (it *Items) withoutPersonal() *Items {
	c := *it
	c.FacilityManager, c.ChiefEngineer, c.ChiefEngineerLicence, c.Contact = "", "", "", ""
	return &c
}

// check validates the items of a report of kind k against the catalogue,
// adding problems with their JSON paths to errs.
func (cat *Catalogue) check(k ReportKind, c caseformat.Case, it *Items, errs *caseformat.Errors) {
	add := func(path, format string, args ...any) {
		*errs = append(*errs, caseformat.FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if it == nil {
		it = &Items{}
	}
	if it.Status != "" && it.Status != "ongoing" && it.Status != "recovered" {
		add("report.status", "must be one of ongoing, recovered; got %q", it.Status)
	}
	for i, p := range it.Prefectures {
		if !has(cat.Prefectures, p) {
			add(fmt.Sprintf("report.prefectures[%d]", i), "unknown prefecture %q (see GET /api/v1/intake/catalogue)", p)
		}
	}
	if it.EquipmentType != "" && !has(cat.EquipmentTypes, it.EquipmentType) {
		add("report.equipment_type", "must be one of %s; got %q", strings.Join(ids(cat.EquipmentTypes), ", "), it.EquipmentType)
	}
	for i, n := range it.UserNotices {
		if !has(cat.UserNotices, n) {
			add(fmt.Sprintf("report.user_notices[%d]", i), "must be one of %s; got %q", strings.Join(ids(cat.UserNotices), ", "), n)
		}
	}
	if it.ChiefEngineerLicence != "" && !has(cat.LicenceClasses, it.ChiefEngineerLicence) {
		add("report.chief_engineer_licence", "must be one of %s; got %q", strings.Join(ids(cat.LicenceClasses), ", "), it.ChiefEngineerLicence)
	}
	if p := it.Proportional; p != nil {
		a := cat.Archetype(p.Archetype)
		if a == nil {
			add("report.proportional.archetype", "unknown archetype %q", p.Archetype)
		} else {
			for id := range p.Aspects {
				if !slices.ContainsFunc(a.Aspects, func(x Aspect) bool { return x.ID == id }) {
					add("report.proportional.aspects."+id, "not an aspect of archetype %s", a.ID)
				}
			}
		}
	}
	switch k {
	case KindQuick:
		if c.Kind == caseformat.KindInformation {
			add("kind", "a quick report is of an accident or a near-miss")
		}
		if it.Status == "" && c.RecoveredAt == nil {
			add("report.status", "required in a quick report: ongoing or recovered")
		}
		if strings.TrimSpace(c.Summary) == "" {
			add("summary", "required: what happened, in a sentence or two")
		}
	case KindDetailed, KindAmendment:
		if c.Kind == caseformat.KindInformation {
			add("kind", "a detailed report is of an accident or a near-miss")
		}
		cat.checkDetailed(c, it, add)
	case KindQuarterlyDetailed:
		if c.Kind != caseformat.KindAccident {
			add("kind", "a quarterly report is of an accident")
		}
		if c.RecoveredAt == nil {
			add("recovered_at", "required in a quarterly report")
		}
		if c.Cause == nil || c.Cause.Class == "" {
			add("cause.class", "required in a quarterly report")
		}
		if strings.TrimSpace(c.Summary) == "" {
			add("summary", "required")
		}
	case KindInformation:
		if c.Kind != caseformat.KindInformation {
			add("kind", `voluntary information is of kind "information"`)
		}
	}
}

// checkDetailed asks for the 13 items of SPEC §2.1 and, where a
// proportional archetype is chosen, its thick aspects.
func (cat *Catalogue) checkDetailed(c caseformat.Case, it *Items, add func(string, string, ...any)) {
	need := func(path, v, what string) {
		if strings.TrimSpace(v) == "" {
			add(path, "required in a detailed report: %s", what)
		}
	}
	if c.Kind == caseformat.KindAccident && c.RecoveredAt == nil {
		add("recovered_at", "required in a detailed report of an accident: 復旧日時")
	}
	need("area", c.Area, "place or area (発生場所・地域)")
	need("summary", c.Summary, "overall summary (概要)")
	need("report.equipment_outline", it.EquipmentOutline, "outline of the equipment that caused it (原因設備の概要)")
	need("report.development", it.Development, "how it developed (発生状況)")
	need("report.recovery_actions", it.RecoveryActions, "handling and recovery actions (措置模様)")
	if c.Cause == nil || c.Cause.Class == "" {
		add("cause.class", "required in a detailed report: equipment, human or external")
	}
	if c.Cause == nil || strings.TrimSpace(c.Cause.Text) == "" {
		add("cause.text", "required in a detailed report: the cause (発生原因)")
	}
	if len(it.UserNotices) == 0 && strings.TrimSpace(it.UserHandling) == "" {
		add("report.user_notices", "required in a detailed report: how users were told and helped (利用者対応)")
	}
	need("report.facility_manager", it.FacilityManager, "name of the chief telecommunications-facility manager (電気通信設備統括管理者)")
	need("report.chief_engineer", it.ChiefEngineer, "name of the chief telecommunications engineer who confirmed the measures (電気通信主任技術者)")
	need("report.chief_engineer_licence", it.ChiefEngineerLicence, "licence class of the chief engineer")
	p := it.Proportional
	if p == nil || p.Archetype == "" {
		need("measures", c.Measures, "recurrence-prevention measures (再発防止策)")
		return
	}
	if a := cat.Archetype(p.Archetype); a != nil {
		for _, as := range a.Aspects {
			if as.Thick() && strings.TrimSpace(p.Aspects[as.ID]) == "" {
				add("report.proportional.aspects."+as.ID, "required (濃, in depth) for archetype %s: %s", a.ID, as.EN)
			}
		}
	}
}

// complete fills v1's text fields from the items where the sender left them
// empty, so that every reader of v1 (search, similarity, the annual report)
// finds the report's text, and moves the personal data out of the case.
func (cat *Catalogue) complete(c *caseformat.Case, it *Items) {
	if it == nil {
		return
	}
	cat.fillArea(c, it)
	if c.Detail == "" {
		var parts []string
		for _, s := range []struct{ head, text string }{
			{"原因設備の概要", it.EquipmentOutline}, {"発生状況", it.Development}, {"措置模様", it.RecoveryActions},
			{"利用者対応", it.UserHandling}, {"関連する規格・社内規程", it.Standards}, {"関連する事故の傾向", it.RelatedTrend},
		} {
			if strings.TrimSpace(s.text) != "" {
				parts = append(parts, "【"+s.head+"】"+strings.TrimSpace(s.text))
			}
		}
		c.Detail = strings.Join(parts, "\n")
	}
	if c.Measures == "" && it.Proportional != nil {
		if a := cat.Archetype(it.Proportional.Archetype); a != nil {
			var parts []string
			for _, as := range a.Aspects {
				if t := strings.TrimSpace(it.Proportional.Aspects[as.ID]); t != "" {
					parts = append(parts, "【"+as.JA+"】"+t)
				}
			}
			c.Measures = strings.Join(parts, "\n")
		}
	}
	raw, _ := json.Marshal(it.withoutPersonal())
	if c.Extra == nil {
		c.Extra = caseformat.Extra{}
	}
	c.Extra["report"] = raw
}

// fillArea gives a case without an area the names of the prefectures its
// report picked: the pick list is the structured form of v1's free-text area.
func (cat *Catalogue) fillArea(c *caseformat.Case, it *Items) {
	if it == nil || c.Area != "" || len(it.Prefectures) == 0 {
		return
	}
	names := make([]string, 0, len(it.Prefectures))
	for _, p := range it.Prefectures {
		if i := slices.IndexFunc(cat.Prefectures, func(ch Choice) bool { return ch.ID == p }); i >= 0 {
			names = append(names, cat.Prefectures[i].JA)
		}
	}
	c.Area = strings.Join(names, "、")
}
