package survey

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
)

// SheetLesson is one lesson of an organisation's answer sheet: the lesson
// (its texts from the catalogue) and the organisation's answer, if any.
type SheetLesson struct {
	Position int    `json:"position"`
	ID       string `json:"id"`
	Theme    string `json:"theme"`
	JA       string `json:"ja"`
	EN       string `json:"en"`
	// Status is the organisation's answer; "" when not answered yet.
	Status string `json:"status,omitempty"`
	// Effective is asked of implemented answers only.
	Effective *bool `json:"effective,omitempty"`
}

// Sheet is one organisation's answer sheet of a survey: what it is asked,
// what it answered, and whether it may still answer (the survey is open).
type Sheet struct {
	SurveyID       int64         `json:"survey_id"`
	FiscalYear     int           `json:"fiscal_year"`
	Title          string        `json:"title"`
	Status         string        `json:"status"`
	DueOn          string        `json:"due_on,omitempty"`
	OrganisationID int64         `json:"organisation_id"`
	Organisation   string        `json:"organisation"`
	Open           bool          `json:"open"`
	Lessons        []SheetLesson `json:"lessons"`
	// Answered counts the lessons answered (all or none: answers are
	// submitted whole).
	Answered   int        `json:"answered"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

// AnswerItem is the answer about one lesson.
type AnswerItem struct {
	LessonID string `json:"lesson_id"`
	Status   string `json:"status"`
	// Effective: whether the measure was effective, given for newly_done
	// and revised only.
	Effective *bool `json:"effective"`
}

// AnswerInput is an organisation's answers to a survey: every lesson of
// the survey, once each.
type AnswerInput struct {
	Answers []AnswerItem `json:"answers"`
}

// sheetFor opens survey id for sub's organisation: ErrForbidden when sub
// answers for no organisation, ErrNotFound when the survey is not
// addressed to it or not open yet (a draft is the secretariat's).
func (s *Service) sheetFor(db *gorm.DB, sub access.Subject, id int64, lock string) (*row, int64, error) {
	org := s.answerer(sub)
	if org == 0 {
		return nil, 0, ErrForbidden
	}
	r, err := load(db, id, lock)
	if err != nil {
		return nil, 0, err
	}
	ok, err := addressed(db, id, org)
	if err != nil {
		return nil, 0, err
	}
	if !ok || r.Status == StatusDraft {
		return nil, 0, ErrNotFound
	}
	return r, org, nil
}

// Sheet is the answer sheet of survey id for sub's organisation (a
// reporter): the lessons with their texts and what it answered.
func (s *Service) Sheet(ctx context.Context, sub access.Subject, id int64) (*Sheet, error) {
	db := s.DB.WithContext(ctx)
	r, org, err := s.sheetFor(db, sub, id, "")
	if err != nil {
		return nil, err
	}
	index, _, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	return s.sheet(db, r, org, index)
}

// sheet is organisation org's answer sheet of survey r, read through db;
// index is the catalogue (read beforehand: inside a transaction, db is the
// one connection to use).
func (s *Service) sheet(db *gorm.DB, r *row, org int64, index map[string]lessonInfo) (*Sheet, error) {
	ids, err := lessonsOf(db, r.ID)
	if err != nil {
		return nil, err
	}
	sh := &Sheet{SurveyID: r.ID, FiscalYear: r.FiscalYear, Title: r.Title, Status: r.Status, DueOn: r.DueOn, OrganisationID: org,
		Open: r.Status == StatusOpen, Lessons: make([]SheetLesson, len(ids))}
	if err := db.Raw(`SELECT name FROM organisations WHERE id = ?`, org).Scan(&sh.Organisation).Error; err != nil {
		return nil, err
	}
	var answers []struct {
		LessonID   string
		Status     string
		Effective  *bool
		AnsweredBy string
		AnsweredAt time.Time
	}
	if err := db.Raw(`SELECT lesson_id, status, effective, answered_by, answered_at FROM survey_answers
		WHERE survey_id = ? AND organisation_id = ?`, r.ID, org).Scan(&answers).Error; err != nil {
		return nil, err
	}
	for i, l := range ids {
		li := info(index, l)
		sl := SheetLesson{Position: i + 1, ID: l, Theme: li.Theme, JA: li.JA, EN: li.EN}
		for _, a := range answers {
			if a.LessonID == l {
				sl.Status, sl.Effective = a.Status, a.Effective
				sh.Answered++
				if sh.AnsweredAt == nil || a.AnsweredAt.After(*sh.AnsweredAt) {
					at := a.AnsweredAt
					sh.AnsweredAt, sh.AnsweredBy = &at, a.AnsweredBy
				}
			}
		}
		sh.Lessons[i] = sl
	}
	return sh, nil
}

// Answer records the answers of sub's organisation (a reporter) to survey
// id: every lesson of the survey in one submission, each with a status and
// — exactly when it is implemented (newly_done, revised) — whether it was
// effective. Every problem names its field (answers[2].effective). A
// submission replaces what the organisation answered before, while the
// survey is open; a closed survey refuses it (ErrClosed). Audited.
func (s *Service) Answer(ctx context.Context, sub access.Subject, id int64, in AnswerInput) (*Sheet, error) {
	db := s.DB.WithContext(ctx)
	// The catalogue is read before the transaction: nothing inside it may
	// wait for a second connection while holding the first.
	index, _, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var out *Sheet
	err = db.Transaction(func(tx *gorm.DB) error {
		// A share lock: organisations answer side by side, and closing
		// waits for the answers being written.
		r, org, err := s.sheetFor(tx, sub, id, "FOR SHARE")
		if err != nil {
			return err
		}
		if r.Status != StatusOpen {
			return ErrClosed
		}
		// Two people of one organisation sending at once: one after the
		// other, so the later replaces the earlier instead of colliding.
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", fmt.Sprintf("survey:%d:%s", id, access.OrgKey(org))).Error; err != nil {
			return err
		}
		ids, err := lessonsOf(tx, id)
		if err != nil {
			return err
		}
		answers, err := check(ids, in)
		if err != nil {
			return err
		}
		res := tx.Exec(`DELETE FROM survey_answers WHERE survey_id = ? AND organisation_id = ?`, id, org)
		if res.Error != nil {
			return res.Error
		}
		now := s.now()
		given := map[string]string{}
		for _, a := range answers {
			if err := tx.Exec(`INSERT INTO survey_answers (survey_id, organisation_id, lesson_id, status, effective, answered_by, answered_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, id, org, a.LessonID, a.Status, a.Effective, actor(sub), now).Error; err != nil {
				return err
			}
			given[a.LessonID] = a.Status
			if a.Effective != nil {
				given[a.LessonID] += map[bool]string{true: "+effective", false: "+not_effective"}[*a.Effective]
			}
		}
		if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionSurveyAnswer, Object: object(id),
			Detail: map[string]any{"organisation": access.OrgKey(org), "answers": given, "replaced": res.RowsAffected > 0}}); err != nil {
			return err
		}
		out, err = s.sheet(tx, r, org, index)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// check validates answers against the survey's lessons ids and returns
// them in the survey's order. Every problem is reported, with its path.
func check(ids []string, in AnswerInput) ([]AnswerItem, error) {
	var errs Errors
	if len(in.Answers) == 0 {
		errs.add("answers", "answers.required", "answer every lesson of the survey (%d)", len(ids))
		return nil, errs
	}
	byLesson := map[string]AnswerItem{}
	for i, a := range in.Answers {
		at := func(f string) string { return fmt.Sprintf("answers[%d].%s", i, f) }
		a.LessonID, a.Status = strings.TrimSpace(a.LessonID), strings.TrimSpace(a.Status)
		switch _, dup := byLesson[a.LessonID]; {
		case a.LessonID == "":
			errs.add(at("lesson_id"), "lesson.required", "required: the lesson answered")
		case !slices.Contains(ids, a.LessonID):
			errs.add(at("lesson_id"), "lesson.not_asked", "%q is not a lesson of this survey", a.LessonID)
		case dup:
			errs.add(at("lesson_id"), "lesson.twice", "%s is answered twice", a.LessonID)
		}
		switch {
		case a.Status == "":
			errs.add(at("status"), "status.required", "required: one of %s", strings.Join(Statuses, ", "))
		case !slices.Contains(Statuses, a.Status):
			errs.add(at("status"), "status.unknown", "%q: want one of %s", a.Status, strings.Join(Statuses, ", "))
		case Implemented(a.Status) && a.Effective == nil:
			errs.add(at("effective"), "effective.required", "required for %s: was it effective (true or false)?", a.Status)
		case !Implemented(a.Status) && a.Effective != nil:
			errs.add(at("effective"), "effective.not_asked", "only for newly_done or revised: leave it out for %s", a.Status)
		}
		if a.LessonID != "" {
			if _, dup := byLesson[a.LessonID]; !dup {
				byLesson[a.LessonID] = a
			}
		}
	}
	for _, l := range ids {
		if _, ok := byLesson[l]; !ok {
			errs.add("answers", "answers.missing", "%s is not answered: answer every lesson of the survey", l)
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	out := make([]AnswerItem, len(ids))
	for i, l := range ids {
		out[i] = byLesson[l]
	}
	return out, nil
}
