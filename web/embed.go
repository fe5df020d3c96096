// Package web carries the web UI's templates and static files into the
// binary. Everything the pages load is served from here: no CDN.
package web

import "embed"

// Templates holds templates/*.html.
//
//go:embed templates/*.html
var Templates embed.FS

// Static holds static/, served under /static/.
//
//go:embed static
var Static embed.FS
