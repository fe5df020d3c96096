// Package review is the committee's work on a case once it is in: the
// secretariat's triage decision (verify in depth, verify light, record
// only), the panel of experts assigned to verify it (fields the case needs,
// declared conflicts, open load), the experts' annotations and their
// comments with the secretariat, the committee's verification result
// consolidated from them, the lessons (教訓) it draws into the catalogue,
// and the administrative guidance (行政指導) issued afterwards.
//
// All of it is committee tier of its case (SPEC §6): the secretariat and
// the experts without a declared conflict with the case's operators read
// it; published guidance is public and the catalogue's lesson texts are
// read by the editors of the annual report too. A case the caller may not
// see at all is casefile.ErrNotFound; a case the caller sees but whose
// committee material or action it may not have is casefile.ErrForbidden.
// Every decision goes through access.Control, per record: the policy says
// who may annotate, the service says only an assigned panel member does.
//
// Each method returns what one page needs, in one call.
package review

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/casestore"
	"kensho/internal/deadline"
	"kensho/internal/jpdate"
	"kensho/internal/rules"
	"kensho/internal/triage"
)

// Service is the review domain over one database.
type Service struct {
	DB     *gorm.DB
	Access *access.Control
	// Cases shows a case as a caller may see it.
	Cases *casefile.Service
	// Catalog judges cases (serious, quarterly, near-miss reportable).
	Catalog *rules.Catalog
	// Deadlines gives the deadline state of a case; nil: none shown.
	Deadlines *deadline.Service
	// Matcher finds similar past cases and scores novelty; nil: the review
	// works without (no similarity shown or kept).
	Matcher triage.Matcher
	// Config is expert-fields.yaml, expertise.yaml and lessons.yaml.
	Config *Config
	Log    *slog.Logger
	// Now is the clock (tests set it); nil is time.Now.
	Now func() time.Time
}

// New builds the service; deadlines and matcher may be nil.
func New(gdb *gorm.DB, ac *access.Control, cases *casefile.Service, cat *rules.Catalog, deadlines *deadline.Service,
	matcher triage.Matcher, cfg *Config, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{DB: gdb, Access: ac, Cases: cases, Catalog: cat, Deadlines: deadlines, Matcher: matcher, Config: cfg, Log: log}
}

// ErrNotFound: no such record (guidance, lesson, expert), or one the
// caller may not see.
var ErrNotFound = errors.New("not found")

// Change is one field that differs between two versions of a record.
type Change struct {
	Path   string `json:"path"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// ConflictError is a save that started from a version someone else has
// replaced since: Changes lists what they changed.
type ConflictError struct {
	// Record is triage, annotation, verification or guidance.
	Record    string    `json:"record"`
	Version   int       `json:"version"`
	Current   int       `json:"current_version"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
	Changes   []Change  `json:"changes"`
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s changed by %s since version %d (now version %d)", e.Record, e.UpdatedBy, e.Version, e.Current)
}

// input is a problem with what the caller sent, naming the field (the
// JSON path) — casefile's, so the transports map it like every other.
func input(field, code, format string, args ...any) error {
	return &casefile.InputError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// today is the date (JST) of now, 2006-01-02.
func (s *Service) today() string { return jpdate.DateOf(s.now()) }

func actor(sub access.Subject) string {
	if sub.Key == "" {
		return access.Anonymous.Key
	}
	return sub.Key
}

// CaseHeader is what every review page shows of its case.
type CaseHeader struct {
	ID             int64     `json:"id"`
	Ref            string    `json:"ref"`
	Kind           string    `json:"kind"`
	FiscalYear     int       `json:"fiscal_year"`
	OccurredAt     time.Time `json:"occurred_at"`
	Operators      []string  `json:"operators"`
	Title          string    `json:"title"`
	Services       []string  `json:"services"`
	CauseClass     string    `json:"cause_class,omitempty"`
	CauseArchetype string    `json:"cause_archetype,omitempty"`
	Published      bool      `json:"published,omitempty"`
	// MergedInto is the case this one was linked into: it is reviewed there.
	MergedInto int64 `json:"merged_into,omitempty"`
}

func header(rec *casestore.Record) CaseHeader {
	c := &rec.Case
	h := CaseHeader{ID: rec.ID, Ref: c.Ref, Kind: string(c.Kind), FiscalYear: rec.FiscalYear, OccurredAt: c.OccurredAt,
		Title: c.Summary, Published: rec.PublishedAt != nil, MergedInto: rec.MergedInto, Operators: []string{}, Services: []string{}}
	for i, op := range c.Operators {
		name := op.Name
		if i < len(rec.OrgIDs) && rec.OrgNames[rec.OrgIDs[i]] != "" {
			name = rec.OrgNames[rec.OrgIDs[i]]
		}
		h.Operators = append(h.Operators, name)
	}
	for _, im := range c.Impacts {
		if !slices.Contains(h.Services, string(im.Service)) {
			h.Services = append(h.Services, string(im.Service))
		}
	}
	if c.Cause != nil {
		h.CauseClass, h.CauseArchetype = c.Cause.Class, c.Cause.Archetype
	}
	return h
}

// theCase is one case as the review works on it.
type theCase struct {
	rec  *casestore.Record
	ref  access.CaseRef
	view *casefile.View
}

// open loads case id for sub: ErrNotFound when sub sees nothing of it,
// ErrForbidden when sub sees it but not its committee tier, where all of
// the review lives.
func (s *Service) open(ctx context.Context, sub access.Subject, id int64) (*theCase, error) {
	v, rec, err := s.Cases.ViewRecord(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if v.Committee == nil {
		return nil, casefile.ErrForbidden
	}
	return &theCase{rec: rec, ref: access.NewCaseRef(id, rec.OrgIDs), view: v}, nil
}

// can reports whether sub may take act on the committee tier of c.
func (s *Service) can(sub access.Subject, c *theCase, act access.Action) bool {
	return s.Access.Can(sub, c.ref, access.Committee, act)
}

// notMerged refuses work on a case linked into another: its reports and
// its review are that case's.
func notMerged(c *theCase) error {
	if c.rec.MergedInto != 0 {
		return input("case", "case.merged", "this case was linked into case %d: review that case", c.rec.MergedInto)
	}
	return nil
}

// auditRead records that sub read the committee material of case id
// (object names what: the panel, the annotations…).
func (s *Service) auditRead(ctx context.Context, sub access.Subject, id int64, object string, tiers ...access.Tier) error {
	if len(tiers) == 0 {
		tiers = []access.Tier{access.Committee}
	}
	return audit.Record(ctx, s.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead,
		Object: access.CaseKey(id) + "/" + object, CaseID: id, Detail: map[string]any{"tiers": tiers}})
}

// lockCase serialises the review's writes on one case until tx ends, without
// touching the case row (intake and deadlines lock that).
func lockCase(tx *gorm.DB, id int64) error {
	return tx.Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", fmt.Sprintf("review:%d", id)).Error
}

// similar asks the matcher, if any, for the top k cases like case id as
// sub sees them. The review works without: a failing matcher is logged,
// not fatal.
func (s *Service) similar(ctx context.Context, sub access.Subject, id int64, k int) *triage.Result {
	if s.Matcher == nil {
		return nil
	}
	res, err := s.Matcher.Similar(ctx, sub, id, k)
	if err != nil {
		if !errors.Is(err, casefile.ErrNotFound) && ctx.Err() == nil {
			s.Log.Warn("similar cases unavailable", "case", id, "err", err)
		}
		return nil
	}
	return res
}

// Judgement is the rules engine's verdict on a case, in brief.
type Judgement struct {
	RuleSet            string `json:"rule_set,omitempty"`
	Serious            bool   `json:"serious"`
	Quarterly          bool   `json:"quarterly"`
	NearMissReportable *bool  `json:"near_miss_reportable,omitempty"`
	NearMissReason     string `json:"near_miss_reason,omitempty"`
	// Error says why the case could not be judged (no rule set in force on
	// its date, say).
	Error string `json:"error,omitempty"`
}

func (s *Service) judge(rec *casestore.Record) *Judgement {
	if s.Catalog == nil {
		return nil
	}
	res, err := s.Catalog.Classify(rec.Case, "")
	if err != nil {
		return &Judgement{Error: err.Error()}
	}
	return &Judgement{RuleSet: res.RuleSet, Serious: res.Serious, Quarterly: res.Quarterly,
		NearMissReportable: res.NearMissReportable, NearMissReason: res.NearMissReason}
}

// DeadlineState is what a case's reporting organisations still owe.
type DeadlineState struct {
	Open    int            `json:"open"`
	Overdue int            `json:"overdue"`
	Items   []DeadlineItem `json:"items"`
}

// DeadlineItem is one open deadline of a case.
type DeadlineItem struct {
	OrganisationID int64  `json:"organisation_id"`
	Organisation   string `json:"organisation"`
	// Kind is the report owed (configs/deadlines.yaml): detailed, quarterly.
	Kind     string `json:"kind"`
	DueOn    string `json:"due_on"`
	DaysLeft int    `json:"days_left"`
	Overdue  bool   `json:"overdue"`
}

// deadlines is the deadline state of case id; names are organisation names
// by id (those missing are looked up).
func (s *Service) deadlines(ctx context.Context, id int64, names map[int64]string) (*DeadlineState, error) {
	st := &DeadlineState{Items: []DeadlineItem{}}
	if s.Deadlines == nil {
		return st, nil
	}
	ds, err := s.Deadlines.Deadlines(ctx, id)
	if err != nil {
		return nil, err
	}
	now, today := s.now(), s.today()
	for _, d := range ds {
		if d.MetAt != nil || d.DroppedAt != nil {
			continue
		}
		if _, ok := names[d.OrganisationID]; !ok {
			var name string
			if err := s.DB.WithContext(ctx).Raw("SELECT name FROM organisations WHERE id = ?", d.OrganisationID).Scan(&name).Error; err != nil {
				return nil, err
			}
			names[d.OrganisationID] = name
		}
		it := DeadlineItem{OrganisationID: d.OrganisationID, Organisation: names[d.OrganisationID], Kind: d.Kind, DueOn: d.DueOn,
			DaysLeft: daysBetween(today, d.DueOn), Overdue: !now.Before(d.DueAt)}
		st.Open++
		if it.Overdue {
			st.Overdue++
		}
		st.Items = append(st.Items, it)
	}
	slices.SortFunc(st.Items, func(a, b DeadlineItem) int { return strings.Compare(a.DueOn, b.DueOn) })
	return st, nil
}

// daysBetween counts calendar days from date a to date b (2006-01-02).
func daysBetween(a, b string) int {
	ta, err1 := time.Parse(time.DateOnly, a)
	tb, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}

// parseDate checks a date field (YYYY-MM-DD, JST).
func parseDate(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	t, err := jpdate.ParseDate(v)
	if err != nil {
		return "", input(field, "date.invalid", "%q is not a date: want YYYY-MM-DD", v)
	}
	return jpdate.DateOf(t), nil
}

// orgNames are the registry names of the organisations of rec, by id.
func orgNames(rec *casestore.Record) map[int64]string {
	out := make(map[int64]string, len(rec.OrgNames))
	for k, v := range rec.OrgNames {
		out[k] = v
	}
	return out
}

// maxText bounds a free text of the review (characters).
const maxText = 20000

func tooLong(field, v string, max int) error {
	if n := len([]rune(v)); n > max {
		return input(field, "text.too_long", "%d characters: at most %d", n, max)
	}
	return nil
}

// orgNamesOf are the registry names of the operators of cases ids, by
// organisation id.
func orgNamesOf(db *gorm.DB, ids []int64) (map[int64]string, error) {
	names := map[int64]string{}
	if len(ids) == 0 {
		return names, nil
	}
	var rows []struct {
		ID   int64
		Name string
	}
	if err := db.Raw(`SELECT DISTINCT o.id, o.name FROM organisations o JOIN case_operators co ON co.organisation_id = o.id
		WHERE co.case_id IN ?`, ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, o := range rows {
		names[o.ID] = o.Name
	}
	return names, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
