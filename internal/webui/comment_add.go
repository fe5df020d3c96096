package webui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/review"
)

// commentThread is the data of the "rv-comment-thread" template: the
// comments on a case between its panel and the secretariat, and the form
// to post one.
type commentThread struct {
	*rvBase
	CaseID   int64
	Comments []review.Comment
	// Can: the caller may post (the panel's members and the secretariat).
	Can bool
	// Back is the page a plain (non-htmx) post returns to: review or
	// verification.
	Back string
	// Body and Error: a refused comment as typed, and why.
	Body, Error string
	// Note says a comment was posted already (the same text twice).
	Note string
	// Added is the comment just posted (htmx appends it); OOB marks the
	// form that comes back with it to take the old one's place.
	Added *review.Comment
	OOB   bool
}

func newThread(rb *rvBase, id int64, comments []review.Comment, can bool, back string) *commentThread {
	return &commentThread{rvBase: rb, CaseID: id, Comments: comments, Can: can, Back: back}
}

// commentAdd posts a comment on a case. With htmx the new comment is
// appended to the thread and the form comes back empty; without, the page
// the form was on comes back (the comment at its place, or the form with
// its problem and the text typed).
func (p *pages) commentAdd(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	back := c.FormValue("back")
	if back != "verification" {
		back = "review"
	}
	body := formText(c, "body")
	cm, err := p.Review.AddComment(c.Request().Context(), user(c).Subject, id, body)
	rb := p.newRvBase(c, "rv.ws.title", back)
	th := newThread(&rb, id, nil, true, back)
	if errs, ok := rvErrors(&rb.base, err); ok {
		th.Body, th.Error = body, errs["body"]
		if th.Error == "" {
			th.Error = rb.T("err.input")
		}
		if isHTMX(c) {
			h := c.Response().Header()
			h.Set("HX-Retarget", "#comment-form")
			h.Set("HX-Reswap", "outerHTML")
			return p.renderFragment(c, http.StatusUnprocessableEntity, "review.html", "rv-comment-form", th)
		}
		return p.commentPage(c, id, back, th)
	}
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/%s?done=commented#comments", id, back))
	}
	if cm.Duplicate {
		th.Note = rb.T("rv.comment.duplicate")
	} else {
		th.Added = cm
	}
	th.OOB = true
	return p.renderFragment(c, http.StatusOK, "review.html", "rv-comment-added", th)
}

// commentPage is the page a refused plain comment came from, with the
// form as typed.
func (p *pages) commentPage(c echo.Context, id int64, back string, th *commentThread) error {
	if back == "verification" {
		d, err := p.consolidation(c, id)
		if err != nil {
			return err
		}
		d.Thread.Body, d.Thread.Error = th.Body, th.Error
		return p.render(c, http.StatusUnprocessableEntity, "verification.html", d)
	}
	d, err := p.workspace(c, id)
	if err != nil {
		return err
	}
	d.Thread.Body, d.Thread.Error = th.Body, th.Error
	return p.render(c, http.StatusUnprocessableEntity, "review.html", d)
}
