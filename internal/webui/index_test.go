package webui_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/rules"
	"kensho/internal/webui"
)

func TestIndexPage(t *testing.T) {
	cat, err := rules.Load(configs.FS)
	require.NoError(t, err)
	e := echo.New()
	require.NoError(t, webui.Register(e, webui.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: cat}))

	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	body := rec.Body.String()
	assert.Contains(t, body, `<html lang="ja">`)
	assert.Contains(t, body, "平成31年(2019年)3月26日", "in-force dates in 和暦 with the Western year")
	assert.Contains(t, body, "施行中")
	assert.Contains(t, body, `href="/static/kensho.css"`)

	rec = httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/static/kensho.css", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Header().Get("Content-Type"), "text/css")
}
