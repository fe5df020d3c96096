package review

import (
	"cmp"
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
)

// Comment is a message between the panel and the secretariat on a case.
type Comment struct {
	ID         int64  `json:"id"`
	CaseID     int64  `json:"case_id"`
	AuthorID   int64  `json:"author_id"`
	Author     string `json:"author"`
	AuthorName string `json:"author_name"`
	// Role is secretariat or expert.
	Role      string    `json:"role"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	// Duplicate: the author's last comment on the case said the same; it
	// was not posted twice.
	Duplicate bool `json:"duplicate,omitempty"`
}

func (s *Service) comments(db *gorm.DB, id int64) ([]Comment, error) {
	var rows []struct {
		ID        int64
		CaseID    int64
		AuthorID  int64
		Login     string
		Name      string
		Body      string
		CreatedAt time.Time
	}
	if err := db.Raw(`SELECT m.id, m.case_id, m.author_id, u.login, u.display_name AS name, m.body, m.created_at
		FROM review_comments m JOIN users u ON u.id = m.author_id WHERE m.case_id = ? ORDER BY m.id`, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Comment, len(rows))
	for i, r := range rows {
		out[i] = Comment{ID: r.ID, CaseID: r.CaseID, AuthorID: r.AuthorID, Author: r.Login, AuthorName: cmp.Or(r.Name, r.Login),
			Role: s.roleOf(access.UserSubject(r.AuthorID, 0)), Body: r.Body, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

func (s *Service) roleOf(sub access.Subject) string {
	if s.Access.HasRole(sub, access.Secretariat) {
		return string(access.Secretariat)
	}
	return string(access.Expert)
}

// Comments are the comments on case id, oldest first (committee tier).
func (s *Service) Comments(ctx context.Context, sub access.Subject, id int64) ([]Comment, error) {
	if _, err := s.open(ctx, sub, id); err != nil {
		return nil, err
	}
	out, err := s.comments(s.DB.WithContext(ctx), id)
	if err != nil {
		return nil, err
	}
	return out, s.auditRead(ctx, sub, id, "comments")
}

// mayComment: the secretariat, and the active members of the case's panel.
func (s *Service) mayComment(db *gorm.DB, sub access.Subject, c *theCase) bool {
	if !s.can(sub, c, access.Comment) {
		return false
	}
	if s.can(sub, c, access.Consolidate) {
		return true
	}
	a, err := assignment(db, c.rec.ID, sub.UserID())
	return err == nil && a != nil
}

// AddComment posts a comment on case id: for the secretariat and the
// panel's members. The same text as the author's comment before it on the
// case is a duplicate (a double submission) and is not posted again.
func (s *Service) AddComment(ctx context.Context, sub access.Subject, id int64, body string) (*Comment, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	db := s.DB.WithContext(ctx)
	if !s.mayComment(db, sub, c) {
		return nil, casefile.ErrForbidden
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, input("body", "body.required", "required: the comment")
	}
	if err := tooLong("body", body, 8000); err != nil {
		return nil, err
	}
	var out *Comment
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, id); err != nil {
			return err
		}
		all, err := s.comments(tx, id)
		if err != nil {
			return err
		}
		if n := len(all); n > 0 && all[n-1].AuthorID == sub.UserID() && all[n-1].Body == body {
			last := all[n-1]
			last.Duplicate = true
			out = &last
			return nil
		}
		var cid int64
		if err := tx.Raw(`INSERT INTO review_comments (case_id, author_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			id, sub.UserID(), body, s.now()).Scan(&cid).Error; err != nil {
			return err
		}
		if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionComment, Object: access.CaseKey(id) + "/comments",
			CaseID: id, Detail: map[string]any{"comment": cid, "body": audit.Hidden(body)}}); err != nil {
			return err
		}
		all, err = s.comments(tx, id)
		if err != nil {
			return err
		}
		out = &all[len(all)-1]
		return nil
	})
	return out, err
}
