package webui

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
	"kensho/internal/caseformat"
)

// caseListPage is the data of cases.html.
type caseListPage struct {
	base
	Q, KindFilter string
	Kinds         []caseformat.Kind
	Page          *casefile.Page
	// NextURL is the next page's link ("" on the last page).
	NextURL string
	// First is true on the first page (no cursor).
	First bool
	Error string
}

// caseList is the searchable list of the cases the caller may see, newest
// first, with the visible total.
func (p *pages) caseList(c echo.Context) error {
	q := casefile.Query{Q: c.QueryParam("q"), Kind: c.QueryParam("kind"), Cursor: c.QueryParam("cursor"), Limit: 25}
	d := &caseListPage{base: p.newBase(c, "cases.title", "cases"), Q: q.Q, KindFilter: q.Kind, Kinds: caseformat.Kinds, First: q.Cursor == ""}
	page, err := p.Cases.List(c.Request().Context(), user(c).Subject, q)
	var input *casefile.InputError
	if errors.As(err, &input) {
		d.Error = d.T(messageOf(inputMessages, input.Code))
		d.Page = &casefile.Page{}
		return p.render(c, http.StatusBadRequest, "cases.html", d)
	}
	if err != nil {
		return err
	}
	d.Page = page
	if page.NextCursor != "" {
		v := url.Values{"cursor": {page.NextCursor}}
		if q.Q != "" {
			v.Set("q", q.Q)
		}
		if q.Kind != "" {
			v.Set("kind", q.Kind)
		}
		d.NextURL = "/cases?" + v.Encode()
	}
	return p.render(c, http.StatusOK, "cases.html", d)
}
