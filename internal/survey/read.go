package survey

import (
	"context"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/jpdate"
	"kensho/internal/report"
)

// LessonResult is one lesson of a survey with its results so far: its
// place in the survey, its theme, and the counts, shares and class the
// annual report prints (report.SurveyLesson).
type LessonResult struct {
	Position int    `json:"position"`
	Theme    string `json:"theme"`
	report.SurveyLesson
}

// Progress is how far one organisation a survey is addressed to has
// answered it: Answered of Lessons, and who submitted last and when.
type Progress struct {
	OrganisationID int64      `json:"organisation_id"`
	Organisation   string     `json:"organisation"`
	Designated     bool       `json:"designated"`
	Answered       int        `json:"answered"`
	Lessons        int        `json:"lessons"`
	AnsweredBy     string     `json:"answered_by,omitempty"`
	AnsweredAt     *time.Time `json:"answered_at,omitempty"`
}

// Survey is one survey as the secretariat sees it: its state, the results
// per lesson in the survey's order and each recipient's progress.
type Survey struct {
	ID         int64  `json:"id"`
	FiscalYear int    `json:"fiscal_year"`
	Title      string `json:"title"`
	Status     string `json:"status"`
	// DueOn is the last day (JST) to answer by, 2006-01-02; "" when none.
	DueOn     string     `json:"due_on,omitempty"`
	Version   int        `json:"version"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	OpenedBy  string     `json:"opened_by,omitempty"`
	OpenedAt  *time.Time `json:"opened_at,omitempty"`
	ClosedBy  string     `json:"closed_by,omitempty"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
	// Threshold is the share a class needs (configs/report.yaml).
	Threshold float64        `json:"threshold"`
	Lessons   []LessonResult `json:"lessons"`
	// Recipients are the organisations addressed, designated ones first.
	Recipients []Progress `json:"recipients"`
	// Respondents counts the organisations that answered.
	Respondents int `json:"respondents"`
}

// Item is a survey in a list. The secretariat's list counts recipients and
// respondents; a reporter's says how many lessons its organisation answered.
type Item struct {
	ID          int64      `json:"id"`
	FiscalYear  int        `json:"fiscal_year"`
	Title       string     `json:"title"`
	Status      string     `json:"status"`
	DueOn       string     `json:"due_on,omitempty"`
	Version     int        `json:"version"`
	Lessons     int        `json:"lessons"`
	OpenedAt    *time.Time `json:"opened_at,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	Recipients  *int       `json:"recipients,omitempty"`
	Respondents *int       `json:"respondents,omitempty"`
	Answered    *int       `json:"answered,omitempty"`
}

// List is the surveys sub may see: every survey for the secretariat, the
// latest fiscal year first; for a reporter, the open surveys addressed to
// its organisation, the soonest due first.
func (s *Service) List(ctx context.Context, sub access.Subject) ([]Item, error) {
	db := s.DB.WithContext(ctx)
	const counts = `(SELECT count(*) FROM survey_lessons l WHERE l.survey_id = s.id) AS lessons`
	var rows []struct {
		ID          int64
		FiscalYear  int
		Title       string
		Status      string
		DueOn       string
		Version     int
		OpenedAt    *time.Time
		ClosedAt    *time.Time
		Lessons     int
		Recipients  int
		Respondents int
		Answered    int
	}
	var mine bool
	switch org := s.answerer(sub); {
	case s.mayRead(sub):
		if err := db.Raw(`SELECT q.*, ` + counts + `,
			(SELECT count(*) FROM survey_recipients r WHERE r.survey_id = s.id) AS recipients,
			(SELECT count(DISTINCT a.organisation_id) FROM survey_answers a WHERE a.survey_id = s.id) AS respondents
			FROM (` + surveySelect + `) q JOIN surveys s ON s.id = q.id ORDER BY s.fiscal_year DESC, s.id DESC`).Scan(&rows).Error; err != nil {
			return nil, err
		}
	case org != 0:
		mine = true
		if err := db.Raw(`SELECT q.*, `+counts+`,
			(SELECT count(*) FROM survey_answers a WHERE a.survey_id = s.id AND a.organisation_id = ?) AS answered
			FROM (`+surveySelect+`) q JOIN surveys s ON s.id = q.id
			JOIN survey_recipients r ON r.survey_id = s.id AND r.organisation_id = ?
			WHERE s.status = 'open' ORDER BY s.due_on NULLS LAST, s.id`, org, org).Scan(&rows).Error; err != nil {
			return nil, err
		}
	default:
		return nil, ErrForbidden
	}
	out := make([]Item, len(rows))
	for i, r := range rows {
		it := Item{ID: r.ID, FiscalYear: r.FiscalYear, Title: r.Title, Status: r.Status, DueOn: r.DueOn, Version: r.Version,
			Lessons: r.Lessons, OpenedAt: r.OpenedAt, ClosedAt: r.ClosedAt}
		if mine {
			it.Answered = &rows[i].Answered
		} else {
			it.Recipients, it.Respondents = &rows[i].Recipients, &rows[i].Respondents
		}
		out[i] = it
	}
	return out, nil
}

// Get is survey id with its results and each recipient's progress, for
// the secretariat. A reporter of an organisation it is addressed to gets
// ErrForbidden (it answers, it does not read the results); everyone else
// ErrNotFound.
func (s *Service) Get(ctx context.Context, sub access.Subject, id int64) (*Survey, error) {
	if !s.mayRead(sub) {
		return nil, s.refuse(ctx, sub, id)
	}
	return s.detail(ctx, s.DB.WithContext(ctx), id)
}

// detail is survey id whole, read through db.
func (s *Service) detail(ctx context.Context, db *gorm.DB, id int64) (*Survey, error) {
	r, err := load(db, id, "")
	if err != nil {
		return nil, err
	}
	index, _, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	lessons, err := s.results(db, id, index)
	if err != nil {
		return nil, err
	}
	v := &Survey{ID: r.ID, FiscalYear: r.FiscalYear, Title: r.Title, Status: r.Status, DueOn: r.DueOn, Version: r.Version,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, OpenedBy: r.OpenedBy, OpenedAt: r.OpenedAt, ClosedBy: r.ClosedBy,
		ClosedAt: r.ClosedAt, Threshold: s.Threshold, Lessons: lessons, Recipients: []Progress{}}
	var progress []struct {
		OrganisationID int64
		Organisation   string
		Designated     bool
		Answered       int
		AnsweredBy     string
		AnsweredAt     *time.Time
	}
	if err := db.Raw(`SELECT r.organisation_id, o.name AS organisation, o.designated, count(a.lesson_id) AS answered,
		coalesce(max(a.answered_by), '') AS answered_by, max(a.answered_at) AS answered_at
		FROM survey_recipients r JOIN organisations o ON o.id = r.organisation_id
		LEFT JOIN survey_answers a ON a.survey_id = r.survey_id AND a.organisation_id = r.organisation_id
		WHERE r.survey_id = ? GROUP BY r.organisation_id, o.name, o.designated ORDER BY o.designated DESC, o.name, r.organisation_id`, id).
		Scan(&progress).Error; err != nil {
		return nil, err
	}
	for _, p := range progress {
		v.Recipients = append(v.Recipients, Progress{OrganisationID: p.OrganisationID, Organisation: p.Organisation, Designated: p.Designated,
			Answered: p.Answered, Lessons: len(lessons), AnsweredBy: p.AnsweredBy, AnsweredAt: p.AnsweredAt})
		if p.Answered > 0 {
			v.Respondents++
		}
	}
	return v, nil
}

// results are the lessons of survey id, in its order, with their results.
func (s *Service) results(db *gorm.DB, id int64, index map[string]lessonInfo) ([]LessonResult, error) {
	ids, err := lessonsOf(db, id)
	if err != nil {
		return nil, err
	}
	var counts []struct {
		LessonID  string
		Status    string
		Effective bool
		N         int
	}
	if err := db.Raw(`SELECT lesson_id, status, coalesce(effective, false) AS effective, count(*) AS n FROM survey_answers
		WHERE survey_id = ? GROUP BY lesson_id, status, coalesce(effective, false)`, id).Scan(&counts).Error; err != nil {
		return nil, err
	}
	tallies := map[string]*Tally{}
	for _, c := range counts {
		t := tallies[c.LessonID]
		if t == nil {
			t = &Tally{}
			tallies[c.LessonID] = t
		}
		for range c.N {
			t.Add(c.Status, c.Effective)
		}
	}
	out := make([]LessonResult, len(ids))
	for i, l := range ids {
		var t Tally
		if x := tallies[l]; x != nil {
			t = *x
		}
		li := info(index, l)
		res := Result(t, s.Threshold)
		res.ID, res.JA, res.EN = li.ID, li.JA, li.EN
		out[i] = LessonResult{Position: i + 1, Theme: li.Theme, SurveyLesson: res}
	}
	return out, nil
}

// Organisation is an organisation a survey may be addressed to, and why
// it is in the default: designated (指定公共機関) or accident (it had an
// accident in the three fiscal years before).
type Organisation struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Designated bool   `json:"designated"`
	Accident   bool   `json:"accident"`
}

// defaultRecipients are the organisations a survey of fiscal year fy is
// addressed to unless the secretariat names them: the designated
// organisations, and every organisation with an accident case in one of
// the three fiscal years before fy — those the lessons were drawn for.
func defaultRecipients(db *gorm.DB, fy int) ([]Organisation, error) {
	var out []Organisation
	err := db.Raw(`SELECT o.id, o.name, o.designated, o.id IN (SELECT co.organisation_id FROM case_operators co
			JOIN cases c ON c.id = co.case_id WHERE c.kind = 'accident' AND c.fiscal_year BETWEEN ? AND ?) AS accident
		FROM organisations o WHERE o.designated OR o.id IN (SELECT co.organisation_id FROM case_operators co
			JOIN cases c ON c.id = co.case_id WHERE c.kind = 'accident' AND c.fiscal_year BETWEEN ? AND ?)
		ORDER BY o.designated DESC, o.name, o.id`, fy-3, fy-1, fy-3, fy-1).Scan(&out).Error
	return out, err
}

// ChoiceTheme is a theme of the catalogue with its lessons, for the form
// that creates a survey.
type ChoiceTheme struct {
	ID      string         `json:"id"`
	JA      string         `json:"ja"`
	EN      string         `json:"en"`
	Lessons []ChoiceLesson `json:"lessons"`
}

// ChoiceLesson is a lesson a survey may ask about.
type ChoiceLesson struct {
	ID        string `json:"id"`
	JA        string `json:"ja"`
	EN        string `json:"en"`
	FirstYear int    `json:"first_year"`
}

// Choices is what the form creating a survey of a fiscal year offers: the
// catalogue's lessons by theme and the default recipients of that year.
type Choices struct {
	FiscalYear int            `json:"fiscal_year"`
	Themes     []ChoiceTheme  `json:"themes"`
	Recipients []Organisation `json:"recipients"`
}

// Choices are the lessons and the default recipients of a survey of fiscal
// year fy (0: the current fiscal year), for the secretariat.
func (s *Service) Choices(ctx context.Context, sub access.Subject, fy int) (*Choices, error) {
	if !s.mayManage(sub) {
		return nil, ErrForbidden
	}
	if fy < 2000 || fy > 2100 {
		fy = jpdate.FiscalYear(s.now())
	}
	_, v, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	ch := &Choices{FiscalYear: fy, Themes: []ChoiceTheme{}}
	for _, t := range v.Themes {
		ct := ChoiceTheme{ID: t.ID, JA: t.JA, EN: t.EN, Lessons: []ChoiceLesson{}}
		for _, l := range t.Lessons {
			ct.Lessons = append(ct.Lessons, ChoiceLesson{ID: l.ID, JA: l.JA, EN: l.EN, FirstYear: l.FirstYear})
		}
		ch.Themes = append(ch.Themes, ct)
	}
	if ch.Recipients, err = defaultRecipients(s.DB.WithContext(ctx), fy); err != nil {
		return nil, err
	}
	if ch.Recipients == nil {
		ch.Recipients = []Organisation{}
	}
	return ch, nil
}
