package webui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/report"
)

// editionSteps are the workflow's buttons: each posts the version the page
// showed, and the service decides whether the caller may take it now.
var editionSteps = map[string]func(r *report.Editions, ctx context.Context, sub access.Subject, id int64, version int, reason string) (*report.Edition, error){
	"rebuild": func(r *report.Editions, ctx context.Context, sub access.Subject, id int64, v int, _ string) (*report.Edition, error) {
		return r.Rebuild(ctx, sub, id, v)
	},
	"submit": func(r *report.Editions, ctx context.Context, sub access.Subject, id int64, v int, _ string) (*report.Edition, error) {
		return r.Submit(ctx, sub, id, v)
	},
	"return": func(r *report.Editions, ctx context.Context, sub access.Subject, id int64, v int, reason string) (*report.Edition, error) {
		return r.Return(ctx, sub, id, v, reason)
	},
	"approve": func(r *report.Editions, ctx context.Context, sub access.Subject, id int64, v int, _ string) (*report.Edition, error) {
		return r.Approve(ctx, sub, id, v)
	},
	"publish": func(r *report.Editions, ctx context.Context, sub access.Subject, id int64, v int, _ string) (*report.Edition, error) {
		return r.Publish(ctx, sub, id, v)
	},
}

// editionStep takes one step of the workflow (/reports/editions/:id/:step).
func (p *pages) editionStep(c echo.Context) error {
	id, err := editionIDParam(c)
	if err != nil {
		return err
	}
	name := c.Param("step")
	step, ok := editionSteps[name]
	if !ok {
		return report.ErrNotFound
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	reason := c.FormValue("reason")
	e, err := step(p.Reports, c.Request().Context(), user(c).Subject, id, version, reason)
	if err == nil {
		if name == "publish" {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d?edition=%d&done=edition-published", e.FiscalYear, e.Edition))
		}
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/editions/%d?done=edition-%s", id, name))
	}
	return p.editionFailed(c, id, err, nil)
}

// editionComment adds a comment.
func (p *pages) editionComment(c echo.Context) error {
	id, err := editionIDParam(c)
	if err != nil {
		return err
	}
	body := c.FormValue("body")
	if _, err := p.Reports.AddComment(c.Request().Context(), user(c).Subject, id, body); err != nil {
		return p.editionFailed(c, id, err, nil)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/editions/%d?done=edition-commented#comments", id))
}

// editionCorrect starts the correction of a published edition: the next
// edition of its year, with what it corrects.
func (p *pages) editionCorrect(c echo.Context) error {
	id, err := editionIDParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sub := user(c).Subject
	old, err := p.Reports.Get(ctx, sub, id)
	if err != nil {
		return err
	}
	e, err := p.Reports.Create(ctx, sub, report.CreateInput{FiscalYear: old.FiscalYear, Foreword: old.Foreword,
		Corrects: id, Correction: c.FormValue("correction")})
	if err != nil {
		return p.editionFailed(c, id, err, func(d *editionPage) { d.Correction = c.FormValue("correction") })
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/editions/%d?done=edition-created", e.ID))
}
