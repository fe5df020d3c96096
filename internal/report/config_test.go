package report

import (
	"testing"

	"github.com/stretchr/testify/require"

	"kensho/configs"
)

func TestLoadConfig(t *testing.T) {
	c, err := LoadConfig(configs.FS)
	require.NoError(t, err)
	require.Equal(t, 10, c.TrendYears)
	require.Equal(t, 3, c.MinOperators)
	require.Equal(t, 0, bandOf(c.DurationBands, 59))
	require.Equal(t, 1, bandOf(c.DurationBands, 60))
	require.Equal(t, len(c.DurationBands)-1, bandOf(c.DurationBands, 100000))
	require.Equal(t, "設備要因", label(c.CauseClasses, "equipment").JA)
}
