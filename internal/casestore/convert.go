package casestore

import (
	"fmt"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
)

// toRow turns a case into its working-copy rows. orgIDs gives the
// organisation of each operator, in order.
func toRow(c caseformat.Case, identity string, orgIDs []int64) caseRow {
	r := caseRow{
		IdentityKey: identity,
		Ref:         c.Ref,
		Kind:        string(c.Kind),
		OccurredAt:  c.OccurredAt,
		RecoveredAt: c.RecoveredAt,
		FiscalYear:  jpdate.FiscalYear(c.OccurredAt),
		Area:        c.Area,
		Summary:     c.Summary,
		Detail:      c.Detail,
		Measures:    c.Measures,
		Extra:       extraJSON(c.Extra),
	}
	if cf := c.CriticalFacility; cf != nil {
		t, m := cf.Type, cf.AllTrafficDownMinutes
		r.CriticalFacilityType, r.CriticalFacilityMinutes, r.CriticalFacilityExtra = &t, &m, extraJSON(cf.Extra)
	}
	if c.NearMiss != nil {
		if b, err := caseformat.Marshal(c.NearMiss); err == nil {
			r.NearMiss = b
		}
	}
	for i, op := range c.Operators {
		r.Operators = append(r.Operators, operatorRow{Position: i, OrganisationID: orgIDs[i], ReportedName: op.Name,
			Role: string(op.Role), Extra: extraJSON(op.Extra)})
	}
	if ca := c.Cause; ca != nil {
		r.Cause = &causeRow{Class: nonEmpty(ca.Class), Archetype: nonEmpty(ca.Archetype), Text: ca.Text, Extra: extraJSON(ca.Extra)}
	}
	for i, im := range c.Impacts {
		ir := impactRow{
			Position: i, Service: string(im.Service), MonthlyActiveUsers: im.MonthlyActiveUsers,
			MediatesCommunications: im.MediatesCommunications, Degradation: im.Degradation, PeakUsers: im.PeakUsers,
			UserUnit: string(im.UserUnit), StoppedCapacityGbps: im.StoppedCapacityGbps, TotalSubscribers: im.TotalSubscribers,
			Description: im.Description, Extra: extraJSON(im.Extra),
		}
		for j, p := range im.Timeline {
			ir.Periods = append(ir.Periods, periodRow{Position: j, StartsAt: p.From, EndsAt: p.To, Users: p.Users, Extra: extraJSON(p.Extra)})
		}
		r.Impacts = append(r.Impacts, ir)
	}
	return r
}

// fromRow turns working-copy rows back into a case.
func fromRow(r *caseRow) (caseformat.Case, error) {
	c := caseformat.Case{
		Ref: r.Ref, Kind: caseformat.Kind(r.Kind), OccurredAt: r.OccurredAt.In(jpdate.JST), Area: r.Area,
		Summary: r.Summary, Detail: r.Detail, Measures: r.Measures,
	}
	if r.RecoveredAt != nil {
		t := r.RecoveredAt.In(jpdate.JST)
		c.RecoveredAt = &t
	}
	var err error
	if c.Extra, err = parseExtra(r.Extra); err != nil {
		return c, fmt.Errorf("case %d: %w", r.ID, err)
	}
	if r.CriticalFacilityType != nil {
		cf := &caseformat.CriticalFacility{Type: *r.CriticalFacilityType}
		if r.CriticalFacilityMinutes != nil {
			cf.AllTrafficDownMinutes = *r.CriticalFacilityMinutes
		}
		if cf.Extra, err = parseExtra(r.CriticalFacilityExtra); err != nil {
			return c, fmt.Errorf("case %d: %w", r.ID, err)
		}
		c.CriticalFacility = cf
	}
	if len(r.NearMiss) > 0 {
		if c.NearMiss, err = caseformat.DecodeNearMiss(r.NearMiss); err != nil {
			return c, fmt.Errorf("case %d: stored near_miss: %w", r.ID, err)
		}
	}
	for _, o := range r.Operators {
		op := caseformat.Operator{Name: o.ReportedName, Role: caseformat.Role(o.Role)}
		if op.Extra, err = parseExtra(o.Extra); err != nil {
			return c, fmt.Errorf("case %d: %w", r.ID, err)
		}
		c.Operators = append(c.Operators, op)
	}
	if ca := r.Cause; ca != nil {
		cause := &caseformat.Cause{Class: deref(ca.Class), Archetype: deref(ca.Archetype), Text: ca.Text}
		if cause.Extra, err = parseExtra(ca.Extra); err != nil {
			return c, fmt.Errorf("case %d: %w", r.ID, err)
		}
		c.Cause = cause
	}
	for _, ir := range r.Impacts {
		im := caseformat.Impact{
			Service: caseformat.Service(ir.Service), MonthlyActiveUsers: ir.MonthlyActiveUsers,
			MediatesCommunications: ir.MediatesCommunications, Degradation: ir.Degradation, PeakUsers: ir.PeakUsers,
			UserUnit: caseformat.UserUnit(ir.UserUnit), StoppedCapacityGbps: ir.StoppedCapacityGbps,
			TotalSubscribers: ir.TotalSubscribers, Description: ir.Description,
		}
		if im.Extra, err = parseExtra(ir.Extra); err != nil {
			return c, fmt.Errorf("case %d: %w", r.ID, err)
		}
		for _, p := range ir.Periods {
			per := caseformat.Period{From: p.StartsAt.In(jpdate.JST), To: p.EndsAt.In(jpdate.JST), Users: p.Users}
			if per.Extra, err = parseExtra(p.Extra); err != nil {
				return c, fmt.Errorf("case %d: %w", r.ID, err)
			}
			im.Timeline = append(im.Timeline, per)
		}
		c.Impacts = append(c.Impacts, im)
	}
	return c, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
