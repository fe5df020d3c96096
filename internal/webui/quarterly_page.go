package webui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kensho/internal/quarterly"
)

// quarterlyPage is the data of quarterly.html: the upload form, the result
// of the last upload (or its problems) and what was filed per quarter.
type quarterlyPage struct {
	base
	Summary *quarterly.Summary
	// AllOrganisations: the secretariat's view of every organisation.
	AllOrganisations bool
	Result           *quarterly.Result
	Problems         []quarterlyProblem
	// FileError is a problem with the form itself (no file chosen).
	FileError string
	Filename  string
}

// quarterlyProblem is one problem of a refused file, in the reader's
// language.
type quarterlyProblem struct {
	Row     int
	Column  string
	Message string
}

// Where is where a problem is, in the reader's language: 12行目「都道府県」,
// row 12, Prefecture.
func (d *quarterlyPage) Where(q quarterlyProblem) string {
	switch {
	case q.Row == 0 && q.Column == "":
		return d.T("quarterly.err.file")
	case q.Row == 0:
		return d.Tf("quarterly.err.column", q.Column)
	case q.Column == "":
		return d.Tf("quarterly.err.row", q.Row)
	}
	return d.Tf("quarterly.err.where", q.Row, q.Column)
}

// QuarterName is 令和6年度 第1四半期 / FY2024 Q1.
func (d *quarterlyPage) QuarterName(fy, q int) string {
	return d.Tf("quarterly.quarter", d.FY(fy), q)
}

// quarterlyCaller is the signed-in caller as the quarterly service sees it.
func quarterlyCaller(c echo.Context) quarterly.Caller {
	sub := subject(c)
	return quarterly.Caller{Subject: sub, Actor: sub.Key}
}

// loadQuarterly builds the page for the caller: only those who may upload
// (reporters for their organisation, the secretariat) have it.
func (p *pages) loadQuarterly(c echo.Context) (*quarterlyPage, error) {
	caller := quarterlyCaller(c)
	if !p.Quarterly.MayUpload(caller) {
		return nil, errForbidden
	}
	d := &quarterlyPage{base: p.newBase(c, "quarterly.title", "quarterly")}
	sum, err := p.Quarterly.Summary(c.Request().Context(), caller)
	if err != nil {
		return nil, err
	}
	d.Summary, d.AllOrganisations = sum, sum.OrganisationID == 0
	return d, nil
}

// quarterlyShow is the upload page.
func (p *pages) quarterlyShow(c echo.Context) error {
	d, err := p.loadQuarterly(c)
	if err != nil {
		return err
	}
	return p.render(c, http.StatusOK, "quarterly.html", d)
}

// problems translates a refused file's problems: the message of each code
// in the reader's language, the column by its label.
func (p *pages) problems(b *base, errs quarterly.Errors) []quarterlyProblem {
	out := make([]quarterlyProblem, len(errs))
	for i, e := range errs {
		q := quarterlyProblem{Row: e.Row, Column: e.Column}
		if col, ok := quarterly.ColumnByID(e.Column); ok {
			q.Column = col.Label(b.Lang)
		}
		q.Message = p.problemMessage(b, e)
		out[i] = q
	}
	return out
}

func (p *pages) problemMessage(b *base, e quarterly.RowError) string {
	key := "quarterly.e." + e.Code
	if !hasMessage(key) {
		return e.Message
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		args[i] = a
	}
	switch e.Code {
	case "code.unknown":
		// The allowed values, as the reader names them.
		args = []any{strings.Join(p.codeLabels(b.Lang, e.Args), b.T("quarterly.sep"))}
	case "form.not_for", "form.simple_equipment":
		args = nil
		if len(e.Args) > 0 {
			if f, ok := p.Quarterly.Catalog.Forms.Get(e.Args[0]); ok {
				args = []any{f.Label(b.Lang)}
			}
		}
		if e.Code == "form.simple_equipment" {
			var names []string
			for _, eq := range p.Quarterly.Catalog.EquipmentTypes {
				if eq.Simple {
					names = append(names, eq.Label(b.Lang))
				}
			}
			args = []any{strings.Join(names, b.T("quarterly.sep"))}
		}
	}
	if strings.Count(tr(b.Lang, key), "%") > len(args) {
		return e.Message
	}
	return fmt.Sprintf(tr(b.Lang, key), args...)
}

// codeLabels are the entries of the named code list in lang.
func (p *pages) codeLabels(lang string, list []string) []string {
	cat := p.Quarterly.Catalog
	var l quarterly.List
	if len(list) > 0 {
		switch list[0] {
		case "equipment_types":
			l = cat.EquipmentTypes
		case "prefectures":
			l = cat.Prefectures
		case "forms":
			l = cat.Forms
		case "services":
			l = cat.Services
		case "cause_classes":
			l = cat.CauseClasses
		case "cause_archetypes":
			l = cat.CauseArchetypes
		}
	}
	out := make([]string, len(l))
	for i, e := range l {
		out[i] = e.Label(lang)
		if lang == langEN {
			out[i] = e.ID
		}
	}
	return out
}
