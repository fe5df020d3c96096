package webui

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/triage"
)

// opinionRequest asks the LLM for a second opinion on the case and its
// most similar past cases. The answer comes later (a job): with htmx the
// block comes back pending and polls; without, the triage page. With the
// LLM off the block says so (409) and nothing is sent.
func (p *pages) opinionRequest(c echo.Context) error {
	id, err := caseID(c)
	if err != nil {
		return err
	}
	_, err = p.Opinions.Request(c.Request().Context(), user(c).Subject, id)
	if err != nil && !errors.Is(err, triage.ErrLLMOff) {
		return err
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusConflict
	} else if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/triage?done=opinion#opinion", id))
	}
	d, lerr := p.loadTriage(c, id)
	if lerr != nil {
		return lerr
	}
	if err != nil {
		d.Opinion.Error = d.T("op.off")
	}
	if isHTMX(c) {
		return p.renderFragment(c, status, "triage.html", "tri-opinion", d.Opinion)
	}
	return p.render(c, status, "triage.html", d)
}
