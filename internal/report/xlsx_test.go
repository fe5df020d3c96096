package report

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

func TestXLSX(t *testing.T) {
	r := sampleReport(t)
	var a, b bytes.Buffer
	require.NoError(t, XLSX(r, &a))
	require.NoError(t, XLSX(r, &b))
	assert.Equal(t, sha256.Sum256(a.Bytes()), sha256.Sum256(b.Bytes()), "the same report makes the same bytes")
	require.NoError(t, os.WriteFile(filepath.Join(outDir(t), "report.xlsx"), a.Bytes(), 0o644))

	// The package: native charts, and no clock time anywhere.
	z, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	require.NoError(t, err)
	var charts []string
	for _, f := range z.File {
		assert.True(t, f.Modified.IsZero() || f.Modified.Year() < 1990, "%s: no modification time (%v)", f.Name, f.Modified)
		if strings.HasPrefix(f.Name, "xl/charts/chart") {
			charts = append(charts, f.Name)
		}
		if f.Name == "docProps/core.xml" {
			rc, err := f.Open()
			require.NoError(t, err)
			core, _ := io.ReadAll(rc)
			rc.Close()
			assert.Contains(t, string(core), "2024-03-31T15:00:00Z", "created = the end of fiscal 2023")
			assert.NotContains(t, string(core), "2006-09-16", "excelize's template date is replaced")
		}
	}
	sort.Strings(charts)
	assert.Len(t, charts, 4, "trend of serious accidents, quarterly per year, duration bands, survey shares: %v", charts)

	f, err := excelize.OpenReader(bytes.NewReader(a.Bytes()))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, xlsxSheets, f.GetSheetList())
	get := func(sheet, cell string) string {
		v, err := f.GetCellValue(sheet, cell)
		require.NoError(t, err)
		return v
	}
	// number: the cell holds a number, not a string.
	number := func(sheet, cell string) bool {
		ct, err := f.GetCellType(sheet, cell)
		require.NoError(t, err)
		return ct == excelize.CellTypeNumber || ct == excelize.CellTypeUnset
	}
	assert.Equal(t, "電気通信事故に関する検証報告（令和5年度）", get("概要", "A1"))
	assert.Equal(t, "令和5年度(2023年度)", get("概要", "B3"))
	// Numbers are numbers; a suppressed cell is 「—」 with the footnote.
	assert.Equal(t, "2014", get("重大な事故の推移", "A2"))
	assert.Equal(t, "4", get("重大な事故の推移", "C11"))
	assert.True(t, number("重大な事故の推移", "C11"))
	assert.Equal(t, "6,287", get("四半期報告事故", "C11"))
	assert.True(t, number("四半期報告事故", "C11"))
	assert.False(t, number("四半期報告事故", "G4"))
	assert.Equal(t, Suppressed, get("四半期報告事故", "G4"), "unknown cause, fiscal 2016")
	assert.Contains(t, get("四半期報告事故", "A12"), "3者未満の事業者による集計値は公表しない")
	assert.Equal(t, "楽天モバイル株式会社", get("重大な事故一覧", "C2"))
	assert.Equal(t, "2023/05/17 09:05", get("重大な事故一覧", "D2"))
	assert.Equal(t, "令和5年(2023年)5月17日 9時05分", get("重大な事故一覧", "E2"))
	assert.Equal(t, "1,300,000", get("重大な事故一覧", "I2"))
	assert.Equal(t, "75.0%", get("フォローアップ調査", "N2"))
	assert.Equal(t, "実施率・有効率とも70%以上", get("フォローアップ調査", "P2"))
	assert.Equal(t, "令和5年(2023年)7月", get("おそれ事態", "C2"))
	assert.Equal(t, "CAP-2023-01", get("教訓", "C2"))
	assert.Equal(t, "総基安第123号", get("行政指導", "D2"))
	panes, err := f.GetPanes("重大な事故一覧")
	require.NoError(t, err)
	assert.True(t, panes.Freeze)
	assert.Equal(t, 1, panes.YSplit)
}
