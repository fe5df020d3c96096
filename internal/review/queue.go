package review

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/casestore"
)

// ExpertRef names an expert.
type ExpertRef struct {
	UserID int64    `json:"user_id"`
	Login  string   `json:"login"`
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
}

// QueueItem is one case an expert is assigned to.
type QueueItem struct {
	Case         CaseHeader `json:"case"`
	AssignmentID int64      `json:"assignment_id"`
	Depth        string     `json:"depth,omitempty"`
	Covers       []string   `json:"covers"`
	AssignedAt   time.Time  `json:"assigned_at"`
	DueOn        string     `json:"due_on"`
	DaysLeft     int        `json:"days_left"`
	Overdue      bool       `json:"overdue"`
	// Annotation is the expert's annotation: none, draft or submitted.
	Annotation          string     `json:"annotation"`
	AnnotationVersion   int        `json:"annotation_version,omitempty"`
	AnnotationUpdatedAt *time.Time `json:"annotation_updated_at,omitempty"`
	// Open: the assignment awaits the expert's annotation.
	Open          bool         `json:"open"`
	Panel         PanelSummary `json:"panel"`
	Comments      int          `json:"comments"`
	LastCommentAt *time.Time   `json:"last_comment_at,omitempty"`
}

// Queue is an expert's work: open assignments, the most urgent first, and
// with all the submitted and closed ones after them.
type Queue struct {
	Expert  ExpertRef   `json:"expert"`
	Items   []QueueItem `json:"items"`
	Open    int         `json:"open"`
	Overdue int         `json:"overdue"`
}

// Queue is the queue of expert userID: for that expert, or for those who
// assign (the secretariat). all adds the assignments no longer open.
// Cases the expert (or the caller) may not see — a conflict declared
// since — are left out.
func (s *Service) Queue(ctx context.Context, sub access.Subject, userID int64, all bool) (*Queue, error) {
	if sub.UserID() != userID && !s.Access.Can(sub, access.System, access.Committee, access.Assign) {
		if userID == 0 {
			return nil, casefile.ErrForbidden
		}
		return nil, ErrNotFound
	}
	db := s.DB.WithContext(ctx)
	var e []expert
	ex, err := experts(db)
	if err != nil {
		return nil, err
	}
	for _, x := range ex {
		if x.ID == userID {
			e = append(e, x)
		}
	}
	if len(e) == 0 {
		if sub.UserID() == userID {
			return nil, casefile.ErrForbidden // not an expert: no queue
		}
		return nil, ErrNotFound
	}
	q := &Queue{Expert: ExpertRef{UserID: e[0].ID, Login: e[0].Login, Name: e[0].name(), Fields: nonNil(e[0].Fields)}, Items: []QueueItem{}}
	where := "a.expert_id = ? AND a.removed_at IS NULL"
	if !all {
		where += " AND a.completed_at IS NULL"
	}
	var rows []assignmentRow
	if err := db.Raw(assignmentSelect+" WHERE "+where+" ORDER BY a.completed_at IS NOT NULL, a.due_on, a.id", userID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.CaseID
	}
	cases, err := casestore.Cases(db, ids)
	if err != nil {
		return nil, err
	}
	orgs, err := casestore.OperatorOrgs(db, ids)
	if err != nil {
		return nil, err
	}
	var meta []struct {
		ID          int64
		FiscalYear  int
		PublishedAt *time.Time
		MergedInto  *int64
		Comments    int
		LastComment *time.Time
		Updated     *time.Time
	}
	if len(ids) > 0 {
		if err := db.Raw(`SELECT c.id, c.fiscal_year, c.published_at, c.merged_into,
			(SELECT count(*) FROM review_comments m WHERE m.case_id = c.id) AS comments,
			(SELECT max(m.created_at) FROM review_comments m WHERE m.case_id = c.id) AS last_comment,
			(SELECT n.updated_at FROM annotations n WHERE n.case_id = c.id AND n.expert_id = ?) AS updated
			FROM cases c WHERE c.id IN ?`, userID, ids).Scan(&meta).Error; err != nil {
			return nil, err
		}
	}
	names, err := orgNamesOf(db, ids)
	if err != nil {
		return nil, err
	}
	decided, err := latestDecisions(db, ids)
	if err != nil {
		return nil, err
	}
	panels, err := panelSummaries(db, ids)
	if err != nil {
		return nil, err
	}
	esub := access.UserSubject(userID, 0)
	for _, r := range rows {
		c, ok := cases[r.CaseID]
		ref := access.NewCaseRef(r.CaseID, orgs[r.CaseID])
		if !ok || !s.Access.Can(sub, ref, access.Committee, access.Read) || !s.Access.Can(esub, ref, access.Committee, access.Read) {
			continue
		}
		rec := &casestore.Record{ID: r.CaseID, Case: c, OrgIDs: orgs[r.CaseID], OrgNames: names}
		it := QueueItem{AssignmentID: r.ID, Covers: nonNil(r.Covers), AssignedAt: r.AssignedAt, Panel: panels[r.CaseID]}
		for _, m := range meta {
			if m.ID == r.CaseID {
				rec.FiscalYear, rec.PublishedAt = m.FiscalYear, m.PublishedAt
				if m.MergedInto != nil {
					rec.MergedInto = *m.MergedInto
				}
				it.Comments, it.LastCommentAt, it.AnnotationUpdatedAt = m.Comments, m.LastComment, m.Updated
			}
		}
		m := s.member(r, nil)
		it.Case, it.DueOn, it.DaysLeft, it.Overdue = header(rec), m.DueOn, m.DaysLeft, m.Overdue
		it.Annotation, it.AnnotationVersion, it.Open = m.Annotation, m.AnnotationVersion, r.CompletedAt == nil
		if d := decided[r.CaseID]; d != nil {
			it.Depth = d.Depth
		}
		if it.Open {
			q.Open++
			if it.Overdue {
				q.Overdue++
			}
		}
		q.Items = append(q.Items, it)
	}
	return q, nil
}

// ExpertLoad is one committee member as the secretariat plans with them.
type ExpertLoad struct {
	ExpertRef
	Disabled bool `json:"disabled,omitempty"`
	// Conflicts are the organisations the expert declared a conflict with.
	Conflicts []string `json:"conflicts"`
	Open      int      `json:"open"`
	Overdue   int      `json:"overdue"`
}

// Experts lists the committee's members with their fields, declared
// conflicts and open load, for those who assign (the secretariat).
func (s *Service) Experts(ctx context.Context, sub access.Subject) ([]ExpertLoad, error) {
	if !s.Access.Can(sub, access.System, access.Committee, access.Assign) {
		return nil, casefile.ErrForbidden
	}
	db := s.DB.WithContext(ctx)
	all, err := experts(db)
	if err != nil {
		return nil, err
	}
	var conflicts []struct {
		V0   string
		Name string
	}
	if err := db.Raw(`SELECT r.v0, o.name FROM casbin_rule r JOIN organisations o ON 'owner:org:' || o.id = r.v1
		WHERE r.ptype = 'p' AND r.v4 = 'deny' AND r.v0 LIKE 'user:%' ORDER BY o.name`).Scan(&conflicts).Error; err != nil {
		return nil, err
	}
	var overdue []struct {
		ExpertID int64
		N        int
	}
	if err := db.Raw(`SELECT expert_id, count(*) AS n FROM review_assignments
		WHERE removed_at IS NULL AND completed_at IS NULL AND due_on < ?::date GROUP BY expert_id`, s.today()).Scan(&overdue).Error; err != nil {
		return nil, err
	}
	out := make([]ExpertLoad, 0, len(all))
	for _, e := range all {
		l := ExpertLoad{ExpertRef: ExpertRef{UserID: e.ID, Login: e.Login, Name: e.name(), Fields: nonNil(e.Fields)}, Disabled: e.Disabled,
			Conflicts: []string{}, Open: e.Load}
		for _, c := range conflicts {
			if c.V0 == access.UserKey(e.ID) {
				l.Conflicts = append(l.Conflicts, c.Name)
			}
		}
		for _, o := range overdue {
			if o.ExpertID == e.ID {
				l.Overdue = o.N
			}
		}
		out = append(out, l)
	}
	slices.SortStableFunc(out, func(a, b ExpertLoad) int { return cmp.Compare(strings.ToLower(a.Login), strings.ToLower(b.Login)) })
	return out, nil
}
