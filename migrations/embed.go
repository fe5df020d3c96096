// Package migrations embeds the goose SQL migrations, the only way Kenshō's
// schema changes. Files are numbered NNNNN_name.sql and never edited once
// released: a change is a new file.
package migrations

import "embed"

// FS holds every migration.
//
//go:embed *.sql
var FS embed.FS
