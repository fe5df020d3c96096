// Package survey is the lessons follow-up survey (フォローアップ調査, SPEC
// §7): how operators adopted lessons the committee drew earlier. The
// secretariat opens a survey on chosen lessons of the catalogue and
// addresses it to organisations; each organisation answers, per lesson,
// what it did — newly done, revised, planned, wanted but hard, not planned
// — and, for what it implemented, whether that was effective. The results
// per lesson (counts, the shares implemented and effective, and the class
// of SPEC §7) go into the annual report of the survey's fiscal year once
// the survey is closed (ReportSurveys).
//
// A survey goes draft → open → closed, never back: answers are taken only
// while it is open. Who may do what is the access policy's (access.Surveys):
// the secretariat manages and reads surveys; a reporter answers for its own
// organisation only, and only surveys addressed to it — any other survey
// is ErrNotFound to it, exactly as one that does not exist. Every change
// is audited in the transaction that makes it.
package survey

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/report"
	"kensho/internal/review"
)

// The answers an organisation gives about one lesson.
const (
	// NewlyDone: the organisation took the measure since the lesson (新たに実施).
	NewlyDone = "newly_done"
	// Revised: it reviewed what it already did in the light of the lesson (既存の取組を見直し).
	Revised = "revised"
	// Planned: it means to (実施予定).
	Planned = "planned"
	// WantedButHard: it would but finds it hard (実施したいが困難).
	WantedButHard = "wanted_but_hard"
	// NotPlanned: it does not mean to (予定なし).
	NotPlanned = "not_planned"
)

// Statuses are the answers about a lesson, in the order the report lists them.
var Statuses = []string{NewlyDone, Revised, Planned, WantedButHard, NotPlanned}

// Implemented reports whether an answer counts as implemented (newly done
// or revised): only then is the organisation asked whether it was effective.
func Implemented(status string) bool { return status == NewlyDone || status == Revised }

// The states of a survey.
const (
	StatusDraft  = "draft"
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Errors the transports map to status codes.
var (
	// ErrNotFound: no such survey, or one the caller may not see — for a
	// reporter, any survey not addressed to its organisation or not open yet.
	ErrNotFound = errors.New("survey not found")
	// ErrForbidden: the caller may not do this with surveys.
	ErrForbidden = errors.New("you may not do this with surveys")
	// ErrClosed: the survey is closed; answers are no longer taken.
	ErrClosed = errors.New("the survey is closed: answers are no longer taken")
	// ErrStale: the survey changed since the version the caller loaded.
	ErrStale = errors.New("the survey changed since you loaded it")
)

// StateError is a step the survey's state does not allow: opening a closed
// survey, closing a draft.
type StateError struct {
	Status string `json:"status"`
	Action string `json:"action"`
}

func (e *StateError) Error() string {
	return fmt.Sprintf("a survey that is %s cannot be %s", e.Status, e.Action)
}

// FieldError is one problem with what the caller sent, naming its field as
// a JSON path (answers[2].effective). Code names the problem for pages that
// say it in the reader's language; Message says it in English.
type FieldError struct {
	Path    string `json:"path"`
	Code    string `json:"-"`
	Message string `json:"message"`
}

// Errors are every problem of one request: a form shows each next to its
// field, so validation does not stop at the first.
type Errors []FieldError

func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Path + ": " + f.Message
	}
	return strings.Join(parts, "; ")
}

// add records a problem of field.
func (e *Errors) add(path, code, format string, args ...any) {
	*e = append(*e, FieldError{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// err is the problems as an error, nil without any.
func (e Errors) err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Catalogue is the lessons catalogue (configs/lessons.yaml and the lessons
// the committee accepted): a survey asks only about lessons it holds, and
// shows their texts. *review.Service is one.
type Catalogue interface {
	CatalogueStats(ctx context.Context, theme string) (*review.CatalogueView, error)
}

// Service is the follow-up survey over one database.
type Service struct {
	DB     *gorm.DB
	Access *access.Control
	// Lessons is the catalogue the surveys ask about.
	Lessons Catalogue
	// Threshold is the share (0–1] at which a lesson's implemented or
	// effective share counts for its class: configs/report.yaml
	// survey_class_threshold, data rather than code.
	Threshold float64
	Log       *slog.Logger
	// Now is the clock (tests set it); nil is time.Now.
	Now func() time.Time
}

// New is the service; the threshold comes from the report's configuration.
func New(gdb *gorm.DB, ac *access.Control, lessons Catalogue, cfg *report.Config, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{DB: gdb, Access: ac, Lessons: lessons, Threshold: cfg.SurveyClassThreshold, Log: log}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func actor(sub access.Subject) string {
	if sub.Key == "" {
		return access.Anonymous.Key
	}
	return sub.Key
}

// Ref is the object of the access policy for organisation org's answers:
// "own" matches its reporters, so no one answers for another organisation.
func Ref(org int64) access.CaseRef {
	ref := access.NewCaseRef(0, []int64{org})
	ref.Key = "survey:" + access.OrgKey(org)
	return ref
}

// mayManage: create, open and close surveys (the secretariat).
func (s *Service) mayManage(sub access.Subject) bool {
	return s.Access.CanSystem(sub, access.Surveys, access.Manage)
}

// mayRead: every survey with its results and who answered (the secretariat).
func (s *Service) mayRead(sub access.Subject) bool {
	return s.Access.CanSystem(sub, access.Surveys, access.Read)
}

// answerer is the organisation sub answers for, 0 when it answers for none.
func (s *Service) answerer(sub access.Subject) int64 {
	org := sub.OrgID()
	if org == 0 || !s.Access.Can(sub, Ref(org), access.Surveys, access.Answer) {
		return 0
	}
	return org
}

// MayManage reports whether sub creates, opens and closes surveys (the
// pages offer the forms to those who may).
func (s *Service) MayManage(sub access.Subject) bool { return s.mayManage(sub) }

// MayAnswer reports whether sub answers surveys for its organisation.
func (s *Service) MayAnswer(sub access.Subject) bool { return s.answerer(sub) != 0 }

// lessonInfo is a lesson of the catalogue as a survey shows it.
type lessonInfo struct {
	ID, Theme, JA, EN string
	FirstYear         int
}

// catalogue is the catalogue's lessons by id and its themes in order.
func (s *Service) catalogue(ctx context.Context) (map[string]lessonInfo, *review.CatalogueView, error) {
	v, err := s.Lessons.CatalogueStats(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	out := map[string]lessonInfo{}
	for _, t := range v.Themes {
		for _, l := range t.Lessons {
			out[l.ID] = lessonInfo{ID: l.ID, Theme: t.ID, JA: l.JA, EN: l.EN, FirstYear: l.FirstYear}
		}
	}
	return out, v, nil
}

// info is lesson id of the catalogue; a lesson gone from the catalogue
// still shows, by its id.
func info(index map[string]lessonInfo, id string) lessonInfo {
	if l, ok := index[id]; ok {
		return l
	}
	return lessonInfo{ID: id, JA: id, EN: id}
}

// row is a survey as stored.
type row struct {
	ID         int64
	FiscalYear int
	Title      string
	Status     string
	DueOn      string
	Version    int
	CreatedBy  string
	CreatedAt  time.Time
	OpenedBy   string
	OpenedAt   *time.Time
	ClosedBy   string
	ClosedAt   *time.Time
}

const surveySelect = `SELECT s.id, s.fiscal_year, s.title, s.status, coalesce(s.due_on::text, '') AS due_on, s.version,
	s.created_by, s.created_at, coalesce(s.opened_by, '') AS opened_by, s.opened_at, coalesce(s.closed_by, '') AS closed_by, s.closed_at
	FROM surveys s`

// load is survey id, locked as lock says ("", "FOR SHARE", "FOR UPDATE").
func load(db *gorm.DB, id int64, lock string) (*row, error) {
	var rows []row
	if err := db.Raw(surveySelect+" WHERE s.id = ? "+lock, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// lessonsOf are the lesson ids of survey id, in its order.
func lessonsOf(db *gorm.DB, id int64) ([]string, error) {
	var ids []string
	err := db.Raw(`SELECT lesson_id FROM survey_lessons WHERE survey_id = ? ORDER BY position`, id).Scan(&ids).Error
	return ids, err
}

// addressed reports whether survey id is addressed to organisation org.
func addressed(db *gorm.DB, id, org int64) (bool, error) {
	var n int64
	err := db.Raw(`SELECT count(*) FROM survey_recipients WHERE survey_id = ? AND organisation_id = ?`, id, org).Scan(&n).Error
	return n > 0, err
}

// refuse is the error for sub, who may not manage or read surveys, about
// survey id: a reporter of an organisation it is addressed to (and open or
// closed) sees that it exists and gets ErrForbidden; to everyone else it
// does not exist.
func (s *Service) refuse(ctx context.Context, sub access.Subject, id int64) error {
	org := s.answerer(sub)
	if org == 0 {
		return ErrNotFound
	}
	db := s.DB.WithContext(ctx)
	r, err := load(db, id, "")
	if err != nil {
		return err
	}
	ok, err := addressed(db, id, org)
	if err != nil {
		return err
	}
	if !ok || r.Status == StatusDraft {
		return ErrNotFound
	}
	return ErrForbidden
}
