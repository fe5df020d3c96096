package webui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/casefile"
)

// notesEdit saves the committee's notes. The form sends the notes as they
// were loaded; if they changed since, the page shows the current notes and
// keeps the text typed (409).
func (p *pages) notesEdit(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	after := formText(c, "notes")
	err = p.Cases.SetNotes(c.Request().Context(), user(c).Subject, id, formText(c, "before"), after)
	if errors.Is(err, casefile.ErrConflict) {
		d, lerr := p.loadCase(c, id)
		if lerr != nil {
			return lerr
		}
		d.NotesConflict, d.NotesText = true, after
		return p.render(c, http.StatusConflict, "case.html", d)
	}
	if err != nil {
		return err
	}
	return backToCase(c, id, "notes", "committee")
}
