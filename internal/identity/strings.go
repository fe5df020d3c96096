package identity

import (
	"database/sql/driver"
	"fmt"
	"strings"
)

// Strings is a text[] column of simple identifiers (fields of expertise):
// no element holds a comma, quote, brace or space, so the array literal
// needs no quoting.
type Strings []string

// Value writes the array literal.
func (s Strings) Value() (driver.Value, error) {
	for _, e := range s {
		if strings.ContainsAny(e, `,"{}\ `) || e == "" {
			return nil, fmt.Errorf("identity.Strings: %q cannot be stored unquoted", e)
		}
	}
	return "{" + strings.Join(s, ",") + "}", nil
}

// Scan reads the array literal.
func (s *Strings) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case nil:
		*s = nil
		return nil
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return fmt.Errorf("identity.Strings: cannot scan %T", src)
	}
	text = strings.TrimSuffix(strings.TrimPrefix(text, "{"), "}")
	if text == "" {
		*s = Strings{}
		return nil
	}
	*s = strings.Split(text, ",")
	return nil
}
