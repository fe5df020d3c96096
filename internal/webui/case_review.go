package webui

import (
	"errors"
	"slices"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/review"
)

// caseReview is the review block of a case page: where the committee's
// review of the case stands, with links to the workspace, the
// consolidation and guidance for those who may use them.
type caseReview struct {
	*rvBase
	CaseID int64
	R      *review.CaseReview
	// CanAnnotate: the caller is on the panel; CanConsolidate and CanGuide:
	// the secretariat.
	CanAnnotate, CanConsolidate, CanGuide bool
}

// loadCaseReview fills the review block for a caller who reads the case's
// committee part; others get none.
func (p *pages) loadCaseReview(c echo.Context, d *casePage) error {
	if p.Review == nil || d.View.Committee == nil {
		return nil
	}
	r, err := p.Review.Review(c.Request().Context(), user(c).Subject, d.View.ID)
	if errors.Is(err, casefile.ErrForbidden) || errors.Is(err, casefile.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	d.Review = &caseReview{rvBase: p.rvBaseOf(d.base), CaseID: d.View.ID, R: r,
		CanAnnotate: slices.Contains(r.Actions, access.Annotate), CanConsolidate: slices.Contains(r.Actions, access.Consolidate),
		CanGuide: slices.Contains(r.Actions, access.Guide)}
	return nil
}
