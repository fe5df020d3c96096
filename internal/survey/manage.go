package survey

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/jpdate"
)

// CreateInput is a new survey.
type CreateInput struct {
	// FiscalYear is the year of the annual report that shows the survey.
	FiscalYear int    `json:"fiscal_year"`
	Title      string `json:"title"`
	// DueOn is the last day to answer by (2006-01-02, JST); optional.
	DueOn string `json:"due_on"`
	// Lessons are the catalogue's lesson ids, in the order the survey asks them.
	Lessons []string `json:"lessons"`
	// Recipients are the organisations (ids) addressed; none: the default
	// of the fiscal year (designated organisations and those with an
	// accident in the three fiscal years before).
	Recipients []int64 `json:"recipients"`
	// Chosen says the recipients were chosen from a list showing the
	// default (the web form): none chosen is then a missing answer, not
	// a request for the default.
	Chosen bool `json:"-"`
}

// Limits of a survey: what one operator's clerk can answer in a sitting,
// and titles that fit a heading.
const (
	maxLessons    = 60
	maxTitle      = 200
	maxRecipients = 5000
)

// Create records a new survey, as a draft, for the secretariat. Every
// problem of the input is reported with its field (fiscal_year, title,
// due_on, lessons[2], recipients[0]). Audited.
func (s *Service) Create(ctx context.Context, sub access.Subject, in CreateInput) (*Survey, error) {
	if !s.mayManage(sub) {
		return nil, ErrForbidden
	}
	db := s.DB.WithContext(ctx)
	index, _, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var errs Errors
	if in.FiscalYear < 2000 || in.FiscalYear > 2100 {
		errs.add("fiscal_year", "fiscal_year.invalid", "%d: want the report's fiscal year, 2000–2100", in.FiscalYear)
	}
	in.Title = strings.TrimSpace(in.Title)
	switch n := len([]rune(in.Title)); {
	case n == 0:
		errs.add("title", "title.required", "required")
	case n > maxTitle:
		errs.add("title", "title.too_long", "%d characters: at most %d", n, maxTitle)
	}
	in.DueOn = strings.TrimSpace(in.DueOn)
	if in.DueOn != "" {
		if t, err := jpdate.ParseDate(in.DueOn); err != nil {
			errs.add("due_on", "due_on.invalid", "%q is not a date: want YYYY-MM-DD", in.DueOn)
		} else if in.DueOn = jpdate.DateOf(t); in.DueOn < jpdate.DateOf(s.now()) {
			errs.add("due_on", "due_on.past", "%s is in the past", in.DueOn)
		}
	}
	lessons := make([]string, 0, len(in.Lessons))
	seen := map[string]bool{}
	switch {
	case len(in.Lessons) == 0:
		errs.add("lessons", "lessons.required", "choose at least one lesson of the catalogue")
	case len(in.Lessons) > maxLessons:
		errs.add("lessons", "lessons.too_many", "%d lessons: at most %d", len(in.Lessons), maxLessons)
	}
	for i, l := range in.Lessons {
		l = strings.TrimSpace(l)
		at := fmt.Sprintf("lessons[%d]", i)
		switch _, ok := index[l]; {
		case !ok:
			errs.add(at, "lesson.unknown", "%q is not a lesson of the catalogue", l)
		case seen[l]:
			errs.add(at, "lesson.twice", "%s appears twice", l)
		default:
			lessons = append(lessons, l)
		}
		seen[l] = true
	}
	recipients, err := s.checkRecipients(db, in, &errs)
	if err != nil {
		return nil, err
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	var id int64
	err = db.Transaction(func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Raw(`INSERT INTO surveys (fiscal_year, title, due_on, created_by, created_at) VALUES (?, ?, ?::date, ?, ?) RETURNING id`,
			in.FiscalYear, in.Title, nullable(in.DueOn), actor(sub), now).Scan(&id).Error; err != nil {
			return err
		}
		for i, l := range lessons {
			if err := tx.Exec(`INSERT INTO survey_lessons (survey_id, position, lesson_id) VALUES (?, ?, ?)`, id, i+1, l).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec(`INSERT INTO survey_recipients (survey_id, organisation_id) SELECT ?, unnest(?::bigint[])`, id, pgArray(recipients)).Error; err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionSurveyCreate, Object: object(id),
			Detail: map[string]any{"fiscal_year": in.FiscalYear, "title": in.Title, "due_on": in.DueOn, "lessons": lessons,
				"recipients": len(recipients), "default_recipients": len(in.Recipients) == 0}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.detail(ctx, db, id)
}

// checkRecipients validates the organisations named (each registered,
// none twice) or, when none is, takes the fiscal year's default.
func (s *Service) checkRecipients(db *gorm.DB, in CreateInput, errs *Errors) ([]int64, error) {
	if len(in.Recipients) == 0 && in.Chosen {
		errs.add("recipients", "recipients.required", "choose at least one organisation")
		return nil, nil
	}
	if len(in.Recipients) == 0 {
		if in.FiscalYear < 2000 || in.FiscalYear > 2100 {
			return nil, nil
		}
		def, err := defaultRecipients(db, in.FiscalYear)
		if err != nil {
			return nil, err
		}
		if len(def) == 0 {
			errs.add("recipients", "recipients.required", "no designated organisation and no accident in fiscal %d–%d: name the organisations",
				in.FiscalYear-3, in.FiscalYear-1)
		}
		ids := make([]int64, len(def))
		for i, o := range def {
			ids[i] = o.ID
		}
		return ids, nil
	}
	if len(in.Recipients) > maxRecipients {
		errs.add("recipients", "recipients.too_many", "%d organisations: at most %d", len(in.Recipients), maxRecipients)
		return nil, nil
	}
	var known []int64
	if err := db.Raw(`SELECT id FROM organisations WHERE id = ANY(?::bigint[])`, pgArray(in.Recipients)).Scan(&known).Error; err != nil {
		return nil, err
	}
	exists := map[int64]bool{}
	for _, k := range known {
		exists[k] = true
	}
	seen := map[int64]bool{}
	out := make([]int64, 0, len(in.Recipients))
	for i, o := range in.Recipients {
		at := fmt.Sprintf("recipients[%d]", i)
		switch {
		case !exists[o]:
			errs.add(at, "recipient.unknown", "%d is not an organisation of the registry", o)
		case seen[o]:
			errs.add(at, "recipient.twice", "organisation %d appears twice", o)
		default:
			out = append(out, o)
		}
		seen[o] = true
	}
	return out, nil
}

// Open opens draft survey id for answers (the secretariat), from the
// version loaded. Opening an open survey changes nothing; a closed one
// does not open again (StateError). Audited.
func (s *Service) Open(ctx context.Context, sub access.Subject, id int64, version int) (*Survey, error) {
	return s.step(ctx, sub, id, version, StatusDraft, StatusOpen)
}

// Close closes open survey id (the secretariat), from the version loaded:
// no answer is taken after, and its results go into the annual report of
// its fiscal year. Closing a closed survey changes nothing; a draft cannot
// be closed (StateError). Audited.
func (s *Service) Close(ctx context.Context, sub access.Subject, id int64, version int) (*Survey, error) {
	return s.step(ctx, sub, id, version, StatusOpen, StatusClosed)
}

// step moves survey id from state from to state to.
func (s *Service) step(ctx context.Context, sub access.Subject, id int64, version int, from, to string) (*Survey, error) {
	if !s.mayManage(sub) {
		return nil, s.refuse(ctx, sub, id)
	}
	db := s.DB.WithContext(ctx)
	err := db.Transaction(func(tx *gorm.DB) error {
		cur, err := load(tx, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		switch {
		case cur.Status == to:
			return nil
		case cur.Status != from:
			return &StateError{Status: cur.Status, Action: map[string]string{StatusOpen: "opened", StatusClosed: "closed"}[to]}
		case cur.Version != version:
			return ErrStale
		}
		now := s.now()
		detail := map[string]any{"version": cur.Version + 1, "fiscal_year": cur.FiscalYear}
		action := audit.ActionSurveyOpen
		if to == StatusOpen {
			err = tx.Exec(`UPDATE surveys SET status = 'open', opened_by = ?, opened_at = ?, version = version + 1 WHERE id = ?`,
				actor(sub), now, id).Error
		} else {
			action = audit.ActionSurveyClose
			var n int64
			if err := tx.Raw(`SELECT count(DISTINCT organisation_id) FROM survey_answers WHERE survey_id = ?`, id).Scan(&n).Error; err != nil {
				return err
			}
			detail["respondents"] = n
			err = tx.Exec(`UPDATE surveys SET status = 'closed', closed_by = ?, closed_at = ?, version = version + 1 WHERE id = ?`,
				actor(sub), now, id).Error
		}
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: action, Object: object(id), Detail: detail})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.detail(ctx, db, id)
}

// object names survey id in the audit trail.
func object(id int64) string { return fmt.Sprintf("survey/%d", id) }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// pgArray is ids as a PostgreSQL array literal ({1,2,3}).
func pgArray(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return "{" + strings.Join(parts, ",") + "}"
}
