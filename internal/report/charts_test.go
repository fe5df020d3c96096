package report

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCharts(t *testing.T) {
	r := sampleReport(t)
	dir := outDir(t)
	for _, lang := range []string{LangJA, LangEN} {
		cs, err := Charts(r, lang)
		require.NoError(t, err)
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.ID)
			// Well-formed XML, and nothing outside the document: the only
			// URL is the SVG namespace.
			d := xml.NewDecoder(bytes.NewReader(c.SVG))
			for {
				_, err := d.Token()
				if err != nil {
					require.ErrorContains(t, err, "EOF", c.ID)
					break
				}
			}
			body := strings.Replace(string(c.SVG), `xmlns="http://www.w3.org/2000/svg"`, "", 1)
			assert.NotContains(t, body, "http", c.ID)
			assert.NotContains(t, body, "href", c.ID)
			assert.NotContains(t, body, "@import", c.ID)
			assert.NotContains(t, body, "<script", c.ID)
			require.NoError(t, os.WriteFile(filepath.Join(dir, lang+"-"+c.ID+".svg"), c.SVG, 0o644))
		}
		assert.Equal(t, []string{"serious-by-cause", "serious-by-service", "quarterly-by-cause", "quarterly-duration", "quarterly-users", "survey-1"}, ids)
		again, err := Charts(r, lang)
		require.NoError(t, err)
		assert.Equal(t, cs, again, "the same report draws the same bytes")
	}
	cs, err := Charts(r, LangJA)
	require.NoError(t, err)
	// Suppressed values: named in the note, never drawn as a number.
	qc := cs[2]
	assert.Contains(t, qc.Note, "3者未満の事業者による集計値は公表しない")
	assert.Contains(t, qc.Note, "不明・未分類（平成28年度(2016年度)、令和元年度(2019年度)）")
	assert.Contains(t, string(qc.SVG), "5,902*")
	assert.Contains(t, cs[3].Note, "24時間以上")
	assert.Contains(t, string(cs[0].SVG), "設備要因")
	assert.Contains(t, string(cs[5].SVG), "stroke-dasharray", "the 70 % line")
}

func TestChartsRefuseMisshapenSeries(t *testing.T) {
	r := sampleReport(t)
	r.Statistics.SeriousByCause[1].Values = r.Statistics.SeriousByCause[1].Values[:3]
	_, err := Charts(r, LangJA)
	assert.ErrorContains(t, err, "statistics.serious_by_cause[1] (human): 3 values")
}
