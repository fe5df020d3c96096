package webui_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"kensho/internal/app"
	"kensho/internal/stacktest"
)

// browser is a net/http client with a cookie jar that does not follow
// redirects, so that tests see each 303.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	// csrf is the last form token seen on a page.
	csrf string
}

func newBrowser(t *testing.T, s *stacktest.Stack) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: s.Server.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// response is what a request returned.
type response struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	res, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(b.t, err)
	if m := csrfRE.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return response{Status: res.StatusCode, Body: string(body), Location: res.Header.Get("Location"), Header: res.Header}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	require.NoError(b.t, err)
	return b.do(req)
}

// post sends a form; token "" sends none, "auto" the last one seen.
func (b *browser) post(path string, form url.Values, token string) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if token == "auto" {
		token = b.csrf
	}
	if token != "" {
		form.Set("_csrf", token)
	}
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// password is the demo password of login.
func password(t *testing.T, login string) string {
	for _, u := range app.DemoUsers {
		if u.Login == login {
			return u.Password
		}
	}
	t.Fatalf("no demo user %s", login)
	return ""
}

// login signs in through the form and checks the redirect home.
func (b *browser) login(login string) {
	b.t.Helper()
	r := b.get("/login")
	require.Equal(b.t, http.StatusOK, r.Status)
	r = b.post("/login", url.Values{"login": {login}, "password": {password(b.t, login)}}, "auto")
	require.Equal(b.t, http.StatusSeeOther, r.Status, r.Body)
	require.Equal(b.t, "/home", r.Location)
	r = b.get("/home") // picks up the session's form token
	require.Equal(b.t, http.StatusOK, r.Status)
}

// signedIn is a browser signed in as login.
func signedIn(t *testing.T, s *stacktest.Stack, login string) *browser {
	b := newBrowser(t, s)
	b.login(login)
	return b
}
