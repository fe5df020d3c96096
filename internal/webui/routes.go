// Package webui serves Kenshō's server-rendered pages (html/template, assets
// from web/, nothing from a CDN). Every route of the UI is in this file; each
// page's handler lives in a file of its own.
package webui

import (
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"kensho/internal/jpdate"
	"kensho/internal/rules"
	"kensho/web"
)

// Deps is what the pages need.
type Deps struct {
	Log     *slog.Logger
	Catalog *rules.Catalog
}

// Register parses the templates and adds the UI's routes to e.
func Register(e *echo.Echo, d Deps) error {
	tmpl, err := template.New("").Funcs(template.FuncMap{"wareki": jpdate.Wareki}).ParseFS(web.Templates, "templates/*.html")
	if err != nil {
		return err
	}
	static, err := fs.Sub(web.Static, "static")
	if err != nil {
		return err
	}
	p := &pages{Deps: d, tmpl: tmpl}
	e.GET("/", p.index)
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServer(http.FS(static)))))
	return nil
}

type pages struct {
	Deps
	tmpl *template.Template
}
