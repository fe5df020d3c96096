// Package access is the single place where Kenshō decides who may do what.
//
// Decisions are Casbin's: one enforcer, built once from policies/model.conf
// and the casbin_rule table, answers "may this subject act on this part
// (tier) of this case?". The same policy lines are turned into SQL by
// Filter, so that lists and searches only ever read what the caller may
// see. Nothing here knows about HTTP or pages.
package access

import (
	"slices"
	"strconv"
	"strings"
)

// Tier is a part of a case by confidentiality (SPEC §6), or a system object
// such as the audit trail.
type Tier string

// The tiers of case information.
const (
	Public     Tier = "public"
	Anonymised Tier = "anonymised"
	Restricted Tier = "restricted"
	Committee  Tier = "committee"
	Own        Tier = "own"
)

// System objects that are not parts of a case.
const (
	AuditTrail Tier = "audit"
	Users      Tier = "users"
	// Quarterly is the quarterly reports (四半期報告) of an organisation:
	// committee + own tier, decided against a CaseRef naming that
	// organisation (see quarterly.Ref).
	Quarterly Tier = "quarterly"
)

// System objects of the deadlines (package deadline): the queue of reports
// due and overdue, and the reminders' notifications.
const (
	Deadlines     Tier = "deadlines"
	Notifications Tier = "notifications"
)

// CaseTiers are the tiers a case's sections carry, from the most open.
var CaseTiers = []Tier{Public, Anonymised, Restricted, Own, Committee}

// Valid reports whether t is a known tier or system object.
func (t Tier) Valid() bool {
	if t == Deadlines || t == Notifications || t == Lessons || t == AnnualReport || t == WhatIf || t == Surveys {
		return true
	}
	return slices.Contains(CaseTiers, t) || t == AuditTrail || t == Users || t == Quarterly
}

// TLP is the Traffic Light Protocol 2.0 label shown on a section of this tier.
func (t Tier) TLP() string {
	switch t {
	case Public, Anonymised:
		return "TLP:CLEAR"
	case Restricted:
		return "TLP:AMBER"
	default:
		return "TLP:RED"
	}
}

// Action is what a subject wants to do.
type Action string

// The actions of the policy.
const (
	Read    Action = "read"
	Write   Action = "write"
	Share   Action = "share"
	Approve Action = "approve"
	Publish Action = "publish"
	Manage  Action = "manage"
	// Receive is an LLM provider receiving text of a tier.
	Receive Action = "receive"
	// Submit is filing a report for an organisation (tier own).
	Submit Action = "submit"
	// Validate is editing and confirming the secretariat's working copy.
	Validate Action = "validate"
	// Link is linking and splitting the reports of one accident.
	Link Action = "link"
	// Consult is asking the configured LLM for a second opinion on a case
	// (committee tier: the opinion is the committee's material).
	Consult Action = "consult"
)

// Subject is who asks: a user ("user:7") and the organisation it belongs to
// ("org:3", empty for ministry staff), or an LLM provider ("llm:name").
// The zero Subject is an anonymous caller.
type Subject struct {
	Key string
	Org string
}

// Anonymous is a caller without credentials.
var Anonymous = Subject{Key: "anonymous"}

// UserSubject is the subject of user id, member of organisation org (0: none).
func UserSubject(id, org int64) Subject {
	s := Subject{Key: UserKey(id)}
	if org != 0 {
		s.Org = OrgKey(org)
	}
	return s
}

// IsAnonymous reports whether s carries no identity.
func (s Subject) IsAnonymous() bool { return s.Key == "" || s.Key == Anonymous.Key }

// OrgID is the subject's organisation id, 0 if none.
func (s Subject) OrgID() int64 { return idOf(s.Org, "org:") }

// UserID is the subject's user id, 0 if it is not a user.
func (s Subject) UserID() int64 { return idOf(s.Key, "user:") }

// CaseRef is a case as the policy sees it: its key and the organisations
// that are operators in it (owners: a wholesale provider and its customers
// all own a joint case).
type CaseRef struct {
	ID     int64
	Key    string
	Orgs   []string
	Owners []string
}

// System is the object of decisions that concern no case.
var System = CaseRef{Key: "system"}

// NewCaseRef describes case id with its operators' organisation ids.
func NewCaseRef(id int64, orgs []int64) CaseRef {
	c := CaseRef{ID: id, Key: CaseKey(id)}
	for _, o := range orgs {
		c.Orgs = append(c.Orgs, OrgKey(o))
		c.Owners = append(c.Owners, "owner:"+OrgKey(o))
	}
	return c
}

// UserKey, OrgKey, CaseKey, RoleKey and ShareKey spell the names used in
// casbin_rule.
func UserKey(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// OrgKey is the policy name of organisation id.
func OrgKey(id int64) string { return "org:" + strconv.FormatInt(id, 10) }

// CaseKey is the policy name of case id.
func CaseKey(id int64) string { return "case:" + strconv.FormatInt(id, 10) }

// RoleKey is the policy name of role r.
func RoleKey(r Role) string { return "role:" + string(r) }

// ShareKey is the g2 target naming a share with organisation id.
func ShareKey(org int64) string { return "share:" + OrgKey(org) }

// OwnerKey is the p.case value matching cases in which organisation id is an
// operator (used by declared conflicts).
func OwnerKey(org int64) string { return "owner:" + OrgKey(org) }

func idOf(key, prefix string) int64 {
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// Role is a user's role.
type Role string

// The roles of SPEC §1. Designated-partner rights are not a user role: they
// follow the organisation (org:N → role:designated).
const (
	Reporter    Role = "reporter"
	Secretariat Role = "secretariat"
	Expert      Role = "expert"
	Editor      Role = "editor"
	Auditor     Role = "auditor"
	Admin       Role = "admin"
	Designated  Role = "designated"
)

// UserRoles are the roles a user can be given.
var UserRoles = []Role{Reporter, Secretariat, Expert, Editor, Auditor, Admin}

// ParseRole checks a role name given by a person.
func ParseRole(s string) (Role, bool) {
	r := Role(strings.TrimSpace(strings.ToLower(s)))
	return r, slices.Contains(UserRoles, r)
}
