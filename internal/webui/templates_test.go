package webui

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/redact"
	"kensho/web"
)

// Every string a template or handler asks for is in the catalogue, in
// both languages: a missing one would show as [key].
func TestMessagesComplete(t *testing.T) {
	for k, m := range messages {
		assert.NotEmpty(t, m.ja, k)
		assert.NotEmpty(t, m.en, k)
	}
	used := regexp.MustCompile(`\.Tf? "([a-z0-9_.]+)"`)
	goUsed := regexp.MustCompile(`(?:T|Tf|newBase\(c,|inputMessage|return) ?\(?"([a-z]+\.[a-z0-9_.]+)"`)
	files, err := fs.Glob(web.Templates, "templates/*.html")
	require.NoError(t, err)
	n := 0
	for _, f := range files {
		b, err := fs.ReadFile(web.Templates, f)
		require.NoError(t, err)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			assert.True(t, hasMessage(m[1]), "%s: %s", f, m[1])
			n++
		}
	}
	assert.Greater(t, n, 150, "the pattern finds the templates' keys")
	gofiles, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range gofiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range goUsed.FindAllStringSubmatch(string(b), -1) {
			if strings.HasPrefix(m[1], "kensho.") || strings.Contains(m[1], "/") {
				continue
			}
			assert.True(t, hasMessage(m[1]), "%s: %s", f, m[1])
			n++
		}
	}
	assert.Greater(t, n, 200, "the pattern finds the handlers' keys too")
	for _, keys := range []map[string]string{inputMessages, identityMessages, editionFieldMessages} {
		for code, k := range keys {
			assert.True(t, hasMessage(k), "%s → %s", code, k)
		}
	}
}

// The pages run under a CSP without 'unsafe-inline': no inline script,
// event handler or style may creep into a template.
func TestTemplatesHaveNothingInline(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]|<style|\sstyle=|\son[a-z]+=|javascript:|hx-on`)
	files, err := fs.Glob(web.Templates, "templates/*.html")
	require.NoError(t, err)
	for _, f := range files {
		b, err := fs.ReadFile(web.Templates, f)
		require.NoError(t, err)
		assert.NotRegexp(t, inline, string(b), f)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "/d",
		"/cases?q=x":           "/cases?q=x",
		"//evil.example":       "/d",
		"/\\evil.example":      "/d",
		"https://evil.example": "/d",
		"cases":                "/d",
		"/ok\r\nSet-Cookie: x": "/d",
		"/%2F%2Fevil":          "/%2F%2Fevil",
	} {
		assert.Equal(t, want, safeNext(in, "/d"), in)
	}
}

func TestMarkLeaks(t *testing.T) {
	text := "ドコモの設備でKDDIも"
	segs := markLeaks(text, nil)
	require.Len(t, segs, 1)
	assert.Equal(t, text, segs[0].Text)

	// Out of order, overlapping and out of range spans: the text survives
	// whole, each valid span marked once.
	i := strings.Index(text, "KDDI")
	segs = markLeaksFrom(text, [][2]int{{i, i + 4}, {0, 9}, {3, 6}, {0, 400}})
	var out strings.Builder
	var marked []string
	for _, s := range segs {
		out.WriteString(s.Text)
		if s.Leak != nil {
			marked = append(marked, s.Text)
		}
	}
	assert.Equal(t, text, out.String())
	assert.Equal(t, []string{"ドコモ", "KDDI"}, marked)
}

func markLeaksFrom(text string, spans [][2]int) []segment {
	var leaks []redact.Leak
	for _, s := range spans {
		l := redact.Leak{Start: s[0], End: s[1]}
		if s[1] <= len(text) {
			l.Text = text[s[0]:s[1]]
		}
		leaks = append(leaks, l)
	}
	return markLeaks(text, leaks)
}
