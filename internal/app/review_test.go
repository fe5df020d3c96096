package app_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/app"
)

// The demo records the committee's past review, once however often it is
// seeded, and `kensho lessons` lists the catalogue with its counts.
func TestDemoReviewAndLessonsCommand(t *testing.T) {
	c := newCLI(t)
	c.ok("", "migrate")
	c.ok("", "policy", "load")
	out := c.ok("", "demo", "seed")
	assert.Contains(t, out, "expert-telecom   kensho-demo-expert-telecom")
	c.ok("", "demo", "seed")

	type lesson struct {
		ID          string
		Cases       int
		Recurrences int
		FirstYear   int `json:"first_year"`
	}
	type catalogue struct {
		Lessons int
		Links   int
		Themes  []struct {
			ID      string
			Lessons []lesson
		}
	}
	cat := decode[catalogue](t, c.ok("", "lessons"))
	require.Len(t, cat.Themes, 17)
	got := map[string]lesson{}
	for _, th := range cat.Themes {
		for _, l := range th.Lessons {
			got[l.ID] = l
		}
	}
	assert.Equal(t, 12, cat.Links, "the demo's lesson links, once")
	assert.Equal(t, lesson{ID: "COOP-01", Cases: 2, Recurrences: 1, FirstYear: 2018}, got["COOP-01"])
	assert.Equal(t, lesson{ID: "TEST-01", Cases: 2, Recurrences: 1, FirstYear: 2016}, got["TEST-01"])

	one := decode[catalogue](t, c.ok("", "lessons", "--theme", "inter_operator_cooperation"))
	require.Len(t, one.Themes, 1)
	_, _, err := c.run("", "lessons", "--theme", "luck")
	require.Error(t, err)
	assert.Equal(t, 2, app.ExitCode(err))
	assert.Contains(t, err.Error(), `--theme: "luck" is not a theme of the catalogue`)
}
