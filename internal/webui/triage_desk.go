package webui

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/review"
)

// deskPage is the data of triage-desk.html: one page of the secretariat's
// triage desk and the filters that chose it.
type deskPage struct {
	triageKit
	Q    review.DeskQuery
	Page *review.DeskPage
	// Errors are the filters' problems, by field (status, kind, depth,
	// sort, cursor).
	Errors map[string]string
}

// Kinds are the kinds of case the filter offers.
func (d *deskPage) Kinds() []caseformat.Kind { return caseformat.Kinds }

// Depths are the depths of verification the filter offers.
func (d *deskPage) Depths() []string { return review.Depths }

// Statuses are the desk's tabs.
func (d *deskPage) Statuses() []string {
	return []string{review.StatusAwaiting, review.StatusDecided, review.StatusAll}
}

// Count is the number of cases under a tab (the same kind filter).
func (d *deskPage) Count(status string) int64 {
	if d.Page == nil {
		return 0
	}
	switch status {
	case review.StatusAwaiting:
		return d.Page.Awaiting
	case review.StatusDecided:
		return d.Page.Decided
	}
	return d.Page.Awaiting + d.Page.Decided
}

// URL is the desk under another tab, keeping the kind and the order (and
// the depth, which only decided cases have).
func (d *deskPage) URL(status string) string {
	v := url.Values{}
	v.Set("status", status)
	if d.Q.Kind != "" {
		v.Set("kind", d.Q.Kind)
	}
	if d.Q.Depth != "" && status != review.StatusAwaiting {
		v.Set("depth", d.Q.Depth)
	}
	if d.Q.Sort != "" && d.Q.Sort != review.SortNewest {
		v.Set("sort", d.Q.Sort)
	}
	return "/triage?" + v.Encode()
}

// NextURL is the next page of the same query.
func (d *deskPage) NextURL() string {
	if d.Page == nil || d.Page.NextCursor == "" {
		return ""
	}
	return d.URL(d.status()) + "&cursor=" + url.QueryEscape(d.Page.NextCursor)
}

// FirstURL is the first page of the query, when this is a later one.
func (d *deskPage) FirstURL() string {
	if d.Q.Cursor == "" {
		return ""
	}
	return d.URL(d.status())
}

func (d *deskPage) status() string {
	if d.Q.Status == "" {
		return review.StatusAwaiting
	}
	return d.Q.Status
}

// EngineOff reports whether the similarity engine gave nothing for the
// cases shown (it is not running): said once, above the table.
func (d *deskPage) EngineOff() bool {
	if d.Page == nil || len(d.Page.Items) == 0 {
		return false
	}
	for _, it := range d.Page.Items {
		if it.Novelty != nil {
			return false
		}
	}
	return true
}

// Status is the tab shown.
func (d *deskPage) Status() string { return d.status() }

// triageDesk is the secretariat's triage desk: the cases awaiting a
// decision (or the decided ones), by kind and depth, newest or most novel
// first. Those who do not triage are refused by the service (403).
func (p *pages) triageDesk(c echo.Context) error {
	q := review.DeskQuery{Status: c.QueryParam("status"), Kind: c.QueryParam("kind"), Depth: c.QueryParam("depth"),
		Sort: c.QueryParam("sort"), Cursor: c.QueryParam("cursor")}
	d := &deskPage{triageKit: p.newKit(p.newBase(c, "tri.desk.title", "triage")), Q: q}
	d.Marking = access.Committee.TLP()
	page, err := p.Review.Desk(c.Request().Context(), user(c).Subject, q)
	var input *casefile.InputError
	if errors.As(err, &input) {
		d.Errors = map[string]string{input.Field: d.T(messageOf(reviewMessages, input.Code))}
		return p.render(c, http.StatusUnprocessableEntity, "triage-desk.html", d)
	}
	if err != nil {
		return err
	}
	d.Page = page
	d.Q.Status, d.Q.Sort = page.Status, page.Sort
	return p.render(c, http.StatusOK, "triage-desk.html", d)
}

// reviewMessages are the message keys of the review's InputError codes.
var reviewMessages = map[string]string{
	"status.unknown":      "tri.err.status",
	"kind.unknown":        "err.kind",
	"depth.unknown":       "tri.err.depth",
	"depth.awaiting":      "tri.err.depth.awaiting",
	"sort.unknown":        "tri.err.sort",
	"cursor.invalid":      "err.cursor",
	"reason.required":     "tri.err.reason",
	"study.required":      "tri.err.study",
	"study.not_near_miss": "tri.err.study.kind",
	"version.invalid":     "tri.err.version",
	"version.none":        "tri.err.version",
	"text.too_long":       "tri.err.toolong",
	"case.merged":         "tri.err.merged",
	"expert.required":     "panel.err.expert",
	"expert.unknown":      "panel.err.expert",
	"expert.twice":        "panel.err.twice",
	"expert.conflict":     "panel.err.conflict",
	"expert.disabled":     "panel.err.disabled",
	"panel.too_large":     "panel.err.toolarge",
	"panel.no_experts":    "panel.err.noexperts",
	"date.invalid":        "panel.err.date",
	"date.past":           "panel.err.past",
	"triage.undecided":    "panel.err.undecided",
	"triage.record_only":  "panel.err.recordonly",
	"verification.final":  "panel.err.final",
}

// triageHome is the secretariat's line on the home page: how many cases
// await triage.
type triageHome struct {
	TriageDesk     bool
	AwaitingTriage int64
}

// homeTriage counts the cases awaiting triage for those who triage.
func (p *pages) homeTriage(c echo.Context, d *homePage) error {
	if p.Review == nil || !p.mayTriage(user(c).Subject) {
		return nil
	}
	n, err := p.Review.Awaiting(c.Request().Context(), user(c).Subject)
	if err != nil {
		return err
	}
	d.TriageDesk, d.AwaitingTriage = true, n
	return nil
}
