// Package configs carries Kenshō's data files inside the binary: the default
// configuration, the rule sets, the near-miss rules, the organisation
// registry and the demo cases. A directory on disk can replace the rule
// files (rules.dir in the configuration) without a rebuild.
package configs

import "embed"

// FS holds every top-level *.yaml (kensho.yaml, catalogues), rules/,
// nearmiss/ and demo/.
//
//go:embed *.yaml rules/*.yaml nearmiss/*.yaml demo/*.json
var FS embed.FS
