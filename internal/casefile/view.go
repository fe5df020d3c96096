// Package casefile shows a case to a caller: the one function that turns a
// stored case into the caller's view (View), lists and searches filtered in
// SQL by the same policy, and the secretariat's confidentiality decisions —
// sharing with designated organisations, publishing, approving anonymised
// near-miss summaries. Every path out of here goes through package access.
package casefile

import (
	"strings"
	"time"

	"kensho/internal/access"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
)

// Label marks a section with its tier and TLP 2.0 label.
type Label struct {
	Tier access.Tier `json:"tier"`
	TLP  string      `json:"tlp"`
}

func label(t access.Tier) Label { return Label{Tier: t, TLP: t.TLP()} }

// View is a case as one caller may see it. A section the caller may not
// see is nil: absent from JSON and from pages, not blanked.
type View struct {
	ID   int64           `json:"id"`
	Kind caseformat.Kind `json:"kind"`
	// Overview: who, when, where, what (public once published, else restricted).
	Overview *Overview `json:"overview,omitempty"`
	// Anonymised: the approved public summary of a near-miss.
	Anonymised *AnonymisedSection `json:"anonymised,omitempty"`
	// Restricted: cause, detail, timeline, measures in full.
	Restricted *RestrictedSection `json:"restricted,omitempty"`
	// Own: the reporting organisation's own material.
	Own *OwnSection `json:"own,omitempty"`
	// Committee: deliberations, shares, drafts.
	Committee *CommitteeSection `json:"committee,omitempty"`
	// MergedInto is the case this one was linked into (one wholesale
	// accident); its reports are there now.
	MergedInto int64 `json:"merged_into,omitempty"`
	// Actions the caller may take on this case.
	Actions []access.Action `json:"actions"`
}

// Tiers are the tiers of the sections present in v.
func (v *View) Tiers() []access.Tier {
	var out []access.Tier
	if v.Overview != nil {
		out = append(out, v.Overview.Tier)
	}
	if v.Anonymised != nil {
		out = append(out, access.Anonymised)
	}
	if v.Restricted != nil {
		out = append(out, v.Restricted.Tier)
	}
	if v.Own != nil {
		out = append(out, v.Own.Tier)
	}
	if v.Committee != nil {
		out = append(out, access.Committee)
	}
	return out
}

// Empty reports whether the caller may see nothing of the case.
func (v *View) Empty() bool { return len(v.Tiers()) == 0 }

// Can reports whether the view allows action a.
func (v *View) Can(a access.Action) bool {
	for _, x := range v.Actions {
		if x == a {
			return true
		}
	}
	return false
}

// Overview is the part that becomes public when a serious accident is
// published.
type Overview struct {
	Label
	Ref             string     `json:"ref"`
	Operators       []string   `json:"operators"`
	OccurredAt      time.Time  `json:"occurred_at"`
	RecoveredAt     *time.Time `json:"recovered_at,omitempty"`
	FiscalYear      int        `json:"fiscal_year"`
	Area            string     `json:"area,omitempty"`
	Services        []string   `json:"services"`
	PeakUsers       *int64     `json:"peak_users,omitempty"`
	DurationMinutes *float64   `json:"duration_minutes,omitempty"`
	Summary         string     `json:"summary"`
	CauseClass      string     `json:"cause_class,omitempty"`
	MeasuresOutline string     `json:"measures_outline,omitempty"`
	PublishedAt     *time.Time `json:"published_at,omitempty"`
}

// AnonymisedSection is a near-miss's approved public summary.
type AnonymisedSection struct {
	Label
	Text           string    `json:"text"`
	FiscalYear     int       `json:"fiscal_year"`
	Situation      string    `json:"situation,omitempty"`
	CauseClass     string    `json:"cause_class,omitempty"`
	CauseArchetype string    `json:"cause_archetype,omitempty"`
	ApprovedAt     time.Time `json:"approved_at"`
}

// RestrictedSection is what designated organisations get when the case is
// shared with them.
type RestrictedSection struct {
	Label
	CauseArchetype   string                       `json:"cause_archetype,omitempty"`
	CauseText        string                       `json:"cause_text,omitempty"`
	Detail           string                       `json:"detail,omitempty"`
	Measures         string                       `json:"measures,omitempty"`
	Impacts          []Impact                     `json:"impacts"`
	CriticalFacility *caseformat.CriticalFacility `json:"critical_facility,omitempty"`
	NearMiss         map[string]any               `json:"near_miss_facts,omitempty"`
}

// Impact is one affected service with its timeline.
type Impact struct {
	Service     string   `json:"service"`
	PeakUsers   *int64   `json:"peak_users,omitempty"`
	UserUnit    string   `json:"user_unit"`
	Degradation bool     `json:"degradation,omitempty"`
	Description string   `json:"description,omitempty"`
	Periods     []Period `json:"periods"`
}

// Period is a stretch of time with the users affected.
type Period struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Users *int64    `json:"users,omitempty"`
}

// OwnSection is the reporting organisation's own material: personal data
// and the original submissions.
type OwnSection struct {
	Label
	Contacts string                 `json:"contacts,omitempty"`
	Reports  []casestore.ReportMeta `json:"reports"`
}

// CommitteeSection is the committee's working material.
type CommitteeSection struct {
	Label
	Notes       string            `json:"notes,omitempty"`
	Shares      []Share           `json:"shares"`
	Raises      []Raise           `json:"raised_tiers,omitempty"`
	Anonymising *AnonymisingDraft `json:"anonymising,omitempty"`
	PublishedBy string            `json:"published_by,omitempty"`
	// Version is the working copy's version (optimistic locking); the
	// secretariat validated it at ValidatedAt.
	Version     int        `json:"version"`
	ValidatedBy string     `json:"validated_by,omitempty"`
	ValidatedAt *time.Time `json:"validated_at,omitempty"`
}

// AnonymisingDraft is the state of a near-miss's public summary.
type AnonymisingDraft struct {
	Proposed string `json:"proposed"`
	Text     string `json:"text"`
	Status   string `json:"status"`
	Version  int    `json:"version"`
}

// Share is one grant of the restricted part to an organisation.
type Share struct {
	OrgID  int64     `json:"organisation_id"`
	Org    string    `json:"organisation"`
	By     string    `json:"shared_by"`
	At     time.Time `json:"shared_at"`
	Reason string    `json:"reason"`
}

// Raise is a section of one case raised above its default tier.
type Raise struct {
	Section string      `json:"section"`
	Tier    access.Tier `json:"tier"`
	By      string      `json:"raised_by"`
	At      time.Time   `json:"raised_at"`
	Reason  string      `json:"reason"`
}

// facts is what View needs besides the stored record.
type facts struct {
	summary *summaryRow
	shares  []Share
	raises  []Raise
}

// raisedTo is the tier section is raised to, or def.
func (f facts) raisedTo(section string, def access.Tier) access.Tier {
	for _, r := range f.raises {
		if r.Section == section {
			return r.Tier
		}
	}
	return def
}

// tierOf is SectionTier for a loaded case.
func (f facts) tierOf(section string, rec *casestore.Record) access.Tier {
	return SectionTier(section, rec.Case.Kind, rec.PublishedAt != nil, f.raisedTo(section, ""))
}

// The sections whose tier the secretariat can raise for one case.
const (
	SectionOverview   = "overview"
	SectionRestricted = "restricted"
	SectionOwn        = "own"
)

// overviewTier is the tier of the overview: public once a serious accident
// is published, restricted before (a near-miss's overview names the
// operator, so it is never public). Restricted, not committee: when the
// secretariat shares a case's restricted part, the recipients must know
// which accident it is.
func overviewTier(kind caseformat.Kind, published bool) access.Tier {
	if kind == caseformat.KindAccident && published {
		return access.Public
	}
	return access.Restricted
}

// SectionTier is the tier of one section (SectionOverview,
// SectionRestricted or SectionOwn) of a case of kind, published or not:
// raised when the secretariat raised it for this case (raised is that
// tier, "" if none), else the section's default. Everything that decides
// on a section without building a View — lists, the similarity index, LLM
// egress — asks this, so that the tiers are decided in one place.
func SectionTier(section string, kind caseformat.Kind, published bool, raised access.Tier) access.Tier {
	if raised != "" {
		return raised
	}
	switch section {
	case SectionOverview:
		return overviewTier(kind, published)
	case SectionRestricted:
		return access.Restricted
	default:
		return access.Own
	}
}

// build is the one function that turns a case into the caller's view.
func build(ac *access.Control, sub access.Subject, rec *casestore.Record, f facts) *View {
	ref := access.NewCaseRef(rec.ID, rec.OrgIDs)
	can := func(t access.Tier) bool { return ac.Can(sub, ref, t, access.Read) }
	c := &rec.Case
	v := &View{ID: rec.ID, Kind: c.Kind, Actions: []access.Action{}}

	if t := f.tierOf(SectionOverview, rec); can(t) {
		v.Overview = overview(rec, t)
	}
	if f.summary != nil && f.summary.Status == "approved" && can(access.Anonymised) {
		v.Anonymised = anonymised(rec, f.summary)
	}
	if t := f.tierOf(SectionRestricted, rec); can(t) {
		v.Restricted = restricted(c, t)
	}
	if t := f.tierOf(SectionOwn, rec); can(t) {
		v.Own = &OwnSection{Label: label(t), Contacts: rec.Contacts, Reports: ownReports(rec, sub, can(access.Committee))}
	}
	if can(access.Committee) {
		cs := &CommitteeSection{Label: label(access.Committee), Notes: rec.CommitteeNotes, Shares: f.shares, Raises: f.raises, PublishedBy: rec.PublishedBy,
			Version: rec.Version, ValidatedBy: rec.ValidatedBy, ValidatedAt: rec.ValidatedAt}
		if cs.Shares == nil {
			cs.Shares = []Share{}
		}
		if f.summary != nil {
			cs.Anonymising = &AnonymisingDraft{Proposed: f.summary.Proposed, Text: f.summary.Text, Status: f.summary.Status, Version: f.summary.Version}
		}
		v.Committee = cs
	}
	if v.Empty() {
		return v
	}
	v.MergedInto = rec.MergedInto
	for _, a := range []struct {
		act  access.Action
		tier access.Tier
		ok   bool
	}{
		{access.Write, access.Committee, true},
		{access.Share, access.Restricted, true},
		{access.Approve, access.Anonymised, c.Kind == caseformat.KindNearMiss},
		{access.Publish, access.Public, c.Kind == caseformat.KindAccident},
	} {
		if a.ok && ac.Can(sub, ref, a.tier, a.act) {
			v.Actions = append(v.Actions, a.act)
		}
	}
	return v
}

// ownReports are the reports of the case the caller may download: all of
// them for the committee; otherwise those its organisation filed (in a
// linked wholesale case each reporter sees only its own) and the files the
// secretariat imported for the case's operators together.
func ownReports(rec *casestore.Record, sub access.Subject, committee bool) []casestore.ReportMeta {
	if committee {
		return rec.Reports
	}
	out := []casestore.ReportMeta{}
	for _, r := range rec.Reports {
		if (r.OrganisationID != 0 && r.OrganisationID == sub.OrgID()) || r.OrganisationID == 0 {
			out = append(out, r)
		}
	}
	return out
}

func overview(rec *casestore.Record, t access.Tier) *Overview {
	c := &rec.Case
	o := &Overview{Label: label(t), Ref: c.Ref, OccurredAt: c.OccurredAt, RecoveredAt: c.RecoveredAt, FiscalYear: rec.FiscalYear,
		Area: c.Area, Summary: c.Summary, PublishedAt: rec.PublishedAt, Services: []string{}}
	for i, op := range c.Operators {
		name := op.Name
		if i < len(rec.OrgIDs) && rec.OrgNames[rec.OrgIDs[i]] != "" {
			name = rec.OrgNames[rec.OrgIDs[i]]
		}
		o.Operators = append(o.Operators, name)
	}
	for _, im := range c.Impacts {
		if !contains(o.Services, string(im.Service)) {
			o.Services = append(o.Services, string(im.Service))
		}
		if im.PeakUsers != nil && (o.PeakUsers == nil || *im.PeakUsers > *o.PeakUsers) {
			n := *im.PeakUsers
			o.PeakUsers = &n
		}
	}
	if c.RecoveredAt != nil {
		m := c.RecoveredAt.Sub(c.OccurredAt).Minutes()
		o.DurationMinutes = &m
	}
	if c.Cause != nil {
		o.CauseClass = c.Cause.Class
	}
	o.MeasuresOutline = outline(c.Measures)
	return o
}

// outline is the first sentence of the measures: the public outline; the
// full text is restricted.
func outline(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "。"); i >= 0 {
		return s[:i+len("。")]
	}
	if i := strings.IndexAny(s, "\n"); i >= 0 {
		return s[:i]
	}
	return s
}

func anonymised(rec *casestore.Record, s *summaryRow) *AnonymisedSection {
	a := &AnonymisedSection{Label: label(access.Anonymised), Text: s.Text, FiscalYear: rec.FiscalYear}
	if s.ApprovedAt != nil {
		a.ApprovedAt = *s.ApprovedAt
	}
	if rec.Case.NearMiss != nil {
		a.Situation = rec.Case.NearMiss.Situation
	}
	if rec.Case.Cause != nil {
		a.CauseClass, a.CauseArchetype = rec.Case.Cause.Class, rec.Case.Cause.Archetype
	}
	return a
}

func restricted(c *caseformat.Case, t access.Tier) *RestrictedSection {
	r := &RestrictedSection{Label: label(t), Detail: c.Detail, Measures: c.Measures,
		CriticalFacility: c.CriticalFacility, Impacts: []Impact{}}
	if c.Cause != nil {
		r.CauseArchetype, r.CauseText = c.Cause.Archetype, c.Cause.Text
	}
	for _, im := range c.Impacts {
		x := Impact{Service: string(im.Service), PeakUsers: im.PeakUsers, UserUnit: string(im.UserUnit),
			Degradation: im.Degradation, Description: im.Description, Periods: []Period{}}
		for _, p := range im.Timeline {
			x.Periods = append(x.Periods, Period{Start: p.From, End: p.To, Users: p.Users})
		}
		r.Impacts = append(r.Impacts, x)
	}
	if nm := c.NearMiss; nm != nil {
		r.NearMiss = map[string]any{}
		for name := range caseformat.NearMissFacts {
			if v, ok := nm.Fact(name); ok {
				r.NearMiss[name] = v
			}
		}
	}
	return r
}

func contains(s []string, x string) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}
