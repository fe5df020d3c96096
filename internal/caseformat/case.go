// Package caseformat is the kensho-case/v1 exchange format: its types, a
// decoder that validates a whole input and reports every problem with its
// JSON path, and an encoder whose output decodes back to the same case.
//
// Unknown fields are kept (in Extra at the level they appeared) and written
// back on export, so that a file passed through Kenshō loses nothing that a
// newer sender put in it.
package caseformat

import (
	"encoding/json"
	"time"
)

// Format is the value of the "format" field of a v1 file.
const Format = "kensho-case/v1"

// Kind is what a report is about.
type Kind string

// Kinds of case.
const (
	KindAccident    Kind = "accident"
	KindNearMiss    Kind = "near_miss"
	KindInformation Kind = "information"
)

// Kinds lists every kind, in documented order.
var Kinds = []Kind{KindAccident, KindNearMiss, KindInformation}

// Role is an operator's part in a case: wholesale accidents are reported by
// the provider and by each wholesale customer, all in one case.
type Role string

// Operator roles.
const (
	RoleReporter          Role = "reporter"
	RoleWholesaleProvider Role = "wholesale_provider"
	RoleWholesaleCustomer Role = "wholesale_customer"
)

// Roles lists every operator role.
var Roles = []Role{RoleReporter, RoleWholesaleProvider, RoleWholesaleCustomer}

// Service is the kind of telecom service an impact hit. The rule sets map
// services to their own legal categories.
type Service string

// Services.
const (
	ServiceVoiceEmergency Service = "voice_emergency"
	ServiceVoice          Service = "voice"
	ServiceFreeInternet   Service = "free_internet"
	ServiceInternetAccess Service = "internet_access"
	ServiceLPWA           Service = "lpwa"
	ServiceOther          Service = "other"
)

// Services lists every service.
var Services = []Service{ServiceVoiceEmergency, ServiceVoice, ServiceFreeInternet, ServiceInternetAccess, ServiceLPWA, ServiceOther}

// UserUnit is what an impact's user counts count.
type UserUnit string

// User units.
const (
	UnitPeople    UserUnit = "people"
	UnitLines     UserUnit = "lines"
	UnitContracts UserUnit = "contracts"
)

// UserUnits lists every user unit.
var UserUnits = []UserUnit{UnitPeople, UnitLines, UnitContracts}

// Critical facility types.
var CriticalFacilityTypes = []string{"submarine_cable", "satellite", "other"}

// Near-miss situations (SPEC §4).
var NearMissSituations = []string{"failover_failure", "capacity_exceeded", "wrong_config_or_software", "satellite", "other"}

// Near-miss enumerations.
var (
	CauseOrigins = []string{"internal", "attack", "legitimate_crowd"}
	TrafficKinds = []string{"voice", "data"}
)

// Cause classes and archetypes.
var (
	CauseClasses    = []string{"equipment", "human", "external"}
	CauseArchetypes = []string{"software_bug", "hardware_failure", "config_error", "procedure_error", "capacity", "natural_disaster", "cyber_attack", "other_operator", "power", "unknown"}
)

// Extra holds the fields of an object that v1 does not define, as their
// compacted JSON text, so they survive import and export unchanged.
type Extra map[string]json.RawMessage

// File is a kensho-case/v1 file: several cases.
type File struct {
	Cases []Case
	// Raw holds each case exactly as it appeared in the input, compacted; it
	// is what the operator submitted and is kept immutable.
	Raw []json.RawMessage
}

// Case is one accident, near-miss or information report.
type Case struct {
	Ref              string
	Kind             Kind
	Operators        []Operator
	OccurredAt       time.Time
	RecoveredAt      *time.Time
	Area             string
	Impacts          []Impact
	CriticalFacility *CriticalFacility
	NearMiss         *NearMiss
	Cause            *Cause
	Summary          string
	Detail           string
	Measures         string
	Extra            Extra
}

// Operator is one organisation taking part in a case.
type Operator struct {
	Name  string
	Role  Role
	Extra Extra
}

// Impact is the effect of the accident on one service.
type Impact struct {
	Service                Service
	MonthlyActiveUsers     *int64
	MediatesCommunications *bool
	Degradation            bool
	PeakUsers              *int64
	UserUnit               UserUnit
	StoppedCapacityGbps    *float64
	TotalSubscribers       *int64
	Description            string
	Timeline               []Period
	Extra                  Extra
}

// Period is a stretch of time during which Users users were affected; Users
// is nil when they could not be counted.
type Period struct {
	From  time.Time
	To    time.Time
	Users *int64
	Extra Extra
}

// CriticalFacility describes an outage of a critical facility (重要電気通信設備).
type CriticalFacility struct {
	Type                  string
	AllTrafficDownMinutes float64
	Extra                 Extra
}

// NearMiss holds the facts the near-miss rules (SPEC §4) judge. A nil
// pointer means the fact was not reported.
type NearMiss struct {
	Situation            string
	NoticedPromptly      *bool
	SwitchedPromptly     *bool
	CauseOrigin          string
	Traffic              string
	CauseRemovedPromptly *bool
	PriorityCallsFailed  *bool
	AttackBlocked        *bool
	LegitTrafficDegraded *bool
	BestEffort           *bool
	RolledBackPromptly   *bool
	Extra                Extra
}

// Fact returns the value of a near-miss fact by its v1 field name: a bool or
// a string, and whether it was reported at all.
func (n *NearMiss) Fact(name string) (any, bool) {
	if n == nil {
		return nil, false
	}
	str := func(s string) (any, bool) { return s, s != "" }
	b := func(p *bool) (any, bool) {
		if p == nil {
			return nil, false
		}
		return *p, true
	}
	switch name {
	case "situation":
		return str(n.Situation)
	case "cause_origin":
		return str(n.CauseOrigin)
	case "traffic":
		return str(n.Traffic)
	case "noticed_promptly":
		return b(n.NoticedPromptly)
	case "switched_promptly":
		return b(n.SwitchedPromptly)
	case "cause_removed_promptly":
		return b(n.CauseRemovedPromptly)
	case "priority_calls_failed":
		return b(n.PriorityCallsFailed)
	case "attack_blocked":
		return b(n.AttackBlocked)
	case "legit_traffic_degraded":
		return b(n.LegitTrafficDegraded)
	case "best_effort":
		return b(n.BestEffort)
	case "rolled_back_promptly":
		return b(n.RolledBackPromptly)
	}
	return nil, false
}

// NearMissFacts names the facts NearMiss.Fact knows, for validating rule data.
var NearMissFacts = map[string]string{
	"situation": "string", "cause_origin": "string", "traffic": "string",
	"noticed_promptly": "bool", "switched_promptly": "bool", "cause_removed_promptly": "bool",
	"priority_calls_failed": "bool", "attack_blocked": "bool", "legit_traffic_degraded": "bool",
	"best_effort": "bool", "rolled_back_promptly": "bool",
}

// Cause is the operator's account of the cause.
type Cause struct {
	Class     string
	Archetype string
	Text      string
	Extra     Extra
}
