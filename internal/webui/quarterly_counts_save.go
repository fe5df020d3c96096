package webui

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/quarterly"
)

// countsFilename names the grid's submissions among the uploads.
const countsFilename = "counts-form.json"

// quarterlyCountsSave files the grid's non-empty cells as one upload of
// simple-form rows (an empty cell is not filed; 0 is a count), through
// the same Service.Upload as a file: the same checks, corrections and
// audit entry. A refused grid comes back as typed with each problem next
// to its cell (422: nothing was written).
func (p *pages) quarterlyCountsSave(c echo.Context) error {
	d, err := p.newCountsPage(c, c.FormValue("fiscal_year"), c.FormValue("quarter"))
	if err != nil {
		return err
	}
	held, err := p.loadCounts(c, d, c.FormValue("organisation"))
	if err != nil {
		return err
	}
	if held == nil {
		if d.AllOrganisations && d.OrgInput == "" {
			d.OrgError = d.T("quarterly.e.organisation.required")
		}
		return p.render(c, http.StatusUnprocessableEntity, "quarterly-counts.html", d)
	}
	// The rows of the upload, and the cell each came from: row N of the
	// JSON document is cells[N-1].
	type jsonRow map[string]string
	var rows []jsonRow
	var cells []*countsCell
	org := ""
	if d.AllOrganisations {
		org = held.Organisation
	}
	fy, q := strconv.Itoa(d.FiscalYear), strconv.Itoa(d.Quarter)
	for i := range d.Rows {
		for j := range d.Rows[i].Cells {
			cell := &d.Rows[i].Cells[j]
			cell.Value = strings.TrimSpace(c.FormValue(cell.Name))
			if cell.Value == "" {
				continue
			}
			r := jsonRow{"fiscal_year": fy, "quarter": q, "form": quarterly.FormSimple,
				"equipment_type": cell.Equipment, "prefecture": cell.Prefecture, "count": cell.Value}
			if org != "" {
				r["organisation"] = org
			}
			rows = append(rows, r)
			cells = append(cells, cell)
		}
	}
	if len(rows) == 0 {
		d.Problems = []string{d.T("qcounts.err.empty")}
		return p.render(c, http.StatusUnprocessableEntity, "quarterly-counts.html", d)
	}
	data, err := json.Marshal(map[string]any{"format": quarterly.FormatID, "rows": rows})
	if err != nil {
		return err
	}
	caller := quarterlyCaller(c)
	res, err := p.Quarterly.Upload(c.Request().Context(), caller, quarterly.Upload{Filename: countsFilename, Data: data})
	var errs quarterly.Errors
	if errors.As(err, &errs) {
		p.placeCountsProblems(d, errs, cells)
		return p.render(c, http.StatusUnprocessableEntity, "quarterly-counts.html", d)
	}
	if err != nil {
		return err
	}
	d.Result = res
	// The grid as now held (an upload normalises what was typed: １２ is 12).
	d.Rows = nil
	if _, err := p.loadCounts(c, d, d.OrgInput); err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "quarterly-counts.html", d)
}

// placeCountsProblems puts each problem of a refused grid where the reader
// typed it: on its cell, or by the year, quarter or organisation picker,
// or above the grid.
func (p *pages) placeCountsProblems(d *countsPage, errs quarterly.Errors, cells []*countsCell) {
	add := func(list *[]string, msg string) {
		if !slices.Contains(*list, msg) {
			*list = append(*list, msg)
		}
	}
	for _, e := range errs {
		msg := p.problemMessage(&d.base, e)
		switch {
		case e.Column == "organisation":
			d.OrgError = msg
		case e.Column == "fiscal_year" || e.Column == "quarter":
			d.PeriodError = msg
		case e.Row >= 1 && e.Row <= len(cells):
			cell := cells[e.Row-1]
			if e.Column == "count" {
				msg = d.Tf("qcounts.typed", cell.Value) + msg
			} else {
				if col, ok := quarterly.ColumnByID(e.Column); ok {
					msg = col.Label(d.Lang) + d.T("qcounts.colon") + msg
				}
			}
			if cell.Error != "" {
				msg = cell.Error + " " + msg
			}
			cell.Error = msg
		default:
			add(&d.Problems, msg)
		}
	}
	d.Refused = len(errs)
}
