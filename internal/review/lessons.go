package review

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/casestore"
)

// committeeLessons are the lessons the committee accepted (table lessons).
func committeeLessons(db *gorm.DB) ([]*Lesson, map[string]int64, error) {
	var rows []struct {
		ID           string
		Theme        string
		TextJA       string
		TextEN       string
		FirstYear    int
		OriginCaseID *int64
	}
	if err := db.Raw(`SELECT id, theme, text_ja, text_en, first_year, origin_case_id FROM lessons ORDER BY id`).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	out := make([]*Lesson, len(rows))
	origin := map[string]int64{}
	for i, r := range rows {
		out[i] = &Lesson{ID: r.ID, Theme: r.Theme, FirstYear: r.FirstYear, JA: r.TextJA, EN: r.TextEN, Source: SourceCommittee}
		if r.OriginCaseID != nil {
			origin[r.ID] = *r.OriginCaseID
		}
	}
	return out, origin, nil
}

// lessonIndex is every lesson by id: the catalogue's and the committee's.
func (s *Service) lessonIndex(db *gorm.DB) (map[string]*Lesson, error) {
	out := map[string]*Lesson{}
	for _, t := range s.Config.Lessons.Themes {
		for _, l := range t.Lessons {
			out[l.ID] = l
		}
	}
	extra, _, err := committeeLessons(db)
	if err != nil {
		return nil, err
	}
	for _, l := range extra {
		out[l.ID] = l
	}
	return out, nil
}

// LessonRef is a lesson on an annotation or a verification: a lesson of
// the catalogue (LessonID), or a new one proposed (Theme, TextJA, TextEN).
// The other fields are filled on the way out: the linked lesson's theme,
// text and first year, who proposed it (a prefill), whether finalising
// created it.
type LessonRef struct {
	LessonID string `json:"lesson_id,omitempty"`
	Theme    string `json:"theme,omitempty"`
	TextJA   string `json:"text_ja,omitempty"`
	TextEN   string `json:"text_en,omitempty"`
	Note     string `json:"note,omitempty"`

	FirstYear  int      `json:"first_year,omitempty"`
	Source     string   `json:"source,omitempty"`
	ProposedBy []string `json:"proposed_by,omitempty"`
	Created    bool     `json:"created,omitempty"`
}

// stored is the part of a LessonRef that is saved.
func (l LessonRef) stored() LessonRef {
	if l.LessonID != "" {
		return LessonRef{LessonID: l.LessonID, Note: l.Note, Created: l.Created}
	}
	return LessonRef{Theme: l.Theme, TextJA: l.TextJA, TextEN: l.TextEN, Note: l.Note}
}

// checkLessons validates the lessons of an annotation or a verification
// (field names them: lessons[2].theme) and returns them as stored.
// complete requires the English text of proposals too (a lesson the
// committee accepts goes into the catalogue in both languages).
func (s *Service) checkLessons(db *gorm.DB, field string, items []LessonRef, complete bool) ([]LessonRef, error) {
	if len(items) > 20 {
		return nil, input(field, "lessons.too_many", "%d lessons: at most 20", len(items))
	}
	index, err := s.lessonIndex(db)
	if err != nil {
		return nil, err
	}
	out := make([]LessonRef, 0, len(items))
	ids, texts := map[string]bool{}, map[string]bool{}
	for i, l := range items {
		at := func(name string) string { return fmt.Sprintf("%s[%d].%s", field, i, name) }
		l.LessonID, l.Theme = strings.TrimSpace(l.LessonID), strings.TrimSpace(l.Theme)
		l.TextJA, l.TextEN, l.Note = strings.TrimSpace(l.TextJA), strings.TrimSpace(l.TextEN), strings.TrimSpace(l.Note)
		if err := tooLong(at("note"), l.Note, 2000); err != nil {
			return nil, err
		}
		if l.LessonID != "" {
			switch {
			case index[l.LessonID] == nil:
				return nil, input(at("lesson_id"), "lesson.unknown", "%q is not a lesson of the catalogue", l.LessonID)
			case ids[l.LessonID]:
				return nil, input(at("lesson_id"), "lesson.twice", "%s appears twice", l.LessonID)
			}
			ids[l.LessonID] = true
			out = append(out, l.stored())
			continue
		}
		switch {
		case l.Theme == "":
			return nil, input(at("theme"), "lesson.theme_required", "required: link a lesson (lesson_id) or propose one with its theme")
		case s.Config.Lessons.Theme(l.Theme) == nil:
			return nil, input(at("theme"), "lesson.theme_unknown", "%q is not a theme of the catalogue", l.Theme)
		case l.TextJA == "":
			return nil, input(at("text_ja"), "lesson.text_required", "required: the lesson in Japanese")
		case complete && l.TextEN == "":
			return nil, input(at("text_en"), "lesson.text_en_required", "required: the lesson in English (it goes into the catalogue)")
		case texts[l.TextJA]:
			return nil, input(at("text_ja"), "lesson.twice", "the same lesson appears twice")
		}
		for _, f := range []struct{ name, v string }{{"text_ja", l.TextJA}, {"text_en", l.TextEN}} {
			if err := tooLong(at(f.name), f.v, 2000); err != nil {
				return nil, err
			}
		}
		texts[l.TextJA] = true
		out = append(out, l.stored())
	}
	return out, nil
}

// resolve fills in the catalogue's text of linked lessons.
func resolve(items []LessonRef, index map[string]*Lesson) []LessonRef {
	out := make([]LessonRef, len(items))
	for i, l := range items {
		if x := index[l.LessonID]; x != nil {
			l.Theme, l.TextJA, l.TextEN, l.FirstYear, l.Source = x.Theme, x.JA, x.EN, x.FirstYear, x.Source
		}
		out[i] = l
	}
	return out
}

// YearCount is how many cases of a fiscal year a lesson is linked to.
type YearCount struct {
	FiscalYear int `json:"fiscal_year"`
	Cases      int `json:"cases"`
}

// LessonStat is a lesson with how often it was drawn.
type LessonStat struct {
	Lesson
	// Cases counts the cases linked to the lesson; Recurrences those of a
	// later fiscal year than its first (the lesson recurred).
	Cases       int         `json:"cases"`
	Recurrences int         `json:"recurrences"`
	Years       []YearCount `json:"years"`
	LastYear    int         `json:"last_year,omitempty"`
	// OriginCaseID is the case a committee lesson was drawn from, when the
	// caller may see that case's committee part.
	OriginCaseID int64 `json:"origin_case_id,omitempty"`
}

// ThemeStat is a theme with its lessons.
type ThemeStat struct {
	ID      string       `json:"id"`
	Code    string       `json:"code"`
	JA      string       `json:"ja"`
	EN      string       `json:"en"`
	Lessons []LessonStat `json:"lessons"`
	// Cases counts the cases linked to any lesson of the theme.
	Cases int `json:"cases"`
}

// CatalogueView is the lessons catalogue with its counts.
type CatalogueView struct {
	Version int         `json:"version"`
	Themes  []ThemeStat `json:"themes"`
	Lessons int         `json:"lessons"`
	Links   int         `json:"links"`
}

type linkRow struct {
	CaseID     int64
	LessonID   string
	FiscalYear int
	Recurring  bool
	Source     string
	LinkedAt   time.Time
}

func links(db *gorm.DB, lesson string) ([]linkRow, error) {
	q := `SELECT l.case_id, l.lesson_id, l.fiscal_year, l.recurring, l.source, l.linked_at FROM case_lessons l
		JOIN cases c ON c.id = l.case_id WHERE c.merged_into IS NULL`
	var rows []linkRow
	var err error
	if lesson != "" {
		err = db.Raw(q+" AND l.lesson_id = ? ORDER BY l.fiscal_year DESC, l.case_id DESC", lesson).Scan(&rows).Error
	} else {
		err = db.Raw(q + " ORDER BY l.lesson_id, l.fiscal_year").Scan(&rows).Error
	}
	return rows, err
}

// Catalogue is the lessons catalogue as sub may read it: every theme and
// lesson (the file's and the committee's), with how many cases each is
// linked to and how often it recurred — aggregates, as the annual report
// publishes them. theme keeps one theme. The committee and the editors
// read it.
func (s *Service) Catalogue(ctx context.Context, sub access.Subject, theme string) (*CatalogueView, error) {
	if !s.Access.CanSystem(sub, access.Lessons, access.Read) {
		return nil, casefile.ErrForbidden
	}
	return s.catalogue(ctx, &sub, theme)
}

// CatalogueStats is the catalogue with its counts for the command line
// (`kensho lessons`), which reads the database as its owner.
func (s *Service) CatalogueStats(ctx context.Context, theme string) (*CatalogueView, error) {
	return s.catalogue(ctx, nil, theme)
}

func (s *Service) catalogue(ctx context.Context, sub *access.Subject, theme string) (*CatalogueView, error) {
	if theme != "" && s.Config.Lessons.Theme(theme) == nil {
		return nil, input("theme", "lesson.theme_unknown", "%q is not a theme of the catalogue", theme)
	}
	db := s.DB.WithContext(ctx)
	extra, origin, err := committeeLessons(db)
	if err != nil {
		return nil, err
	}
	all, err := links(db, "")
	if err != nil {
		return nil, err
	}
	byLesson := map[string][]linkRow{}
	for _, l := range all {
		byLesson[l.LessonID] = append(byLesson[l.LessonID], l)
	}
	v := &CatalogueView{Version: s.Config.Lessons.Version, Themes: []ThemeStat{}}
	themes := slices.Clone(s.Config.Lessons.Themes)
	// A committee lesson of a theme no longer in the file still shows.
	for _, l := range extra {
		if s.Config.Lessons.Theme(l.Theme) == nil && !slices.ContainsFunc(themes, func(t *Theme) bool { return t.ID == l.Theme }) {
			themes = append(themes, &Theme{ID: l.Theme, JA: l.Theme, EN: l.Theme})
		}
	}
	for _, t := range themes {
		if theme != "" && t.ID != theme {
			continue
		}
		ts := ThemeStat{ID: t.ID, Code: t.Code, JA: t.JA, EN: t.EN, Lessons: []LessonStat{}}
		lessons := slices.Clone(t.Lessons)
		for _, l := range extra {
			if l.Theme == t.ID {
				lessons = append(lessons, l)
			}
		}
		cases := map[int64]bool{}
		for _, l := range lessons {
			st := stat(l, byLesson[l.ID])
			if o := origin[l.ID]; o != 0 && (sub == nil || s.mayReadCommittee(db, *sub, o)) {
				st.OriginCaseID = o
			}
			for _, x := range byLesson[l.ID] {
				cases[x.CaseID] = true
			}
			ts.Lessons = append(ts.Lessons, st)
			v.Lessons++
			v.Links += st.Cases
		}
		ts.Cases = len(cases)
		v.Themes = append(v.Themes, ts)
	}
	return v, nil
}

func stat(l *Lesson, rows []linkRow) LessonStat {
	st := LessonStat{Lesson: *l, Years: []YearCount{}}
	for _, r := range rows {
		st.Cases++
		if r.Recurring {
			st.Recurrences++
		}
		if n := len(st.Years); n > 0 && st.Years[n-1].FiscalYear == r.FiscalYear {
			st.Years[n-1].Cases++
		} else {
			st.Years = append(st.Years, YearCount{FiscalYear: r.FiscalYear, Cases: 1})
		}
		st.LastYear = max(st.LastYear, r.FiscalYear)
	}
	slices.SortFunc(st.Years, func(a, b YearCount) int { return cmp.Compare(a.FiscalYear, b.FiscalYear) })
	return st
}

// mayReadCommittee reports whether sub may read the committee part of case id.
func (s *Service) mayReadCommittee(db *gorm.DB, sub access.Subject, id int64) bool {
	orgs, err := casestore.OperatorOrgs(db, []int64{id})
	if err != nil {
		return false
	}
	return s.Access.Can(sub, access.NewCaseRef(id, orgs[id]), access.Committee, access.Read)
}

// LinkedCase is a case a lesson was drawn from.
type LinkedCase struct {
	CaseID     int64     `json:"case_id"`
	Ref        string    `json:"ref"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	FiscalYear int       `json:"fiscal_year"`
	Recurring  bool      `json:"recurring"`
	Source     string    `json:"source"`
	LinkedAt   time.Time `json:"linked_at"`
}

// LessonDetail is one lesson with the cases it was drawn from.
type LessonDetail struct {
	LessonStat
	ThemeJA string `json:"theme_ja"`
	ThemeEN string `json:"theme_en"`
	// Linked are the cases whose committee part the caller may read; the
	// others are counted in Cases only.
	Linked []LinkedCase `json:"linked"`
}

// LessonByID is lesson id with its linked cases as sub may see them.
func (s *Service) LessonByID(ctx context.Context, sub access.Subject, id string) (*LessonDetail, error) {
	if !s.Access.CanSystem(sub, access.Lessons, access.Read) {
		return nil, casefile.ErrForbidden
	}
	db := s.DB.WithContext(ctx)
	index, err := s.lessonIndex(db)
	if err != nil {
		return nil, err
	}
	l := index[id]
	if l == nil {
		return nil, ErrNotFound
	}
	rows, err := links(db, id)
	if err != nil {
		return nil, err
	}
	_, origin, err := committeeLessons(db)
	if err != nil {
		return nil, err
	}
	d := &LessonDetail{LessonStat: stat(l, rows), Linked: []LinkedCase{}}
	if t := s.Config.Lessons.Theme(l.Theme); t != nil {
		d.ThemeJA, d.ThemeEN = t.JA, t.EN
	}
	if o := origin[id]; o != 0 && s.mayReadCommittee(db, sub, o) {
		d.OriginCaseID = o
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.CaseID
	}
	orgs, err := casestore.OperatorOrgs(db, ids)
	if err != nil {
		return nil, err
	}
	var cases []struct {
		ID      int64
		Ref     string
		Kind    string
		Summary string
	}
	if len(ids) > 0 {
		if err := db.Raw(`SELECT id, ref, kind, summary FROM cases WHERE id IN ?`, ids).Scan(&cases).Error; err != nil {
			return nil, err
		}
	}
	var shown []int64
	for _, r := range rows {
		if !s.Access.Can(sub, access.NewCaseRef(r.CaseID, orgs[r.CaseID]), access.Committee, access.Read) {
			continue
		}
		lc := LinkedCase{CaseID: r.CaseID, FiscalYear: r.FiscalYear, Recurring: r.Recurring, Source: r.Source, LinkedAt: r.LinkedAt}
		for _, c := range cases {
			if c.ID == r.CaseID {
				lc.Ref, lc.Kind, lc.Title = c.Ref, c.Kind, c.Summary
			}
		}
		d.Linked = append(d.Linked, lc)
		shown = append(shown, r.CaseID)
	}
	if len(shown) > 0 {
		if err := audit.Record(ctx, s.DB, audit.Event{Actor: actor(sub), Action: audit.ActionRead, Object: "lessons/" + id,
			Detail: map[string]any{"tiers": []access.Tier{access.Committee}, "cases": shown}}); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// linkLessons makes the case-lesson links of case id (fiscal year fy) be
// exactly ids for source, inside tx: links no longer there go, new ones
// come, each marked recurring when the lesson was first drawn before fy.
func linkLessons(tx *gorm.DB, id int64, fy int, ids []string, index map[string]*Lesson, source, by string) (added, removed []string, err error) {
	var have []string
	if err := tx.Raw(`SELECT lesson_id FROM case_lessons WHERE case_id = ? AND source = ?`, id, source).Scan(&have).Error; err != nil {
		return nil, nil, err
	}
	for _, h := range have {
		if !slices.Contains(ids, h) {
			removed = append(removed, h)
		}
	}
	if len(removed) > 0 {
		if err := tx.Exec(`DELETE FROM case_lessons WHERE case_id = ? AND source = ? AND lesson_id IN ?`, id, source, removed).Error; err != nil {
			return nil, nil, err
		}
	}
	for _, l := range ids {
		if slices.Contains(have, l) {
			continue
		}
		x := index[l]
		if x == nil {
			return nil, nil, fmt.Errorf("lesson %s is not in the catalogue", l)
		}
		res := tx.Exec(`INSERT INTO case_lessons (case_id, lesson_id, fiscal_year, recurring, source, linked_by)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, lesson_id) DO NOTHING`, id, l, fy, x.FirstYear < fy, source, by)
		if res.Error != nil {
			return nil, nil, res.Error
		}
		if res.RowsAffected > 0 {
			added = append(added, l)
		}
	}
	return added, removed, nil
}

// RecordHistory links case id to catalogue lessons as an earlier annual
// report recorded them (the committee's verification before Kenshō):
// links already there are kept, so recording twice is one. For the
// secretariat (it consolidates); audited.
func (s *Service) RecordHistory(ctx context.Context, sub access.Subject, id int64, lessonIDs []string) error {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return err
	}
	if !s.can(sub, c, access.Consolidate) {
		return casefile.ErrForbidden
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, id); err != nil {
			return err
		}
		index, err := s.lessonIndex(tx)
		if err != nil {
			return err
		}
		var have []string
		if err := tx.Raw(`SELECT lesson_id FROM case_lessons WHERE case_id = ? AND source = 'history'`, id).Scan(&have).Error; err != nil {
			return err
		}
		want := slices.Clone(have)
		for i, l := range lessonIDs {
			if index[l] == nil {
				return input(fmt.Sprintf("lessons[%d]", i), "lesson.unknown", "%q is not a lesson of the catalogue", l)
			}
			if !slices.Contains(want, l) {
				want = append(want, l)
			}
		}
		added, _, err := linkLessons(tx, id, c.rec.FiscalYear, want, index, "history", actor(sub))
		if err != nil || len(added) == 0 {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionLessonLink, Object: access.CaseKey(id) + "/lessons",
			CaseID: id, Detail: map[string]any{"added": added, "source": "history"}})
		return err
	})
}

// nextLessonID is a new committee lesson's id in theme code for fiscal
// year fy: CODE-FY-NN, the next number (lessons are created under the
// lessons lock, so two consolidations do not take the same one).
func nextLessonID(tx *gorm.DB, code string, fy int) (string, error) {
	if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtextextended('review:lessons', 0))").Error; err != nil {
		return "", err
	}
	prefix := fmt.Sprintf("%s-%d-", code, fy)
	var n int
	if err := tx.Raw(`SELECT coalesce(max(substr(id, ?)::int), 0) FROM lessons WHERE id LIKE ?`, len(prefix)+1, prefix+"%").
		Scan(&n).Error; err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%02d", prefix, n+1), nil
}
