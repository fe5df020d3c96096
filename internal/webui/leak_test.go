package webui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/stacktest"
)

var sectionRE = regexp.MustCompile(`<section id="([a-z]+)" class="tier`)

// The leak matrix on the pages: every role × every tier of case × every
// page surface (case page, list, search, home, public pages, error pages)
// shows exactly the sections allowed, and no marker planted in a forbidden
// section appears anywhere in the HTML.
func TestPageLeakMatrix(t *testing.T) {
	s := stacktest.New(t)
	s.Plant(t)

	for role, cases := range stacktest.Want {
		t.Run(role, func(t *testing.T) {
			bad := s.Forbidden(role)
			var b *browser
			if role == "anonymous" {
				b = newBrowser(t, s)
			} else {
				b = signedIn(t, s, role)
				stacktest.NoMarkers(t, b.get("/home").Body, bad, "home")
			}
			missing := b.get("/cases/999999999")
			for _, path := range []string{"/", "/near-misses"} {
				r := b.get(path)
				if r.Status == http.StatusSeeOther {
					// A signed-in caller's start page is home, checked above.
					require.Equal(t, "/home", r.Location)
					continue
				}
				require.Equal(t, http.StatusOK, r.Status, path)
				// Public pages are the same for everyone.
				stacktest.NoMarkers(t, r.Body, s.Forbidden("anonymous"), path)
			}

			for _, tg := range stacktest.Targets {
				id := s.Cases[tg.Ref]
				r := b.get(fmt.Sprintf("/cases/%d", id))
				stacktest.NoMarkers(t, r.Body, bad, "case page "+tg.Ref)
				exp := cases[tg.Ref]
				if role == "anonymous" {
					assert.Equal(t, http.StatusSeeOther, r.Status, "case pages need a login")
					continue
				}
				if exp == nil {
					assert.Equal(t, http.StatusNotFound, r.Status, "%s: %s", tg.Ref, tg.What)
					assert.Equal(t, missing.Body, r.Body, "an invisible case looks like a missing one")
					continue
				}
				require.Equal(t, http.StatusOK, r.Status, tg.Ref)
				var got []string
				for _, m := range sectionRE.FindAllStringSubmatch(r.Body, -1) {
					got = append(got, m[1])
					assert.Contains(t, r.Body, stacktest.Marker(m[1], id), "%s: section %s lacks its marker", tg.Ref, m[1])
				}
				assert.Equal(t, exp, got, "%s: %s", tg.Ref, tg.What)
				// The originals of the own part download; nothing else links them.
				links := regexp.MustCompile(fmt.Sprintf(`href="(/cases/%d/reports/\d+)"`, id)).FindAllStringSubmatch(r.Body, -1)
				assert.Equal(t, slices.Contains(exp, stacktest.Own), len(links) > 0, "%s: download links", tg.Ref)
				for _, l := range links {
					d := b.get(l[1])
					assert.Equal(t, http.StatusOK, d.Status, l[1])
					assert.Contains(t, d.Header.Get("Content-Disposition"), "attachment")
				}
				assert.Regexp(t, `TLP:(CLEAR|AMBER|RED)`, r.Body)

				// A forbidden action on a visible case is a 403 page that
				// shows nothing of the case.
				if role != "secretariat" {
					r = b.post(fmt.Sprintf("/cases/%d/publish", id), nil, "auto")
					stacktest.NoMarkers(t, r.Body, bad, "publish error "+tg.Ref)
					assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity}, r.Status)
				}
			}
			if role == "anonymous" {
				return
			}

			// The list and its search.
			list := b.get("/cases")
			require.Equal(t, http.StatusOK, list.Status)
			stacktest.NoMarkers(t, list.Body, bad, "case list")
			for _, tg := range stacktest.Targets {
				id := s.Cases[tg.Ref]
				for _, sec := range stacktest.Sections {
					q := stacktest.Marker(sec, id)
					r := b.get("/cases?q=" + url.QueryEscape(q))
					require.Equal(t, http.StatusOK, r.Status)
					// The page repeats the query; every other forbidden
					// marker must be absent, and whether the case is found
					// is checked below.
					stacktest.NoMarkers(t, r.Body, slices.DeleteFunc(slices.Clone(bad), func(m string) bool { return m == q }), "search")
					found := regexp.MustCompile(fmt.Sprintf(`href="/cases/%d"`, id)).MatchString(r.Body)
					assert.Equal(t, slices.Contains(cases[tg.Ref], sec), found, "search for the %s marker of %s", sec, tg.Ref)
				}
			}
		})
	}
}

// The secretariat raises a part's tier from the case page; the sharee's
// page loses the part at once, and returning it is a form too.
func TestRaiseTierFromThePage(t *testing.T) {
	s := stacktest.New(t)
	s.Plant(t)
	id := s.Cases["2019-001"]
	page := fmt.Sprintf("/cases/%d", id)
	mark := stacktest.Marker(stacktest.Restricted, id)
	docomo := signedIn(t, s, "docomo")
	require.Contains(t, docomo.get(page).Body, mark)

	sec := signedIn(t, s, "secretariat")
	require.Equal(t, http.StatusOK, sec.get(page).Status)
	r := sec.post(page+"/tiers", url.Values{"section": {"restricted"}, "tier": {"committee"}, "reason": {""}}, "auto")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "理由を入力してください")
	r = sec.post(page+"/tiers", url.Values{"section": {"own"}, "tier": {"restricted"}, "reason": {"x"}}, "auto")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "既定の区分より上にしか")
	r = sec.post(page+"/tiers", url.Values{"section": {"restricted"}, "tier": {"committee"}, "reason": {"営業秘密を含む"}}, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	r = sec.get(r.Location)
	assert.Contains(t, r.Body, "区分を引き上げました")
	assert.Contains(t, r.Body, "営業秘密を含む")

	d := docomo.get(page)
	require.Equal(t, http.StatusOK, d.Status)
	assert.NotContains(t, d.Body, mark)
	assert.NotContains(t, d.Body, `id="restricted"`)
	assert.NotContains(t, d.Body, "営業秘密を含む", "the reason is committee material")

	r = sec.post(page+"/tiers/restricted/lower", url.Values{"reason": {"共有会で合意"}}, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	assert.Contains(t, docomo.get(page).Body, mark)
	// Others cannot even try.
	r = docomo.post(page+"/tiers", url.Values{"section": {"own"}, "tier": {"committee"}, "reason": {"x"}}, "auto")
	assert.Equal(t, http.StatusForbidden, r.Status)
}
