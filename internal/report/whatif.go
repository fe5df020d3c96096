// Package report builds what the ministry publishes and studies from the
// case base. For now: the what-if study, which re-judges every case under
// another rule set fiscal year by fiscal year.
package report

import (
	"context"
	"time"

	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/jpdate"
	"kensho/internal/rules"
)

// Service answers studies over the case base.
type Service struct {
	store   *casestore.Store
	catalog *rules.Catalog
}

// New returns a report service.
func New(store *casestore.Store, catalog *rules.Catalog) *Service {
	return &Service{store: store, catalog: catalog}
}

// WhatIf compares, per fiscal year (April–March, JST), the serious
// accidents under the rule sets in force with those under rule set id, for
// cases that occurred from the date from to the date to (inclusive). Zero
// dates mean the first and last occurrence in the case base. A case linked
// into another counts once, as that one.
func (s *Service) WhatIf(ctx context.Context, id string, from, to time.Time) ([]rules.WhatIfYear, error) {
	if _, err := s.catalog.Get(id); err != nil {
		return nil, err
	}
	if from.IsZero() || to.IsZero() {
		first, last, n, err := s.store.Span(ctx)
		if err != nil {
			return nil, err
		}
		if n == 0 && (from.IsZero() || to.IsZero()) {
			return []rules.WhatIfYear{}, nil
		}
		if from.IsZero() {
			from, _ = jpdate.ParseDate(jpdate.DateOf(first))
		}
		if to.IsZero() {
			to, _ = jpdate.ParseDate(jpdate.DateOf(last))
		}
	}
	study, err := s.catalog.NewStudy(id, from, to)
	if err != nil {
		return nil, err
	}
	// Loading from the database and judging take about as long as each
	// other: judge one batch while the next loads.
	batches := make(chan []caseformat.Case, 2)
	judged := make(chan error, 1)
	go func() {
		var err error
		for cases := range batches {
			for _, c := range cases {
				if err == nil {
					err = study.Add(c)
				}
			}
		}
		judged <- err
	}()
	err = s.store.Stream(ctx, casestore.Filter{From: from, To: to.AddDate(0, 0, 1), Unmerged: true}, 1000, func(cases []caseformat.Case) error {
		select {
		case batches <- cases:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(batches)
	if jerr := <-judged; err == nil {
		err = jerr
	}
	if err != nil {
		return nil, err
	}
	return study.Years(), nil
}
