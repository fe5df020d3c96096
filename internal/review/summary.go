package review

import (
	"context"
	"time"

	"kensho/internal/access"
)

// CaseLesson is a lesson drawn from a case.
type CaseLesson struct {
	Lesson
	Recurring bool      `json:"recurring"`
	LinkSrc   string    `json:"link_source"`
	LinkedAt  time.Time `json:"linked_at"`
}

// CaseReview is where a case stands in the committee's review, for its
// case page: the decision in force, the panel, the verification's status,
// its lessons and the guidance issued.
type CaseReview struct {
	CaseID       int64         `json:"case_id"`
	Decision     *Decision     `json:"decision,omitempty"`
	Panel        []Member      `json:"panel"`
	Summary      PanelSummary  `json:"summary"`
	Verification *Verification `json:"verification,omitempty"`
	Lessons      []CaseLesson  `json:"lessons"`
	Guidance     []*Guidance   `json:"guidance"`
	// Actions the caller may take: triage, assign, annotate, comment,
	// consolidate, guide.
	Actions []access.Action `json:"actions"`
}

// Review is the state of case id's review (committee tier). Audited.
func (s *Service) Review(ctx context.Context, sub access.Subject, id int64) (*CaseReview, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	db := s.DB.WithContext(ctx)
	v := &CaseReview{CaseID: id, Panel: []Member{}, Lessons: []CaseLesson{}, Actions: []access.Action{}}
	if v.Decision, err = current(db, id); err != nil {
		return nil, err
	}
	rows, err := assignments(db, id)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.RemovedAt == nil {
			v.Panel = append(v.Panel, s.member(r, c))
		}
	}
	sums, err := panelSummaries(db, []int64{id})
	if err != nil {
		return nil, err
	}
	v.Summary = sums[id]
	index, err := s.lessonIndex(db)
	if err != nil {
		return nil, err
	}
	if v.Verification, err = s.verification(db, id, index); err != nil {
		return nil, err
	}
	var links []linkRow
	if err := db.Raw(`SELECT case_id, lesson_id, fiscal_year, recurring, source, linked_at FROM case_lessons WHERE case_id = ?
		ORDER BY lesson_id`, id).Scan(&links).Error; err != nil {
		return nil, err
	}
	for _, l := range links {
		if x := index[l.LessonID]; x != nil {
			v.Lessons = append(v.Lessons, CaseLesson{Lesson: *x, Recurring: l.Recurring, LinkSrc: l.Source, LinkedAt: l.LinkedAt})
		}
	}
	if v.Guidance, err = s.guidanceOfCase(ctx, sub, id); err != nil {
		return nil, err
	}
	for _, a := range []access.Action{access.Triage, access.Assign, access.Consolidate, access.Guide} {
		if s.can(sub, c, a) && c.rec.MergedInto == 0 {
			v.Actions = append(v.Actions, a)
		}
	}
	if s.can(sub, c, access.Annotate) {
		if a, err := assignment(db, id, sub.UserID()); err == nil && a != nil {
			v.Actions = append(v.Actions, access.Annotate)
		}
	}
	if s.mayComment(db, sub, c) {
		v.Actions = append(v.Actions, access.Comment)
	}
	return v, s.auditRead(ctx, sub, id, "review")
}

func (s *Service) guidanceOfCase(ctx context.Context, sub access.Subject, id int64) ([]*Guidance, error) {
	db := s.DB.WithContext(ctx)
	var rows []guidanceRow
	if err := db.Raw(guidanceSelect+` WHERE g.case_id = ? ORDER BY g.issued_on DESC, g.id DESC`, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*Guidance, len(rows))
	for i := range rows {
		out[i] = s.guidanceView(&rows[i], true)
	}
	return out, nil
}
