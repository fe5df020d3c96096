package webui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"kensho/internal/quarterly"
)

// Every problem an upload can report is said in both languages, with the
// same number of values in each.
func TestQuarterlyProblemMessages(t *testing.T) {
	for _, code := range quarterly.ErrorCodes {
		m, ok := messages["quarterly.e."+code]
		if !assert.True(t, ok, code) {
			continue
		}
		assert.Equal(t, strings.Count(m.ja, "%"), strings.Count(m.en, "%"), code)
	}
}
