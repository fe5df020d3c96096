package webui

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/quarterly"
)

// quarterlyUpload takes the chosen file and shows the page again with what
// the upload did, or with every problem by row and column (422: nothing
// was written). The page's script sends the form with XMLHttpRequest to
// show the upload's progress and swaps in the result; without script the
// form posts as usual.
func (p *pages) quarterlyUpload(c echo.Context) error {
	d, err := p.loadQuarterly(c)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		d.FileError = d.T("quarterly.nofile")
		return p.render(c, http.StatusUnprocessableEntity, "quarterly.html", d)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	d.Filename = fh.Filename
	res, err := p.Quarterly.Upload(c.Request().Context(), quarterlyCaller(c), quarterly.Upload{Filename: fh.Filename, Data: data})
	var errs quarterly.Errors
	if errors.As(err, &errs) {
		d.Problems = p.problems(&d.base, errs)
		return p.render(c, http.StatusUnprocessableEntity, "quarterly.html", d)
	}
	if err != nil {
		return err
	}
	d.Result = res
	// The summary again, with what this upload added.
	if d.Summary, err = p.Quarterly.Summary(c.Request().Context(), quarterlyCaller(c)); err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "quarterly.html", d)
}
