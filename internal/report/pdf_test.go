package report

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testPrinter prints with the browser of the tests: KENSHO_CHROMIUM or
// /usr/bin/chromium. It fails rather than skips without one: CI installs
// it (.ci/run). What the tests print goes to KENSHO_REPORT_OUT when set.
func testPrinter(t testing.TB) *Printer {
	t.Helper()
	path := os.Getenv("KENSHO_CHROMIUM")
	if path == "" {
		path = DefaultChromium
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the PDF tests need Chromium at %s (KENSHO_CHROMIUM names another): apt-get install -y chromium fonts-noto-cjk — .ci/run does this on CI", path)
	}
	p := &Printer{ExecPath: path}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func TestPDF(t *testing.T) {
	r := sampleReport(t)
	doc, err := Document(r, HTMLOptions{Lang: "ja", ContentHash: "sha256:0123abcd", Status: StatusDraft})
	require.NoError(t, err)
	p := testPrinter(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// Two at once: one browser, a tab each.
	var wg sync.WaitGroup
	pdfs := make([][]byte, 2)
	errs := make([]error, 2)
	for i := range pdfs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pdfs[i], errs[i] = p.PDF(ctx, doc)
		}()
	}
	wg.Wait()
	for i := range pdfs {
		require.NoError(t, errs[i])
		require.True(t, bytes.HasPrefix(pdfs[i], []byte("%PDF-")), "a PDF")
	}
	dir := outDir(t)
	file := filepath.Join(dir, "report-ja.pdf")
	require.NoError(t, os.WriteFile(file, pdfs[0], 0o644))

	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (apt-get install -y poppler-utils; .ci/run installs it): the PDF was printed but its text is not checked")
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	require.NoError(t, err)
	text := string(out)
	for _, want := range []string{"電気通信事故に関する検証報告（令和5年度）", "重大な事故", "おそれ事態", "教訓", "フォローアップ調査",
		"令和5年(2023年)5月17日", "3者未満の事業者による集計値は公表しない", "楽天モバイル株式会社", "75.0%", "令和6年(2024年)1月31日"} {
		assert.Contains(t, text, want)
	}
	// Page numbers in the footer, A4 pages.
	assert.Contains(t, text, "1 / ")
	info, err := exec.Command("pdfinfo", file).Output()
	if err == nil {
		assert.Contains(t, string(info), "(A4)")
		t.Logf("pdfinfo:\n%s", info)
	}
}

func TestPrinterClosed(t *testing.T) {
	p := &Printer{}
	require.NoError(t, p.Close())
	_, err := p.PDF(context.Background(), []byte("<!DOCTYPE html><p>x"))
	assert.ErrorIs(t, err, ErrPrinterClosed)
}

// TestDocumentScreenshot renders the document as the browser lays it out
// (A4 width) and writes the PNG for a person to look at.
func TestDocumentScreenshot(t *testing.T) {
	r := sampleReport(t)
	doc, err := Document(r, HTMLOptions{Lang: "ja", ContentHash: "sha256:0123abcd"})
	require.NoError(t, err)
	p := testPrinter(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	png, err := p.screenshot(ctx, doc, 794) // A4 at 96 dpi
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
	require.NoError(t, os.WriteFile(filepath.Join(outDir(t), "report-ja.png"), png, 0o644))
	assert.False(t, strings.Contains(string(doc), "http://"), "nothing to load")
}

// TestPrinterLoadsNothing: a document that would load something gets
// nothing — the request never reaches the server, and the PDF fails on
// the missing image rather than print without it.
func TestPrinterLoadsNothing(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	doc := []byte(`<!DOCTYPE html><html><head><link rel="stylesheet" href="` + srv.URL + `/x.css"></head><body><p>x</p><img src="` + srv.URL + `/x.png"></body></html>`)
	p := testPrinter(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := p.PDF(ctx, doc)
	assert.ErrorContains(t, err, "1 image(s) of the document do not load")
	assert.Zero(t, hits.Load(), "no request reached the network")
}
