package survey

import (
	"context"
	"time"

	"kensho/internal/jpdate"
	"kensho/internal/report"
)

// ReportSurveys returns the closed surveys of fiscal year fy, in the order they closed, with the
// results per lesson in the survey's order, for the annual report.
//
// It reads as the report builder does — with the database's credentials,
// no caller — and gives only what the report publishes: titles, the day
// each closed (JST), how many organisations answered and the aggregates
// per lesson, never who answered what. Surveys still open or in draft are
// not results yet and are left out.
func (s *Service) ReportSurveys(ctx context.Context, fy int) ([]report.Survey, error) {
	db := s.DB.WithContext(ctx)
	var rows []struct {
		ID          int64
		Title       string
		ClosedAt    time.Time
		Respondents int
	}
	if err := db.Raw(`SELECT s.id, s.title, s.closed_at,
		(SELECT count(DISTINCT a.organisation_id) FROM survey_answers a WHERE a.survey_id = s.id) AS respondents
		FROM surveys s WHERE s.status = 'closed' AND s.fiscal_year = ? ORDER BY s.closed_at, s.id`, fy).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]report.Survey, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	index, _, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		lessons, err := s.results(db, r.ID, index)
		if err != nil {
			return nil, err
		}
		sv := report.Survey{Title: r.Title, ClosedOn: jpdate.DateOf(r.ClosedAt), Respondents: r.Respondents,
			Threshold: s.Threshold, Lessons: make([]report.SurveyLesson, len(lessons))}
		for i, l := range lessons {
			sv.Lessons[i] = l.SurveyLesson
		}
		out = append(out, sv)
	}
	return out, nil
}
