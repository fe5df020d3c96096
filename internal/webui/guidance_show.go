package webui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/review"
)

// guidanceShowPage is the data of guidance.html: one guidance record,
// with the secretariat's form to follow it up.
type guidanceShowPage struct {
	rvBase
	G *review.Guidance
	// CanEdit: the caller edits and publishes guidance (the secretariat);
	// the service decides again on each change.
	CanEdit  bool
	Form     guidanceForm
	Errors   map[string]string
	TopError string
	Conflict *review.ConflictError
}

// Err is the problem of a field of the form.
func (d *guidanceShowPage) Err(field string) string { return d.Errors[field] }

// guidanceID reads the {id} of a guidance path; a malformed one is a
// record that does not exist.
func guidanceID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, review.ErrNotFound
	}
	return id, nil
}

func guidanceFormOf(g *review.Guidance) guidanceForm {
	f := guidanceForm{Version: g.Version, Organisation: g.Organisation, IssuedOn: g.IssuedOn, Reference: g.Reference, Measures: g.Measures}
	if g.FollowUp != nil {
		f.FollowUpDue, f.FollowUpStatus, f.FollowUpText = g.FollowUp.DueOn, g.FollowUp.Status, g.FollowUp.Text
	}
	return f
}

// guidanceRecord loads guidance id as the caller may see it.
func (p *pages) guidanceRecord(c echo.Context, id int64) (*guidanceShowPage, error) {
	sub := user(c).Subject
	g, err := p.Review.GuidanceByID(c.Request().Context(), sub, id)
	if err != nil {
		return nil, err
	}
	d := &guidanceShowPage{rvBase: p.newRvBase(c, "gd.title", "guidance"), G: g, Form: guidanceFormOf(g), Errors: map[string]string{}}
	d.Title = d.Tf("gd.show.title", g.Organisation, d.Day(g.IssuedOn))
	d.Marking = g.TLP
	if g.FollowUp != nil {
		d.Marking = access.Committee.TLP()
		d.CanEdit = p.Access.Can(sub, access.System, access.Committee, access.Guide)
	}
	if err := p.withPeople(c, &d.names); err != nil {
		return nil, err
	}
	return d, nil
}

// guidanceShow is one guidance record: the whole of it for the committee,
// the published record for others (a record they may not see is not found).
func (p *pages) guidanceShow(c echo.Context) error {
	id, err := guidanceID(c)
	if err != nil {
		return err
	}
	d, err := p.guidanceRecord(c, id)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "guidance.html", d)
}
