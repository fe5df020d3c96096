package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/access"
	"kensho/internal/app"
	"kensho/internal/casefile"
	"kensho/internal/stacktest"
)

func casePath(s *stacktest.Stack, ref string) string {
	return fmt.Sprintf("/cases/%d", s.Cases[ref])
}

func TestLoginLogout(t *testing.T) {
	s := stacktest.New(t)

	t.Run("every demo user signs in and sees their home", func(t *testing.T) {
		for _, u := range app.DemoUsers {
			b := signedIn(t, s, u.Login)
			r := b.get("/home")
			assert.Contains(t, r.Body, u.DisplayName, u.Login)
			assert.Equal(t, "no-store", r.Header.Get("Cache-Control"))
			assert.Contains(t, r.Body, `action="/logout"`)
		}
	})

	t.Run("the session cookie is HttpOnly, SameSite=Lax, Secure", func(t *testing.T) {
		b := newBrowser(t, s)
		b.get("/login")
		req, _ := http.NewRequest(http.MethodPost, s.Server.URL+"/login", strings.NewReader(url.Values{
			"login": {"kddi"}, "password": {password(t, "kddi")}, "_csrf": {b.csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := b.c.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		var cookie string
		for _, c := range res.Header.Values("Set-Cookie") {
			if strings.HasPrefix(c, "kensho_session=") {
				cookie = c
			}
		}
		require.NotEmpty(t, cookie)
		assert.Contains(t, cookie, "HttpOnly")
		assert.Contains(t, cookie, "SameSite=Lax")
		assert.Contains(t, cookie, "Path=/")
		assert.Contains(t, cookie, "Secure", "the stack runs with secure_cookies: true (the default)")
	})

	t.Run("wrong password and unknown login: the same 401 message", func(t *testing.T) {
		b := newBrowser(t, s)
		b.get("/login")
		wrong := b.post("/login", url.Values{"login": {"secretariat"}, "password": {"not-the-password"}}, "auto")
		assert.Equal(t, http.StatusUnauthorized, wrong.Status)
		assert.Contains(t, wrong.Body, "ログインIDまたはパスワードが正しくありません。")
		unknown := b.post("/login", url.Values{"login": {"nobody"}, "password": {"not-the-password"}}, "auto")
		assert.Equal(t, http.StatusUnauthorized, unknown.Status)
		assert.Contains(t, unknown.Body, "ログインIDまたはパスワードが正しくありません。")
		assert.Equal(t, strings.Replace(wrong.Body, `value="secretariat"`, "", 1), strings.Replace(unknown.Body, `value="nobody"`, "", 1))
		assert.Equal(t, http.StatusSeeOther, b.get("/home").Status, "still signed out")
	})

	t.Run("the login form needs its double-submit token", func(t *testing.T) {
		b := newBrowser(t, s)
		b.get("/login")
		form := url.Values{"login": {"secretariat"}, "password": {password(t, "secretariat")}}
		assert.Equal(t, http.StatusForbidden, b.post("/login", form, "").Status)
		assert.Equal(t, http.StatusForbidden, b.post("/login", form, "forged-token-forged-token-forged-token").Status)
		fresh := newBrowser(t, s) // no cookie at all
		assert.Equal(t, http.StatusForbidden, fresh.post("/login", form, "whatever").Status)
	})

	t.Run("logout ends the session", func(t *testing.T) {
		b := signedIn(t, s, "expert")
		r := b.post("/logout", nil, "auto")
		assert.Equal(t, http.StatusSeeOther, r.Status)
		r = b.get("/cases")
		assert.Equal(t, http.StatusSeeOther, r.Status)
		assert.Equal(t, "/login?next=%2Fcases", r.Location)
	})

	t.Run("next goes back to a local path only", func(t *testing.T) {
		for next, want := range map[string]string{
			"/cases?kind=accident":  "/cases?kind=accident",
			"//evil.example/x":      "/home",
			"https://evil.example/": "/home",
			`/\evil.example`:        "/home",
		} {
			b := newBrowser(t, s)
			b.get("/login?next=" + url.QueryEscape(next))
			r := b.post("/login", url.Values{"login": {"expert"}, "password": {password(t, "expert")}, "next": {next}}, "auto")
			assert.Equal(t, want, r.Location, next)
		}
		b := newBrowser(t, s)
		assert.Equal(t, "/", b.get("/lang?to=en&next="+url.QueryEscape("https://evil.example/")).Location)
	})
}

func TestAnonymous(t *testing.T) {
	s := stacktest.New(t)
	b := newBrowser(t, s)
	assert.Equal(t, "/login", b.get("/home").Location)
	for _, path := range []string{"/cases", casePath(s, "2015-003"), "/audit", "/admin/users"} {
		r := b.get(path)
		assert.Equal(t, http.StatusSeeOther, r.Status, path)
		assert.Equal(t, "/login?next="+url.QueryEscape(path), r.Location, path)
	}
	r := b.get("/")
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "重大な事故の判定基準")

	r = b.get("/near-misses")
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "TLP:CLEAR")
	assert.Contains(t, r.Body, "予備系", "the approved demo summary is public")
	assert.NotContains(t, r.Body, "KDDI", "without the operator's name")
	assert.NotContains(t, r.Body, "ドコモ", "the draft is not public")
}

func TestCSRF(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "secretariat")
	path := casePath(s, "2020-001")
	require.Equal(t, http.StatusOK, b.get(path).Status)
	form := func() url.Values {
		return url.Values{"organisation": {"株式会社NTTドコモ"}, "reason": {"テスト"}}
	}

	r := b.post(path+"/shares", form(), "")
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Contains(t, r.Body, "フォームの確認用トークンが一致しませんでした")
	assert.Equal(t, http.StatusForbidden, b.post(path+"/shares", form(), "x"+b.csrf).Status)
	other := signedIn(t, s, "secretariat") // another session's token
	assert.Equal(t, http.StatusForbidden, b.post(path+"/shares", form(), other.csrf).Status)
	assert.Equal(t, http.StatusForbidden, b.post("/logout", nil, "").Status)

	v, err := s.Stack.Cases.Get(context.Background(), secretariat(t, s), s.Cases["2020-001"])
	require.NoError(t, err)
	assert.Empty(t, v.Committee.Shares, "no refused form changed anything")

	t.Run("a refused share comes back with the field's message", func(t *testing.T) {
		r := b.post(path+"/shares", url.Values{"organisation": {"株式会社NTTドコモ"}, "reason": {"  "}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "共有理由を入力してください")
		assert.Contains(t, r.Body, `<option value="株式会社NTTドコモ" selected>`)
		r = b.post(path+"/shares", url.Values{"organisation": {"株式会社オプテージ"}, "reason": {"x"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "指定公共機関ではない組織とは共有できません。")

		req, _ := http.NewRequest(http.MethodPost, s.Server.URL+path+"/shares", strings.NewReader(url.Values{"reason": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("X-CSRF-Token", b.csrf)
		r = b.do(req)
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.True(t, strings.HasPrefix(strings.TrimSpace(r.Body), `<div id="shares"`), r.Body)
		assert.Contains(t, r.Body, "共有先の指定公共機関を選択してください。")
	})

	r = b.post(path+"/shares", form(), "auto")
	assert.Equal(t, http.StatusSeeOther, r.Status)
	assert.Equal(t, path+"?done=shared#shares", r.Location)

	t.Run("htmx sends the token in a header and gets the shares block", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, s.Server.URL+path+"/shares/"+fmt.Sprint(orgID(t, s, "株式会社NTTドコモ"))+"/revoke", nil)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("X-CSRF-Token", b.csrf)
		r := b.do(req)
		assert.Equal(t, http.StatusOK, r.Status)
		assert.True(t, strings.HasPrefix(strings.TrimSpace(r.Body), `<div id="shares"`), r.Body)
		assert.NotContains(t, r.Body, "<html")
		assert.Contains(t, r.Body, "共有を取り消しました。")
	})
}

func secretariat(t *testing.T, s *stacktest.Stack) access.Subject {
	p, err := s.Identity.ByLogin(context.Background(), "secretariat")
	require.NoError(t, err)
	return p.Subject
}

func orgID(t *testing.T, s *stacktest.Stack, name string) int64 {
	var id int64
	require.NoError(t, s.DB.Raw("SELECT id FROM organisations WHERE name = ?", name).Scan(&id).Error)
	require.NotZero(t, id)
	return id
}

func TestCasePageTiers(t *testing.T) {
	s := stacktest.New(t)
	path := casePath(s, "2019-001")
	notes := "卸元と卸先の復旧手順"

	t.Run("docomo (shared with): overview and restricted, nothing of the committee", func(t *testing.T) {
		r := signedIn(t, s, "docomo").get(path)
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, `<section id="restricted"`)
		assert.Contains(t, r.Body, "TLP:AMBER")
		assert.Contains(t, r.Body, "限定共有（指定公共機関）")
		for _, absent := range []string{`id="committee"`, `id="own"`, "審議メモ", notes, "TLP:RED", "共有先", "_csrf\" value=\"\""} {
			assert.NotContains(t, r.Body, absent)
		}
	})

	t.Run("secretariat: every section, each with its label", func(t *testing.T) {
		r := signedIn(t, s, "secretariat").get(path)
		require.Equal(t, http.StatusOK, r.Status)
		for _, want := range []string{`<section id="overview"`, `<section id="restricted"`, `<section id="own"`, `<section id="committee"`,
			"TLP:AMBER", "TLP:RED", "検証会議限り", "報告事業者限り", "審議メモ", notes, "株式会社NTTドコモ", "指定公共機関間の情報共有会（デモ）",
			`name="organisation"`, "共有を取り消す", "概要を公表する"} {
			assert.Contains(t, r.Body, want)
		}
		assert.Contains(t, r.Body, `class="page-marking"><span class="tlp tlp-red">TLP:RED</span>`)
	})

	t.Run("not visible is not found: the same page as an id that does not exist", func(t *testing.T) {
		optage := signedIn(t, s, "optage")
		hidden := optage.get(path)
		missing := optage.get("/cases/999999999")
		assert.Equal(t, http.StatusNotFound, hidden.Status)
		assert.Equal(t, http.StatusNotFound, missing.Status)
		assert.Equal(t, missing.Body, hidden.Body)
		assert.NotContains(t, hidden.Body, "2019-001")
		assert.Equal(t, http.StatusNotFound, optage.get("/cases/abc").Status)

		expert := signedIn(t, s, "expert") // declared conflict with SoftBank
		conflict := expert.get(casePath(s, "2018-001"))
		assert.Equal(t, http.StatusNotFound, conflict.Status)
		assert.Equal(t, expert.get("/cases/999999999").Body, conflict.Body)
		assert.Equal(t, http.StatusOK, expert.get(path).Status)

		// A form on an invisible case is a 404 too, never a 403.
		r := optage.post(path+"/shares", url.Values{"organisation": {"KDDI株式会社"}, "reason": {"x"}}, "auto")
		assert.Equal(t, http.StatusNotFound, r.Status)
	})

	t.Run("a visible case and a forbidden action: 403", func(t *testing.T) {
		docomo := signedIn(t, s, "docomo")
		r := docomo.post(path+"/publish", nil, "auto")
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Contains(t, r.Body, "権限がありません")
	})

	t.Run("the list shows each case's label and the visible total", func(t *testing.T) {
		docomo := signedIn(t, s, "docomo")
		r := docomo.get("/cases")
		require.Equal(t, http.StatusOK, r.Status)
		p, err := s.Identity.ByLogin(context.Background(), "docomo")
		require.NoError(t, err)
		page, err := s.Stack.Cases.List(context.Background(), p.Subject, casefile.Query{})
		require.NoError(t, err)
		assert.Contains(t, r.Body, fmt.Sprintf("該当 %d 件", page.Total))
		assert.Contains(t, r.Body, `<span class="tlp tlp-amber">TLP:AMBER</span>`)
		assert.Contains(t, r.Body, `<span class="tlp tlp-clear">TLP:CLEAR</span>`)
		assert.NotContains(t, r.Body, "2020-001", "オプテージ's unshared case")
	})
}

func TestCaseListPaging(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "secretariat")
	r := b.get("/cases")
	require.Equal(t, http.StatusOK, r.Status)
	p, err := s.Identity.ByLogin(context.Background(), "secretariat")
	require.NoError(t, err)
	all, err := s.Stack.Cases.List(context.Background(), p.Subject, casefile.Query{Limit: 200})
	require.NoError(t, err)
	assert.Contains(t, r.Body, fmt.Sprintf("該当 %d 件", all.Total))
	require.Greater(t, all.Total, int64(25), "the demo has more than a page")
	i := strings.Index(r.Body, `rel="next"`)
	require.Positive(t, i)
	start := strings.LastIndex(r.Body[:i], `href="`) + len(`href="`)
	next := strings.ReplaceAll(r.Body[start:strings.Index(r.Body[start:], `"`)+start], "&amp;", "&")
	r2 := b.get(next)
	require.Equal(t, http.StatusOK, r2.Status)
	assert.Contains(t, r2.Body, all.Items[25].Ref)
	assert.NotContains(t, r2.Body, `href="/cases/`+fmt.Sprint(all.Items[0].ID)+`"`)

	r = b.get("/cases?kind=near_miss")
	assert.Contains(t, r.Body, "該当 2 件")
	r = b.get("/cases?q=" + url.QueryEscape("VoLTE"))
	assert.Contains(t, r.Body, "2016-002")
	assert.Contains(t, r.Body, "該当 1 件")
	assert.Equal(t, http.StatusBadRequest, b.get("/cases?cursor=garbage").Status)
}

func TestAnonymisationForms(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "secretariat")
	path := casePath(s, "DEMO-NM-2024-001")
	r := b.get(path)
	require.Equal(t, http.StatusOK, r.Status)
	p, err := s.Identity.ByLogin(context.Background(), "secretariat")
	require.NoError(t, err)
	v, err := s.Stack.Cases.Get(context.Background(), p.Subject, s.Cases["DEMO-NM-2024-001"])
	require.NoError(t, err)
	version := fmt.Sprint(v.Committee.Anonymising.Version)

	r = b.post(path+"/summary", url.Values{"text": {"ドコモのパケット交換設備で設定誤り。\r\n切り戻しで復旧。"}, "version": {version}}, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	b.get(path)

	t.Run("a stale save is a 409 that keeps the text typed", func(t *testing.T) {
		r := b.post(path+"/summary", url.Values{"text": {"古い版からの編集"}, "version": {version}}, "auto")
		assert.Equal(t, http.StatusConflict, r.Status)
		assert.Contains(t, r.Body, "他の利用者が先に要旨を更新しました")
		assert.Contains(t, r.Body, "古い版からの編集")
	})

	t.Run("approval is blocked and the span is marked", func(t *testing.T) {
		r := b.post(path+"/summary/approve", url.Values{"version": {fmt.Sprint(v.Committee.Anonymising.Version + 1)}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "承認できません")
		assert.Contains(t, r.Body, "<mark>ドコモ</mark>")
		assert.Contains(t, r.Body, "株式会社NTTドコモ")
		assert.Regexp(t, `<mark title="[^"]+">ドコモ</mark>のパケット交換設備で設定誤り。\n切り戻しで復旧。`, r.Body, "line ends stored as LF")
	})

	t.Run("committee notes: saved, and a stale save is a 409", func(t *testing.T) {
		nm := casePath(s, "2020-004")
		b.get(nm)
		cv, err := s.Stack.Cases.Get(context.Background(), p.Subject, s.Cases["2020-004"])
		require.NoError(t, err)
		before := strings.ReplaceAll(cv.Committee.Notes, "\n", "\r\n") // as a browser sends it
		r := b.post(nm+"/notes", url.Values{"before": {before}, "notes": {cv.Committee.Notes + "\r\n追記。"}}, "auto")
		assert.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		r = b.post(nm+"/notes", url.Values{"before": {before}, "notes": {"別の編集"}}, "auto")
		assert.Equal(t, http.StatusConflict, r.Status)
		assert.Contains(t, r.Body, "他の利用者が先に審議メモを更新しました")
	})
}

func TestSystemPages(t *testing.T) {
	s := stacktest.New(t)

	t.Run("audit trail: auditors only", func(t *testing.T) {
		b := signedIn(t, s, "auditor")
		r := b.get("/audit")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, "正常：")
		assert.Contains(t, r.Body, "user.create")
		r = b.get("/audit?action=login")
		assert.Contains(t, r.Body, "ログイン")
		assert.NotContains(t, r.Body, "<code>demo</code>", "only logins")
		assert.Equal(t, http.StatusBadRequest, b.get("/audit?case=abc").Status)

		csv := b.get("/audit/export.csv?action=share")
		assert.Equal(t, http.StatusOK, csv.Status)
		assert.Equal(t, "text/csv; charset=utf-8", csv.Header.Get("Content-Type"))
		assert.True(t, strings.HasPrefix(csv.Body, "\ufeffid,at,actor,action,object,case_id,detail,prev_hash,hash\n"), csv.Body)
		assert.Contains(t, csv.Body, ",share,")

		home := b.get("/home")
		assert.Contains(t, home.Body, `href="/audit"`)
		assert.Contains(t, home.Body, "正常：")

		sec := signedIn(t, s, "secretariat")
		assert.Equal(t, http.StatusForbidden, sec.get("/audit").Status)
		assert.Equal(t, http.StatusForbidden, sec.get("/audit/export.csv").Status)
		assert.NotContains(t, sec.get("/home").Body, `href="/audit"`)
	})

	t.Run("users: admins only, field errors in Japanese", func(t *testing.T) {
		b := signedIn(t, s, "admin")
		r := b.get("/admin/users")
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.Body, "<code>secretariat</code>")
		assert.Contains(t, r.Body, "ソフトバンク株式会社", "the expert's conflict")

		r = b.post("/admin/users", url.Values{"login": {"X"}, "name": {"試験 花子"}, "role": {"expert"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "ログインIDは英小文字・数字")
		assert.Contains(t, r.Body, `value="試験 花子"`, "the form keeps what was typed")

		r = b.post("/admin/users", url.Values{"login": {"newreporter"}, "role": {"reporter"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "報告者には所属組織が必要です。")

		r = b.post("/admin/users", url.Values{"login": {"newexpert"}, "role": {"expert"}, "fields": {"systems_audit"},
			"conflicts": {"KDDI株式会社\r\n"}, "password": {"short"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "パスワードは12文字以上にしてください。")
		assert.NotContains(t, r.Body, `value="short"`)

		r = b.post("/admin/users", url.Values{"login": {"newexpert"}, "role": {"expert"}, "email": {"not an address"}}, "auto")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, "メールアドレスの形式ではありません")

		r = b.post("/admin/users", url.Values{"login": {"newexpert"}, "name": {"新任 構成員"}, "role": {"expert"}, "fields": {"systems_audit"},
			"conflicts": {"KDDI株式会社\r\n"}, "password": {"a-long-enough-password"}, "email": {"newexpert@example.org"}}, "auto")
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		r = b.get(r.Location)
		assert.Contains(t, r.Body, "利用者を登録しました。")
		assert.Contains(t, r.Body, "<code>newexpert</code>")
		nb := newBrowser(t, s)
		nb.get("/login")
		r = nb.post("/login", url.Values{"login": {"newexpert"}, "password": {"a-long-enough-password"}}, "auto")
		assert.Equal(t, "/home", r.Location, "the new user can sign in")

		expert := signedIn(t, s, "expert")
		assert.Equal(t, http.StatusForbidden, expert.get("/admin/users").Status)
		assert.Equal(t, http.StatusForbidden, expert.post("/admin/users", url.Values{"login": {"sneaky"}, "role": {"admin"}}, "auto").Status)
	})

	t.Run("homes per role count what the caller sees", func(t *testing.T) {
		sec := signedIn(t, s, "secretariat").get("/home")
		assert.Contains(t, sec.Body, "閲覧できる事案の件数")
		assert.Contains(t, sec.Body, "承認待ちの匿名化要旨")
		assert.Contains(t, sec.Body, "DEMO-NM-2024-001")

		kddi := signedIn(t, s, "kddi").get("/home")
		assert.Contains(t, kddi.Body, "自組織の事案")
		assert.Contains(t, kddi.Body, "2019-001")
		assert.NotContains(t, kddi.Body, "承認待ち")

		editor := signedIn(t, s, "editor").get("/home")
		assert.Contains(t, editor.Body, "公表済み・匿名化済みの資料")
		assert.Contains(t, editor.Body, "2015-003")
		assert.NotContains(t, editor.Body, "TLP:AMBER")

		admin := signedIn(t, s, "admin").get("/home")
		assert.Contains(t, admin.Body, `href="/admin/users"`)
	})
}

func TestLanguageSwitch(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "secretariat")
	r := b.get("/cases")
	assert.Contains(t, r.Body, `<html lang="ja">`)
	assert.Contains(t, r.Body, "事案一覧")
	assert.Contains(t, r.Body, `href="/lang?to=en&amp;next=%2Fcases"`)

	r = b.get("/lang?to=en&next=%2Fcases")
	assert.Equal(t, http.StatusSeeOther, r.Status)
	assert.Equal(t, "/cases", r.Location)
	r = b.get("/cases")
	assert.Contains(t, r.Body, `<html lang="en">`)
	assert.Contains(t, r.Body, "<h1>Cases</h1>")
	assert.NotContains(t, r.Body, "事案一覧")

	r = b.get(casePath(s, "2019-001"))
	assert.Contains(t, r.Body, "Committee only")
	assert.Contains(t, r.Body, "Restricted partners")

	// Error pages switch back through the Referer: their body names no path.
	nf := b.get("/cases/999999999")
	assert.Contains(t, nf.Body, "Not found")
	assert.Contains(t, nf.Body, `href="/lang?to=ja"`)
	req, _ := http.NewRequest(http.MethodGet, s.Server.URL+"/lang?to=ja", nil)
	req.Header.Set("Referer", s.Server.URL+"/cases/999999999")
	r = b.do(req)
	assert.Equal(t, "/cases/999999999", r.Location)
	assert.Contains(t, b.get("/cases").Body, `<html lang="ja">`)
}

func TestErrorPages(t *testing.T) {
	s := stacktest.New(t)
	b := signedIn(t, s, "expert")

	r := b.get("/no-such-page")
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Contains(t, r.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, r.Body, "ページが見つかりません")
	assert.Contains(t, r.Body, "構成員 花子", "the header shows who is signed in")

	// The API keeps its JSON errors.
	code, body := s.Do(t, "expert", http.MethodGet, "/api/v1/cases/999999999", "")
	assert.Equal(t, http.StatusNotFound, code)
	assert.JSONEq(t, `{"error":"case not found"}`, dropRequestID(body))
	code, body = s.Do(t, "", http.MethodGet, "/api/v1/no-such-route", "")
	assert.Equal(t, http.StatusNotFound, code)
	assert.True(t, strings.HasPrefix(body, "{"), body)
}

// dropRequestID removes the request id from a JSON error body.
func dropRequestID(body string) string {
	if i := strings.Index(body, `,"request_id"`); i >= 0 {
		return body[:i] + "}"
	}
	return body
}

func TestAdminStopsAUser(t *testing.T) {
	s := stacktest.New(t)
	kddi := signedIn(t, s, "kddi")
	require.Equal(t, http.StatusOK, kddi.get("/cases").Status)

	admin := signedIn(t, s, "admin")
	require.Equal(t, http.StatusOK, admin.get("/admin/users").Status)
	r := admin.post("/admin/users/admin/disabled", url.Values{"disable": {"1"}}, "auto")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "自分自身の利用を停止することはできません")

	r = admin.post("/admin/users/kddi/disabled", url.Values{"disable": {"1"}}, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	assert.Contains(t, admin.get(r.Location).Body, "利用を停止しました")
	r = kddi.get("/cases")
	assert.Equal(t, http.StatusSeeOther, r.Status, "the stopped user's session ends at once")
	assert.Contains(t, r.Location, "/login")
	status, _ := s.Do(t, "kddi", "GET", "/api/v1/cases", "")
	assert.Equal(t, http.StatusUnauthorized, status, "and its tokens")

	// Only administrators manage users.
	sec := signedIn(t, s, "secretariat")
	sec.get("/home")
	r = sec.post("/admin/users/docomo/disabled", url.Values{"disable": {"1"}}, "auto")
	assert.Equal(t, http.StatusForbidden, r.Status)

	r = admin.post("/admin/users/kddi/disabled", url.Values{"disable": {"0"}}, "auto")
	require.Equal(t, http.StatusSeeOther, r.Status)
	signedIn(t, s, "kddi")
}
