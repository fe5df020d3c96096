package review

import (
	"context"

	"kensho/internal/access"
	"kensho/internal/casefile"
)

// Awaiting counts the cases awaiting a triage decision (not linked into
// another case), as the desk's first tab does, for a line on the
// secretariat's home page. It is a number, not the cases: nothing of them
// is read, so nothing is audited. Only those who triage may ask.
func (s *Service) Awaiting(ctx context.Context, sub access.Subject) (int64, error) {
	if !s.Access.Can(sub, access.System, access.Committee, access.Triage) {
		return 0, casefile.ErrForbidden
	}
	var n int64
	err := s.DB.WithContext(ctx).Raw(`SELECT count(*) FROM cases c WHERE c.merged_into IS NULL
		AND NOT EXISTS (SELECT 1 FROM triage_decisions d WHERE d.case_id = c.id)`).Scan(&n).Error
	return n, err
}
