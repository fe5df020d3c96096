package webui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/quarterly"
)

// countsPage is the data of quarterly-counts.html: the simple form (簡易様式)
// of one organisation and quarter as a grid of prefectures × equipment
// types, for operators who would rather type the counts than fill in a
// spreadsheet.
type countsPage struct {
	base
	FiscalYear, Quarter int
	// Years are the fiscal years to pick, newest first.
	Years []int
	// AllOrganisations: the secretariat, who names the organisation.
	AllOrganisations bool
	// Organisation is the registered name of the organisation whose
	// counts the grid shows ("" before the secretariat picked one).
	Organisation string
	// OrgInput is the organisation as typed, OrgError what is wrong with it.
	OrgInput, OrgError string
	// PeriodError is what is wrong with the year or quarter picked.
	PeriodError string
	// Grid: whether the grid is shown (a begun quarter of a known
	// organisation).
	Grid      bool
	Due       time.Time
	Equipment []quarterly.Code
	Rows      []countsRow
	Result    *quarterly.Result
	// Problems are those not of one cell (the form as a whole); Refused
	// counts every problem of a refused grid.
	Problems []string
	Refused  int
	// Quarters are the quarter picker's values.
	Quarters []int
	now      time.Time
}

// countsRow is one prefecture of the grid.
type countsRow struct {
	Prefecture string
	Cells      []countsCell
}

// countsCell is one input of the grid: an equipment type in a prefecture.
type countsCell struct {
	// Name is the form field (count.<equipment>.<prefecture>), ID the
	// element's id, Label what a screen reader says (東京都 基地局).
	Name, ID, Label       string
	Equipment, Prefecture string
	Value                 string
	Error                 string
}

// QuarterName is 令和7年度 第2四半期 / FY2025 Q2.
func (d *countsPage) QuarterName(fy, q int) string { return d.Tf("quarterly.quarter", d.FY(fy), q) }

// Begun reports whether quarter q of the picked year has begun: the
// picker offers only those.
func (d *countsPage) Begun(q int) bool { return !quarterly.QuarterStart(d.FiscalYear, q).After(d.now) }

// cellName is the form field of a cell.
func cellName(equipment, prefecture string) string { return "count." + equipment + "." + prefecture }

// newCountsPage is the page for the caller with the period asked for (the
// quarter being filed now, the last one ended, when none is asked). Only
// those who may upload (reporters, the secretariat) have it.
func (p *pages) newCountsPage(c echo.Context, fyText, qText string) (*countsPage, error) {
	caller := quarterlyCaller(c)
	if !p.Quarterly.MayUpload(caller) {
		return nil, errForbidden
	}
	d := &countsPage{base: p.newBase(c, "qcounts.title", "quarterly"), now: time.Now(), Quarters: []int{1, 2, 3, 4}}
	if p.Quarterly.Now != nil {
		d.now = p.Quarterly.Now()
	}
	d.AllOrganisations = caller.Subject.OrgID() == 0
	cur, _ := quarterly.QuarterOf(d.now)
	for y := cur; y >= quarterly.FirstFiscalYear; y-- {
		d.Years = append(d.Years, y)
	}
	d.FiscalYear, d.Quarter = quarterly.QuarterOf(d.now.AddDate(0, -3, 0))
	if fyText != "" || qText != "" {
		fy, err1 := strconv.Atoi(strings.TrimSpace(fyText))
		q, err2 := strconv.Atoi(strings.TrimSpace(qText))
		switch {
		case err1 != nil || fy < quarterly.FirstFiscalYear || fy > cur:
			d.PeriodError = d.T("qcounts.err.year")
		case err2 != nil || q < 1 || q > 4:
			d.PeriodError = d.T("quarterly.e.quarter.invalid")
		default:
			d.FiscalYear, d.Quarter = fy, q
			if !d.Begun(q) {
				d.PeriodError = d.Tf("quarterly.e.quarter.future", d.QuarterName(fy, q))
			}
		}
	}
	d.Due = quarterly.DueDate(d.FiscalYear, d.Quarter)
	for _, e := range p.Quarterly.Catalog.EquipmentTypes {
		if e.Simple {
			d.Equipment = append(d.Equipment, e)
		}
	}
	return d, nil
}

// loadCounts reads what the organisation holds for the period and lays out
// the grid with it. A reporter naming another organisation is refused;
// the secretariat's unknown name is said next to the field.
func (p *pages) loadCounts(c echo.Context, d *countsPage, organisation string) (*quarterly.SimpleCounts, error) {
	d.OrgInput = strings.TrimSpace(organisation)
	if d.PeriodError != "" || (d.AllOrganisations && d.OrgInput == "") {
		return nil, nil
	}
	held, err := p.Quarterly.SimpleCountsOf(c.Request().Context(), quarterlyCaller(c), d.OrgInput, d.FiscalYear, d.Quarter)
	var input *quarterly.InputError
	if errors.As(err, &input) && input.Field == "organisation" {
		d.OrgError = d.Tf("quarterly.e.organisation.unknown", d.OrgInput)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d.Organisation, d.Grid = held.Organisation, true
	for _, pref := range p.Quarterly.Catalog.Prefectures {
		row := countsRow{Prefecture: pref.Label(d.Lang)}
		for _, e := range d.Equipment {
			cell := countsCell{Name: cellName(e.ID, pref.ID), ID: "c-" + e.ID + "-" + pref.ID,
				Label: pref.Label(d.Lang) + " " + e.Label(d.Lang), Equipment: e.ID, Prefecture: pref.ID}
			if n, ok := held.Counts[quarterly.SimpleKey(e.ID, pref.ID)]; ok {
				cell.Value = strconv.FormatInt(n, 10)
			}
			row.Cells = append(row.Cells, cell)
		}
		d.Rows = append(d.Rows, row)
	}
	return held, nil
}

// quarterlyCounts shows the grid of the simple form for a quarter,
// prefilled with the counts already on file.
func (p *pages) quarterlyCounts(c echo.Context) error {
	d, err := p.newCountsPage(c, c.QueryParam("fiscal_year"), c.QueryParam("quarter"))
	if err != nil {
		return err
	}
	if _, err := p.loadCounts(c, d, c.QueryParam("organisation")); err != nil {
		return err
	}
	status := http.StatusOK
	if d.PeriodError != "" || d.OrgError != "" {
		status = http.StatusUnprocessableEntity
	}
	return p.render(c, status, "quarterly-counts.html", d)
}
