// Package policies holds the Casbin model and policy of Kenshō's access
// control, embedded in the binary so that the model in force is the model
// reviewed with the code.
package policies

import _ "embed"

// Model is the Casbin model (model.conf).
//
//go:embed model.conf
var Model string

// Policy is the default policy (policy.csv), loaded into the database by
// `kensho policy load`.
//
//go:embed policy.csv
var Policy string
