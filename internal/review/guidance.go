package review

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/casestore"
)

// The follow-up statuses of administrative guidance.
const (
	FollowUpPending  = "pending"
	FollowUpReported = "reported"
	FollowUpClosed   = "closed"
)

// FollowUpStatuses are the follow-up statuses, in order.
var FollowUpStatuses = []string{FollowUpPending, FollowUpReported, FollowUpClosed}

// GuidanceInput records or edits administrative guidance (行政指導).
type GuidanceInput struct {
	// Version is the version loaded (editing only).
	Version int `json:"version"`
	// Organisation is the operator the guidance is issued to (a registered
	// name or alias); empty: the case's operator when it has one.
	Organisation string `json:"organisation"`
	IssuedOn     string `json:"issued_on"`
	// Reference is the document's number, e.g. 総基安第123号.
	Reference string `json:"reference"`
	Measures  string `json:"measures"`
	// Follow-up: when the operator is to report, how it stands
	// (pending, reported, closed) and what was found.
	FollowUpDue    string `json:"follow_up_due"`
	FollowUpStatus string `json:"follow_up_status"`
	FollowUpText   string `json:"follow_up_text"`
}

// FollowUp is how administrative guidance is followed up (committee tier).
type FollowUp struct {
	casefile.Label
	DueOn    string `json:"due_on,omitempty"`
	Status   string `json:"status"`
	Text     string `json:"text"`
	DaysLeft *int   `json:"days_left,omitempty"`
	Overdue  bool   `json:"overdue"`
}

// Guidance is a record of administrative guidance. Published, its record
// is public (tier public); the follow-up stays committee tier and is
// absent for those who may not read it.
type Guidance struct {
	casefile.Label
	ID             int64      `json:"id"`
	CaseID         int64      `json:"case_id,omitempty"`
	Ref            string     `json:"ref"`
	OrganisationID int64      `json:"organisation_id"`
	Organisation   string     `json:"organisation"`
	IssuedOn       string     `json:"issued_on"`
	Reference      string     `json:"reference,omitempty"`
	Measures       string     `json:"measures"`
	Published      bool       `json:"published"`
	PublishedAt    *time.Time `json:"published_at,omitempty"`
	FollowUp       *FollowUp  `json:"follow_up,omitempty"`
	// The record's history, committee tier.
	Version     int        `json:"version,omitempty"`
	PublishedBy string     `json:"published_by,omitempty"`
	CreatedBy   string     `json:"created_by,omitempty"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
	UpdatedBy   string     `json:"updated_by,omitempty"`
	UpdatedAt   *time.Time `json:"updated_at,omitempty"`
	// Duplicate: the same guidance was recorded already; nothing was added.
	Duplicate bool `json:"duplicate,omitempty"`
}

type guidanceRow struct {
	ID             int64
	CaseID         int64
	Ref            string
	CasePublished  bool
	OrganisationID int64
	Organisation   string
	IssuedOn       string
	Reference      string
	Measures       string
	FollowUpDue    *string
	FollowUpStatus string
	FollowUpText   string
	Version        int
	PublishedAt    *time.Time
	PublishedBy    string
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedBy      string
	UpdatedAt      time.Time
}

const guidanceSelect = `SELECT g.id, g.case_id, c.ref, c.kind = 'accident' AND c.published_at IS NOT NULL AS case_published,
	g.organisation_id, o.name AS organisation, g.issued_on::text AS issued_on, g.reference, g.measures, g.follow_up_due::text AS follow_up_due,
	g.follow_up_status, g.follow_up_text, g.version, g.published_at, g.published_by, g.created_by, g.created_at, g.updated_by, g.updated_at
	FROM guidance g JOIN cases c ON c.id = g.case_id JOIN organisations o ON o.id = g.organisation_id`

// content is what a version of the record holds.
func (r *guidanceRow) content() map[string]any {
	due := ""
	if r.FollowUpDue != nil {
		due = *r.FollowUpDue
	}
	return map[string]any{"organisation": r.Organisation, "issued_on": r.IssuedOn, "reference": r.Reference, "measures": r.Measures,
		"follow_up_due": due, "follow_up_status": r.FollowUpStatus, "follow_up_text": r.FollowUpText, "published": r.PublishedAt != nil}
}

// view is the record as a caller sees it: whole for the committee, the
// published record only for others.
func (s *Service) guidanceView(r *guidanceRow, committee bool) *Guidance {
	g := &Guidance{ID: r.ID, Ref: r.Ref, OrganisationID: r.OrganisationID, Organisation: r.Organisation, IssuedOn: r.IssuedOn,
		Reference: r.Reference, Measures: r.Measures, Published: r.PublishedAt != nil, PublishedAt: r.PublishedAt}
	g.Label = casefile.Label{Tier: access.Committee, TLP: access.Committee.TLP()}
	if g.Published {
		g.Label = casefile.Label{Tier: access.Public, TLP: access.Public.TLP()}
	}
	if committee || r.CasePublished {
		g.CaseID = r.CaseID
	}
	if !committee {
		return g
	}
	f := &FollowUp{Label: casefile.Label{Tier: access.Committee, TLP: access.Committee.TLP()}, Status: r.FollowUpStatus, Text: r.FollowUpText}
	if r.FollowUpDue != nil {
		f.DueOn = *r.FollowUpDue
		if r.FollowUpStatus == FollowUpPending {
			n := daysBetween(s.today(), f.DueOn)
			f.DaysLeft, f.Overdue = &n, n < 0
		}
	}
	g.FollowUp = f
	g.Version, g.PublishedBy, g.CreatedBy, g.UpdatedBy = r.Version, r.PublishedBy, r.CreatedBy, r.UpdatedBy
	ca, ua := r.CreatedAt, r.UpdatedAt
	g.CreatedAt, g.UpdatedAt = &ca, &ua
	return g
}

func guidanceByID(db *gorm.DB, id int64) (*guidanceRow, error) {
	var rows []guidanceRow
	if err := db.Raw(guidanceSelect+` WHERE g.id = ?`, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// guidanceRef is the case of a guidance record, as the policy sees it.
func guidanceRef(db *gorm.DB, r *guidanceRow) (access.CaseRef, error) {
	orgs, err := casestore.OperatorOrgs(db, []int64{r.CaseID})
	if err != nil {
		return access.CaseRef{}, err
	}
	return access.NewCaseRef(r.CaseID, orgs[r.CaseID]), nil
}

// GuidanceByID is guidance id as sub may see it: the whole record for the
// committee (audited), the published record for anyone who reads public
// material, ErrNotFound otherwise.
func (s *Service) GuidanceByID(ctx context.Context, sub access.Subject, id int64) (*Guidance, error) {
	db := s.DB.WithContext(ctx)
	r, err := guidanceByID(db, id)
	if err != nil {
		return nil, err
	}
	ref, err := guidanceRef(db, r)
	if err != nil {
		return nil, err
	}
	switch {
	case s.Access.Can(sub, ref, access.Committee, access.Read):
		return s.guidanceView(r, true), s.auditRead(ctx, sub, r.CaseID, "guidance")
	case r.PublishedAt != nil && s.Access.Can(sub, ref, access.Public, access.Read):
		return s.guidanceView(r, false), nil
	}
	return nil, ErrNotFound
}

// GuidanceQuery selects guidance records.
type GuidanceQuery struct {
	// CaseID keeps one case's.
	CaseID int64
	// PublishedOnly keeps the published ones.
	PublishedOnly bool
	// Limit bounds the list (default 50, at most 200).
	Limit int
}

// GuidanceList is the guidance sub may see, the latest issued first: the
// whole records of the cases whose committee part sub reads, the
// published records of the others (anyone who reads public material).
// Guidance is rare (seven in five years), so the list is not paged beyond
// its limit. Audited when committee material is shown.
func (s *Service) GuidanceList(ctx context.Context, sub access.Subject, q GuidanceQuery) ([]*Guidance, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	db := s.DB.WithContext(ctx)
	where, args := []string{"TRUE"}, []any{}
	if q.CaseID != 0 {
		where, args = append(where, "g.case_id = ?"), append(args, q.CaseID)
	}
	if q.PublishedOnly {
		where = append(where, "g.published_at IS NOT NULL")
	}
	var rows []guidanceRow
	if err := db.Raw(guidanceSelect+" WHERE "+strings.Join(where, " AND ")+" ORDER BY g.issued_on DESC, g.id DESC", args...).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.CaseID
	}
	orgs, err := casestore.OperatorOrgs(db, ids)
	if err != nil {
		return nil, err
	}
	out := []*Guidance{}
	var shown []int64
	for i := range rows {
		if len(out) == q.Limit {
			break
		}
		r := &rows[i]
		ref := access.NewCaseRef(r.CaseID, orgs[r.CaseID])
		switch {
		case !q.PublishedOnly && s.Access.Can(sub, ref, access.Committee, access.Read):
			out = append(out, s.guidanceView(r, true))
			shown = append(shown, r.ID)
		case r.PublishedAt != nil && s.Access.Can(sub, ref, access.Public, access.Read):
			out = append(out, s.guidanceView(r, false))
		}
	}
	if len(shown) > 0 {
		if err := audit.Record(ctx, s.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead, Object: "guidance/list",
			Detail: map[string]any{"tiers": []access.Tier{access.Committee}, "guidance": shown}}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkGuidance validates in for case rec; the organisation resolved.
func (s *Service) checkGuidance(db *gorm.DB, rec *casestore.Record, in *GuidanceInput) (*casestore.Organisation, error) {
	in.Organisation, in.Reference, in.Measures = strings.TrimSpace(in.Organisation), strings.TrimSpace(in.Reference), strings.TrimSpace(in.Measures)
	in.FollowUpStatus, in.FollowUpText = strings.TrimSpace(in.FollowUpStatus), strings.TrimSpace(in.FollowUpText)
	var org *casestore.Organisation
	switch {
	case in.Organisation == "" && len(rec.OrgIDs) == 1:
		org = &casestore.Organisation{ID: rec.OrgIDs[0], Name: rec.OrgNames[rec.OrgIDs[0]]}
	case in.Organisation == "":
		return nil, input("organisation", "organisation.required", "required: the case has several operators; name the one the guidance is issued to")
	default:
		o, err := casestore.FindOrganisation(db, in.Organisation)
		if errors.Is(err, casestore.ErrNoOrganisation) {
			return nil, input("organisation", "organisation.unknown", "%s", err.Error())
		}
		if err != nil {
			return nil, err
		}
		if !slices.Contains(rec.OrgIDs, o.ID) {
			return nil, input("organisation", "organisation.not_operator", "%s is not an operator of this case", o.Name)
		}
		org = o
	}
	if strings.TrimSpace(in.IssuedOn) == "" {
		return nil, input("issued_on", "issued_on.required", "required: the date the guidance was issued (YYYY-MM-DD)")
	}
	d, err := parseDate("issued_on", in.IssuedOn)
	if err != nil {
		return nil, err
	}
	if d > s.today() {
		return nil, input("issued_on", "date.future", "%s is after today: record guidance once it is issued", d)
	}
	in.IssuedOn = d
	if in.Measures == "" {
		return nil, input("measures", "measures.required", "required: the measures the guidance requires")
	}
	if err := tooLong("measures", in.Measures, maxText); err != nil {
		return nil, err
	}
	if err := tooLong("reference", in.Reference, 200); err != nil {
		return nil, err
	}
	if err := tooLong("follow_up_text", in.FollowUpText, maxText); err != nil {
		return nil, err
	}
	if in.FollowUpStatus == "" {
		in.FollowUpStatus = FollowUpPending
	}
	if !slices.Contains(FollowUpStatuses, in.FollowUpStatus) {
		return nil, input("follow_up_status", "follow_up.unknown", "%q: want pending, reported or closed", in.FollowUpStatus)
	}
	if strings.TrimSpace(in.FollowUpDue) != "" {
		due, err := parseDate("follow_up_due", in.FollowUpDue)
		if err != nil {
			return nil, err
		}
		if due < in.IssuedOn {
			return nil, input("follow_up_due", "follow_up.before_issue", "%s is before the guidance was issued (%s)", due, in.IssuedOn)
		}
		in.FollowUpDue = due
	} else {
		in.FollowUpDue = ""
	}
	return org, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateGuidance records administrative guidance issued on case id (the
// secretariat). The same guidance recorded again (organisation, date,
// measures) is a duplicate and adds nothing. Audited.
func (s *Service) CreateGuidance(ctx context.Context, sub access.Subject, id int64, in GuidanceInput) (*Guidance, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if !s.can(sub, c, access.Guide) {
		return nil, casefile.ErrForbidden
	}
	if err := notMerged(c); err != nil {
		return nil, err
	}
	db := s.DB.WithContext(ctx)
	org, err := s.checkGuidance(db, c.rec, &in)
	if err != nil {
		return nil, err
	}
	var gid int64
	dup := false
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, id); err != nil {
			return err
		}
		var have []int64
		if err := tx.Raw(`SELECT id FROM guidance WHERE case_id = ? AND organisation_id = ? AND issued_on = ?::date AND measures = ?`,
			id, org.ID, in.IssuedOn, in.Measures).Scan(&have).Error; err != nil {
			return err
		}
		if len(have) > 0 {
			gid, dup = have[0], true
			return nil
		}
		now := s.now()
		if err := tx.Raw(`INSERT INTO guidance (case_id, organisation_id, issued_on, reference, measures, follow_up_due, follow_up_status,
			follow_up_text, created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?::date, ?, ?, ?::date, ?, ?, ?, ?, ?, ?) RETURNING id`,
			id, org.ID, in.IssuedOn, in.Reference, in.Measures, nullable(in.FollowUpDue), in.FollowUpStatus, in.FollowUpText,
			actor(sub), now, actor(sub), now).Scan(&gid).Error; err != nil {
			return err
		}
		r, err := guidanceByID(tx, gid)
		if err != nil {
			return err
		}
		if err := saveRevision(tx, recordGuidance, gid, 1, r.content(), actor(sub)); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionGuidanceSave, Object: "guidance/" + itoa(gid),
			CaseID: id, Detail: map[string]any{"version": 1, "organisation": org.Name, "issued_on": in.IssuedOn, "measures": audit.Hidden(in.Measures)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	r, err := guidanceByID(db, gid)
	if err != nil {
		return nil, err
	}
	g := s.guidanceView(r, true)
	g.Duplicate = dup
	return g, nil
}

// guidanceForWrite loads guidance id for an action of sub on it: a record
// sub may not see is ErrNotFound, one it sees but may not change
// ErrForbidden.
func (s *Service) guidanceForWrite(ctx context.Context, sub access.Subject, id int64) (*guidanceRow, *theCase, error) {
	db := s.DB.WithContext(ctx)
	r, err := guidanceByID(db, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.open(ctx, sub, r.CaseID)
	if errors.Is(err, casefile.ErrNotFound) || (errors.Is(err, casefile.ErrForbidden) && r.PublishedAt == nil) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	if !s.can(sub, c, access.Guide) {
		return nil, nil, casefile.ErrForbidden
	}
	return r, c, nil
}

// UpdateGuidance edits guidance id from in.Version (a stale version is a
// ConflictError naming what changed). Published guidance keeps its
// record: only the follow-up changes. Audited.
func (s *Service) UpdateGuidance(ctx context.Context, sub access.Subject, id int64, in GuidanceInput) (*Guidance, error) {
	r, c, err := s.guidanceForWrite(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	db := s.DB.WithContext(ctx)
	org, err := s.checkGuidance(db, c.rec, &in)
	if err != nil {
		return nil, err
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, r.CaseID); err != nil {
			return err
		}
		cur, err := guidanceByID(tx, id)
		if err != nil {
			return err
		}
		next := *cur
		next.OrganisationID, next.Organisation, next.IssuedOn, next.Reference, next.Measures = org.ID, org.Name, in.IssuedOn, in.Reference, in.Measures
		next.FollowUpDue, next.FollowUpStatus, next.FollowUpText = nil, in.FollowUpStatus, in.FollowUpText
		if in.FollowUpDue != "" {
			next.FollowUpDue = &in.FollowUpDue
		}
		if sameMap(next.content(), cur.content()) {
			return nil
		}
		if in.Version != cur.Version {
			return conflict(tx, recordGuidance, id, in.Version, cur.Version, cur.content(), cur.UpdatedBy, cur.UpdatedAt)
		}
		if cur.PublishedAt != nil {
			for _, f := range []struct{ name, a, b string }{{"organisation", cur.Organisation, next.Organisation}, {"issued_on", cur.IssuedOn, next.IssuedOn},
				{"reference", cur.Reference, next.Reference}, {"measures", cur.Measures, next.Measures}} {
				if f.a != f.b {
					return input(f.name, "guidance.published", "published guidance is not rewritten: only its follow-up changes")
				}
			}
		}
		next.Version = cur.Version + 1
		if err := tx.Exec(`UPDATE guidance SET organisation_id = ?, issued_on = ?::date, reference = ?, measures = ?, follow_up_due = ?::date,
			follow_up_status = ?, follow_up_text = ?, version = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
			org.ID, in.IssuedOn, in.Reference, in.Measures, nullable(in.FollowUpDue), in.FollowUpStatus, in.FollowUpText, next.Version,
			actor(sub), s.now(), id).Error; err != nil {
			return err
		}
		if err := saveRevision(tx, recordGuidance, id, next.Version, next.content(), actor(sub)); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionGuidanceSave, Object: "guidance/" + itoa(id),
			CaseID: r.CaseID, Detail: map[string]any{"version": next.Version,
				"changes": audit.Diff(flat(cur.content()), flat(next.content()), func(f string) bool {
					return f == "follow_up_status" || f == "follow_up_due" || f == "issued_on" || f == "organisation"
				})}})
		return err
	})
	if err != nil {
		return nil, err
	}
	out, err := guidanceByID(db, id)
	if err != nil {
		return nil, err
	}
	return s.guidanceView(out, true), nil
}

// PublishGuidance publishes guidance id at version (the secretariat, who
// publishes): its record becomes public, its follow-up stays committee
// tier. Publishing again changes nothing. Audited.
func (s *Service) PublishGuidance(ctx context.Context, sub access.Subject, id int64, version int) (*Guidance, error) {
	r, c, err := s.guidanceForWrite(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if !s.Access.Can(sub, c.ref, access.Public, access.Publish) {
		return nil, casefile.ErrForbidden
	}
	db := s.DB.WithContext(ctx)
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, r.CaseID); err != nil {
			return err
		}
		cur, err := guidanceByID(tx, id)
		if err != nil {
			return err
		}
		if cur.PublishedAt != nil {
			return nil
		}
		if cur.Version != version {
			return conflict(tx, recordGuidance, id, version, cur.Version, cur.content(), cur.UpdatedBy, cur.UpdatedAt)
		}
		now := s.now()
		if err := tx.Exec(`UPDATE guidance SET published_at = ?, published_by = ?, version = version + 1, updated_by = ?, updated_at = ?
			WHERE id = ?`, now, actor(sub), actor(sub), now, id).Error; err != nil {
			return err
		}
		cur.PublishedAt = &now
		if err := saveRevision(tx, recordGuidance, id, cur.Version+1, cur.content(), actor(sub)); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionGuidancePublish, Object: "guidance/" + itoa(id),
			CaseID: r.CaseID, Detail: map[string]any{"version": cur.Version + 1, "organisation": cur.Organisation, "issued_on": cur.IssuedOn}})
		return err
	})
	if err != nil {
		return nil, err
	}
	out, err := guidanceByID(db, id)
	if err != nil {
		return nil, err
	}
	return s.guidanceView(out, true), nil
}
