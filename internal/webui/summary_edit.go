package webui

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
)

// summaryEdit saves the anonymised summary the secretariat edited. The
// form carries the version it was loaded at: if someone saved in between,
// the page says so (409) and keeps the text typed.
func (p *pages) summaryEdit(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	text := formText(c, "text")
	version, _ := strconv.Atoi(c.FormValue("version"))
	_, err = p.Cases.EditSummary(c.Request().Context(), user(c).Subject, id, text, version)
	if status, ok := anonFormStatus(err); ok {
		d, lerr := p.loadCase(c, id)
		if lerr != nil {
			return lerr
		}
		d.AnonText = text
		setAnonError(d, err)
		return p.render(c, status, "case.html", d)
	}
	if err != nil {
		return err
	}
	return backToCase(c, id, "saved", "anonymising")
}

// anonFormStatus tells which errors of the anonymisation forms are shown
// on the case page itself (with the status of the page), rather than as
// an error page.
func anonFormStatus(err error) (int, bool) {
	var (
		input *casefile.InputError
		leak  *casefile.LeakError
	)
	switch {
	case errors.Is(err, casefile.ErrConflict):
		return http.StatusConflict, true
	case errors.As(err, &leak), errors.As(err, &input) && input.Field == "text":
		return http.StatusUnprocessableEntity, true
	}
	return 0, false
}

// setAnonError puts the reason of a failed save or approval on the page.
func setAnonError(d *casePage, err error) {
	var (
		input *casefile.InputError
		leak  *casefile.LeakError
	)
	switch {
	case errors.Is(err, casefile.ErrConflict):
		d.AnonConflict = true
	case errors.As(err, &leak):
		d.Leak = &leakView{Leaks: leak.Leaks, Segments: markLeaks(leak.Text, leak.Leaks)}
	case errors.As(err, &input):
		d.AnonError = d.T(messageOf(inputMessages, input.Code))
	}
}
