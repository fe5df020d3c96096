// Package configs carries Kenshō's data files inside the binary: the default
// configuration, the rule sets, the near-miss rules, the organisation
// registry and the demo cases. A directory on disk can replace the rule
// files (rules.dir in the configuration) without a rebuild.
package configs

import "embed"

// FS holds kensho.yaml, rules/, nearmiss/, organisations.yaml and demo/.
//
//go:embed kensho.yaml rules/*.yaml nearmiss/*.yaml organisations.yaml demo/*.json expert-fields.yaml anonymise.yaml
var FS embed.FS
