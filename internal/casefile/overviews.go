package casefile

import (
	"context"

	"kensho/internal/access"
)

// Overviews are the list items of those of cases ids whose overview sub
// may read — with their ref, operators and summary, as a list shows them;
// the others are absent. The second result gives, by tier, the ids whose
// overview is shown while it is not public, for the caller's audit entry
// (nothing is audited here). Studies over the whole case base (the
// what-if study) name the cases that changed through it, so that a case
// the caller may not see is counted but never named.
func (s *Service) Overviews(ctx context.Context, sub access.Subject, ids []int64) (map[int64]Item, map[access.Tier][]int64, error) {
	out := map[int64]Item{}
	if len(ids) == 0 {
		return out, nil, nil
	}
	where := access.And(s.visibility(sub).any(), access.Clause{SQL: "c.id = ANY(?::bigint[])", Args: []any{idList(ids)}})
	var rows []listRow
	if err := s.DB.WithContext(ctx).Table("cases c").Select(listColumns).Where(where.SQL, where.Args...).
		Order("c.occurred_at, c.id").Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	items, shown, err := s.items(ctx, sub, rows)
	if err != nil {
		return nil, nil, err
	}
	for _, it := range items {
		// Seen through its anonymised summary or the committee part only:
		// no ref to name it by.
		if it.OccurredAt != nil {
			out[it.ID] = it
		}
	}
	return out, shown, nil
}
