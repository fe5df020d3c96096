package webui

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/access"
	"kensho/internal/report"
)

// reportsPage is the data of reports.html: the published annual reports.
type reportsPage struct {
	base
	Editions []*report.Edition
	// CanEdit links the editors and the secretariat to the editions in
	// the making.
	CanEdit bool
}

// annualReportPage is the data of annual-report.html: one published
// edition, rendered from its snapshot.
type annualReportPage struct {
	base
	E *report.Edition
	// Others are the year's other published editions.
	Others []*report.Edition
	Body   template.HTML
	// Base is the address of the edition's outputs and charts.
	Base string
}

// Short is the start of a hash, as the page shows it beside the whole.
func (b *base) Short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// reportList lists the published annual reports, newest year first.
func (p *pages) reportList(c echo.Context) error {
	list, err := p.Reports.List(c.Request().Context(), access.Anonymous)
	if err != nil {
		return err
	}
	d := &reportsPage{base: p.newBase(c, "ar.list.title", "annual"), Editions: list}
	if u := user(c); u != nil {
		d.CanEdit = p.Access.CanSystem(u.Subject, access.AnnualReport, access.Read)
	}
	return p.render(c, http.StatusOK, "reports.html", d)
}

// fyParams reads /reports/:fy and ?edition=; malformed is not found.
func fyParams(c echo.Context) (int, int, error) {
	fy, err := strconv.Atoi(c.Param("fy"))
	if err != nil || fy < 2000 || fy > 2200 {
		return 0, 0, report.ErrNotFound
	}
	n := 0
	if v := c.QueryParam("edition"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return 0, 0, report.ErrNotFound
		}
	}
	return fy, n, nil
}

// reportShow is the public page of a year's report: its newest published
// edition, or ?edition=N. An edition not published is not found.
func (p *pages) reportShow(c echo.Context) error {
	fy, n, err := fyParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := p.Reports.Published(ctx, fy, n)
	if err != nil {
		return err
	}
	r, err := p.Reports.Report(ctx, access.Anonymous, e.ID)
	if err != nil {
		return err
	}
	d := &annualReportPage{base: p.newBase(c, "ar.list.title", "annual"), E: e,
		Base: fmt.Sprintf("/reports/%d", fy)}
	q := fmt.Sprintf("?edition=%d", e.Edition)
	d.Body, err = report.Body(r, report.HTMLOptions{Lang: d.Lang, ContentHash: e.ContentSHA256, Status: report.StatusPublished,
		ChartURL: func(id string) string { return d.Base + "/charts/" + id + ".svg" + q + "&lang=" + d.Lang }})
	if err != nil {
		return err
	}
	d.Title = d.Tf("ar.title", d.FY(fy))
	all, err := p.Reports.List(ctx, access.Anonymous)
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.FiscalYear == fy && x.ID != e.ID {
			d.Others = append(d.Others, x)
		}
	}
	return p.render(c, http.StatusOK, "annual-report.html", d)
}

// reportChart is a chart of a published edition, drawn from its snapshot.
func (p *pages) reportChart(c echo.Context) error {
	fy, n, err := fyParams(c)
	if err != nil {
		return err
	}
	e, err := p.Reports.Published(c.Request().Context(), fy, n)
	if err != nil {
		return err
	}
	return p.sendChart(c, access.Anonymous, e.ID)
}

// sendChart draws chart :chart of edition id as sub may read it.
func (p *pages) sendChart(c echo.Context, sub access.Subject, id int64) error {
	r, err := p.Reports.Report(c.Request().Context(), sub, id)
	if err != nil {
		return err
	}
	lang := c.QueryParam("lang")
	if lang != langEN {
		lang = "ja"
	}
	charts, err := report.Charts(r, lang)
	if err != nil {
		return err
	}
	name := c.Param("chart")
	for _, ch := range charts {
		if ch.ID+".svg" == name {
			c.Response().Header().Set(echo.HeaderCacheControl, "private, max-age=300")
			return c.Blob(http.StatusOK, "image/svg+xml", ch.SVG)
		}
	}
	return report.ErrNotFound
}

// reportOutput is a stored output (report.pdf, report.xlsx, report.json)
// of a published edition.
func (p *pages) reportOutput(c echo.Context) error {
	fy, n, err := fyParams(c)
	if err != nil {
		return err
	}
	e, err := p.Reports.Published(c.Request().Context(), fy, n)
	if err != nil {
		return err
	}
	return p.sendOutput(c, access.Anonymous, e.ID, c.Param("file"))
}

func (p *pages) sendOutput(c echo.Context, sub access.Subject, id int64, file string) error {
	kind := map[string]string{"report.pdf": report.OutputPDF, "report.xlsx": report.OutputXLSX, "report.json": report.OutputJSON}[file]
	if kind == "" {
		return report.ErrNotFound
	}
	out, err := p.Reports.Output(c.Request().Context(), sub, id, kind)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("X-Content-SHA256", out.SHA256)
	disposition := "attachment"
	if kind != report.OutputXLSX {
		disposition = "inline"
	}
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`%s; filename="%s"`, disposition, out.Name))
	return c.Blob(http.StatusOK, out.Type, out.Body)
}
