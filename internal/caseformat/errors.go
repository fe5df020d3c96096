package caseformat

import (
	"fmt"
	"strings"
)

// maxErrors caps how many problems one input reports: a hostile or badly
// broken file should get a useful answer, not megabytes of errors.
const maxErrors = 1000

// FieldError is one problem in an input, at a JSON path such as
// cases[3].impacts[0].timeline[1].to. An empty path means the input as a whole.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// String renders the error as "path: message".
func (e FieldError) String() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// Errors is every problem found in one input. It is returned as an error so
// that callers can map it to "bad input" in one place.
type Errors []FieldError

// Error gives the first problem and how many more there are: one line, as a
// command-line tool must print.
func (e Errors) Error() string {
	switch len(e) {
	case 0:
		return "no errors"
	case 1:
		return e[0].String()
	case 2:
		return e[0].String() + " (and 1 more error)"
	default:
		return fmt.Sprintf("%s (and %d more errors)", e[0].String(), len(e)-1)
	}
}

// Strings renders every error as "path: message".
func (e Errors) Strings() []string {
	out := make([]string, len(e))
	for i, fe := range e {
		out[i] = fe.String()
	}
	return out
}

// add records one problem unless the cap is reached.
func (e *Errors) add(path, format string, args ...any) {
	if len(*e) == maxErrors {
		*e = append(*e, FieldError{Path: "", Message: "too many errors; the rest are not shown"})
	}
	if len(*e) > maxErrors {
		return
	}
	*e = append(*e, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// child joins a JSON path and a field name.
func child(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// index joins a JSON path and an array index.
func index(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}

// oneOf renders allowed values for a message.
func oneOf[T ~string](allowed []T) string {
	s := make([]string, len(allowed))
	for i, a := range allowed {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}
