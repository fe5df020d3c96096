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
	off := err != nil
	status := http.StatusOK
	if off {
		status = http.StatusConflict
	}
	if isHTMX(c) {
		k := p.newKit(p.newBase(c, "tri.case.title", "triage"))
		o, err := p.loadOpinions(c, id, &k, p.mayTriage(user(c).Subject))
		if err != nil {
			return err
		}
		if off {
			o.Error = k.T("op.off")
		}
		return p.renderFragment(c, status, "triage.html", "tri-opinion", o)
	}
	if !off {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%d/triage?done=opinion#opinion", id))
	}
	d, err := p.loadTriage(c, id)
	if err != nil {
		return err
	}
	d.Opinion.Error = d.T("op.off")
	return p.render(c, status, "triage.html", d)
}
