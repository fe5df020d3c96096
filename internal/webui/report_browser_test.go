package webui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/jpdate"
	"kensho/internal/stacktest"
)

// js quotes a string for JavaScript.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// set gives a control a value as typing or choosing would: input and
// change events, which htmx listens to.
func (c *chrome) set(ctx context.Context, id, value string) {
	c.t.Helper()
	ok := run(c.t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const el = document.getElementById(%s);
		if (!el) return false; el.value = %s;
		el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));
		return true; })()`, js(id), js(value))))
	require.True(c.t, ok, "no control #%s", id)
	c.settle(ctx)
}

// tick clicks a check box or radio button.
func (c *chrome) tick(ctx context.Context, id string) {
	c.t.Helper()
	ok := run(c.t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const el = document.getElementById(%s);
		if (!el) return false; el.click(); return true; })()`, js(id))))
	require.True(c.t, ok, "no control #%s", id)
	c.settle(ctx)
}

// settle waits until htmx has no request in flight, so that a part the
// server renders again is back before the next field is filled.
func (c *chrome) settle(ctx context.Context) {
	c.t.Helper()
	c.waitFor(ctx, `!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')`)
}

// value is a control's current value.
func (c *chrome) value(ctx context.Context, id string) string {
	c.t.Helper()
	return run(c.t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%s).value`, js(id))))
}

// waitText waits until the element's text is want.
func (c *chrome) waitText(ctx context.Context, sel, want string) {
	c.t.Helper()
	c.waitFor(ctx, fmt.Sprintf(`(document.querySelector(%s)?.textContent || '').trim() === %s`, js(sel), js(want)))
}

// An operator files a quick report of a serious accident, then its detailed
// report from the case (prefilled); the secretariat sees one case with both
// reports, and the detailed report's deadline until it is filed.
func TestBrowserQuickThenDetailedReport(t *testing.T) {
	s := stacktest.New(t)
	c := newChrome(t, s)
	occurred := time.Now().In(jpdate.JST).AddDate(0, 0, -2)
	day := occurred.Format("2006-01-02")
	ref := "KDDI-" + occurred.Format("20060102") + "-01"

	op := c.tab()
	c.login(op, "kddi")
	require.EqualValues(t, 200, c.open(op, "/report-forms"))
	require.EqualValues(t, 200, c.submit(op, "#new-quick"))
	assert.Equal(t, "一報（重大な事故）", c.text(op, "h1"))
	c.set(op, "f-ref", ref)
	c.set(op, "f-occurred-at", day+"T09:00")
	c.tick(op, "f-report-status-recovered")
	c.set(op, "f-recovered-at", day+"T12:30")
	c.tick(op, "f-report-prefectures-tokyo")
	c.tick(op, "f-report-prefectures-kanagawa")
	c.set(op, "f-impacts-0-service", "internet_access") // the editor comes back with the service's fields
	c.set(op, "f-impacts-0-user-unit", "people")
	c.set(op, "f-impacts-0-timeline-0-from", day+"T09:00")
	c.set(op, "f-impacts-0-timeline-0-to", day+"T12:30")
	c.set(op, "f-impacts-0-timeline-0-users", "50,000")
	c.set(op, "f-summary", "認証サーバの不具合により、東京都・神奈川県でインターネット接続サービスが利用できなかった。")
	c.waitText(op, "#verdict", "重大な事故")
	assert.Contains(t, c.text(op, "#judgement"), "電気通信事業法施行規則(平成31年改正)", "the rule set in force on the day")

	require.EqualValues(t, 200, c.submit(op, "#rf-confirm"))
	assert.Contains(t, c.text(op, "main"), "まだ提出されていません")
	assert.Contains(t, c.text(op, "dl.summary-list"), jpdate.Wareki(occurred)+" 09:00", "dates in 和暦 with the Western year")
	require.EqualValues(t, 200, c.submit(op, "#rf-submit"))
	assert.Contains(t, c.text(op, "main .flash"), "報告を提出しました。")
	caseID := run(t, op, chromedp.Evaluate[string](fmt.Sprintf(
		`[...document.querySelectorAll('#own-cases tr[id^="case-"]')].find(tr => tr.textContent.includes(%s)).id.slice(5)`, js(ref))))
	row := c.text(op, "#case-"+caseID)
	assert.Contains(t, row, "第1版 一報")

	// The secretariat's queue now awaits the detailed report, 30 days on.
	sec := c.tab()
	c.login(sec, "secretariat")
	require.EqualValues(t, 200, c.open(sec, "/deadlines?within=60"))
	queue := c.text(sec, "main")
	assert.Contains(t, queue, ref)
	assert.Contains(t, queue, "詳細な報告")
	assert.Contains(t, queue, jpdate.Wareki(occurred.AddDate(0, 0, 30)))

	// The detailed report starts from the quick one.
	require.EqualValues(t, 200, c.submit(op, "#make-"+caseID))
	assert.Contains(t, c.text(op, "h1"), "詳細な報告")
	assert.Equal(t, ref, c.value(op, "f-ref"))
	assert.Equal(t, "50000", c.value(op, "f-impacts-0-timeline-0-users"))
	assert.Contains(t, c.value(op, "f-summary"), "認証サーバの不具合")
	c.set(op, "f-report-equipment-type", "server")
	c.set(op, "f-report-equipment-outline", "加入者認証サーバ（A社製、2台による冗長構成）")
	c.set(op, "f-report-development", "09:00 認証要求の処理遅延を検知。09:20 認証失敗が全面に拡大し、インターネット接続ができなくなった。")
	c.set(op, "f-report-recovery-actions", "09:40 予備系へ切り替えたが同じ不具合で失敗。11:50 ソフトウェアを旧版に戻し、12:30 全面復旧。")
	c.set(op, "f-cause-class", "equipment")
	c.set(op, "f-cause-archetype", "software_bug") // the archetypes on offer follow
	c.set(op, "f-cause-text", "認証サーバのソフトウェアに、ベンダも把握していなかった不具合があり、特定の要求の組合せで処理が停止した。")
	c.set(op, "f-report-proportional-archetype", "unknown_software_bug") // its aspects appear, 濃 and 薄
	assert.Equal(t, "濃", c.text(op, ".aspect.thick .weight"))
	c.set(op, "f-report-proportional-aspects-find-unknown-bugs", "ベンダと試験項目を共有する。")
	c.set(op, "f-report-proportional-aspects-early-detection", "認証失敗率の監視閾値を見直し、異常を5分以内に検知して当番者に通知する。")
	c.set(op, "f-report-proportional-aspects-emergency-recovery", "旧版への切り戻し手順を整備し、検知から30分以内に切り戻せるよう訓練する。")
	c.tick(op, "f-report-user-notices-website")
	c.tick(op, "f-report-user-notices-sns")
	c.set(op, "f-report-facility-manager", "統括 太郎")
	c.set(op, "f-report-chief-engineer", "主任 花子")
	c.set(op, "f-report-chief-engineer-licence", "transmission_switching")
	c.waitText(op, "#verdict", "重大な事故")

	// The README's screenshot: the filled detailed form with its judgement.
	png := run(t, op, chromedp.FullScreenshot(100))
	require.Greater(t, len(png), 10_000)
	dir := t.TempDir()
	if *screenshots {
		dir = filepath.Join("..", "..", "docs", "screenshots")
		require.NoError(t, os.MkdirAll(dir, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "detailed-form.png"), png, 0o644))

	require.EqualValues(t, 200, c.submit(op, "#rf-confirm"))
	assert.Contains(t, c.text(op, "dl.summary-list"), "濃 未知のバグの顕在化をより早く検知する取組")
	require.EqualValues(t, 200, c.submit(op, "#rf-submit"))
	row = c.text(op, "#case-"+caseID)
	assert.Contains(t, row, "第2版 詳細な報告")
	assert.Contains(t, row, "訂正報告を作成")

	// One case with both reports; the deadline is met.
	require.EqualValues(t, 200, c.open(sec, "/cases/"+caseID))
	n := run(t, sec, chromedp.Evaluate[int](`document.querySelectorAll('#own a[href*="/reports/"]').length`))
	assert.Equal(t, 2, n, "the quick and the detailed report on one case")
	require.EqualValues(t, 200, c.open(sec, "/cases?q="+ref))
	cases := run(t, sec, chromedp.Evaluate[int](`document.querySelectorAll('table.cases tbody tr').length`))
	assert.Equal(t, 1, cases, "one case")
	require.EqualValues(t, 200, c.open(sec, "/deadlines?within=60"))
	assert.NotContains(t, c.text(sec, "main"), ref, "the detailed report was filed")
}

// The near-miss form asks the facts of the situation and says at once
// whether it must be reported: a DDoS that degraded legitimate traffic is
// reportable; under the 2025 draft one that did not is not.
func TestBrowserNearMissReportable(t *testing.T) {
	s := stacktest.New(t)
	c := newChrome(t, s)
	tab := c.tab()
	c.login(tab, "docomo")
	require.EqualValues(t, 200, c.open(tab, "/report-forms/new?form=near_miss"))
	assert.Zero(t, run(t, tab, chromedp.Evaluate[int](`document.querySelectorAll('[name^="near_miss."]:not([name="near_miss.situation"])').length`)),
		"no facts before the situation")
	c.set(tab, "f-occurred-at", "2025-02-03T20:00")
	c.set(tab, "f-near-miss-situation", "capacity_exceeded")
	c.set(tab, "f-near-miss-cause-origin", "attack")
	c.set(tab, "f-near-miss-traffic", "data")
	asked := run(t, tab, chromedp.Evaluate[[]string](`[...new Set([...document.querySelectorAll('[name^="near_miss."]')].map(e => e.name))]`))
	assert.Equal(t, []string{"near_miss.situation", "near_miss.cause_origin", "near_miss.traffic", "near_miss.attack_blocked",
		"near_miss.legit_traffic_degraded"}, asked, "only the facts of a DDoS on data traffic")
	c.tick(tab, "f-near-miss-attack-blocked-false")

	c.tick(tab, "f-near-miss-legit-traffic-degraded-true")
	c.waitText(tab, "#nm-verdict-proposal-2025 .j-verdict", "報告対象")
	assert.Equal(t, "報告対象", c.text(tab, "#nm-verdict-2023 .j-verdict"))
	assert.Contains(t, c.text(tab, "#nm-verdict-proposal-2025 .reason"), "legitimate traffic degraded")

	c.tick(tab, "f-near-miss-legit-traffic-degraded-false")
	c.waitText(tab, "#nm-verdict-proposal-2025 .j-verdict", "報告対象外")
	assert.Contains(t, c.text(tab, "#nm-verdict-proposal-2025 .reason"), "blocked enough")
	assert.Equal(t, "報告対象", c.text(tab, "#nm-verdict-2023 .j-verdict"), "the rules in force make no exception by cause")
	c.noCSPViolations(tab)
}

// Two people edit one draft: the second save from the stale version shows
// who changed what, and keeps what was typed.
func TestBrowserStaleDraft(t *testing.T) {
	s := stacktest.New(t)
	c := newChrome(t, s)
	a := c.tab()
	c.login(a, "kddi")
	require.EqualValues(t, 200, c.open(a, "/report-forms/new?form=quick"))
	c.set(a, "f-ref", "KDDI-STALE-1")
	c.set(a, "f-occurred-at", "2025-06-10T09:00")
	c.set(a, "f-summary", "認証サーバの不具合。")
	require.EqualValues(t, 200, c.submit(a, "#rf-save"))
	assert.Contains(t, c.text(a, "main .flash"), "下書きを保存しました。")
	draft := run(t, a, chromedp.Location())

	b := c.tab()
	c.login(b, "kddi")
	require.EqualValues(t, 200, c.open(b, draft[strings.Index(draft, "/report-forms"):]))
	c.set(b, "f-summary", "認証サーバの不具合（原因を特定）。")
	require.EqualValues(t, 200, c.submit(b, "#rf-save"))

	c.set(a, "f-area", "東京都西部")
	require.EqualValues(t, 409, c.submit(a, "#rf-save"))
	conflict := c.text(a, "#conflict")
	assert.Contains(t, conflict, "他の人が変更しました。")
	assert.Contains(t, conflict, "概要: 認証サーバの不具合。 → 認証サーバの不具合（原因を特定）。")
	assert.Equal(t, "東京都西部", c.value(a, "f-area"), "what was typed is kept")
	require.EqualValues(t, 200, c.submit(a, "#rf-save"), "saving again overwrites, knowingly")
	assert.Equal(t, "東京都西部", c.value(a, "f-area"))
}
