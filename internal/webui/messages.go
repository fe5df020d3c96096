package webui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// The languages of the UI. Japanese is the working language of the
// secretariat and of the operators; English is for the committee's foreign
// observers and for reviewers of the system.
const (
	langJA = "ja"
	langEN = "en"
)

// langCookie remembers the reader's choice of language.
const langCookie = "lang"

// langOf is the language of the request: the cookie if it names one we
// have, else Japanese.
func langOf(c echo.Context) string {
	if ck, err := c.Cookie(langCookie); err == nil && ck.Value == langEN {
		return langEN
	}
	return langJA
}

// msg is one UI string in both languages.
type msg struct{ ja, en string }

// messages holds every string the pages show, in one place so that a
// translation is checked at a glance and none is forgotten. Keys are
// grouped by page; a key that is missing shows itself in brackets.
var messages = map[string]msg{
	// Layout and navigation.
	"app.name":        {"Kenshō 検証", "Kenshō 検証"},
	"app.tagline":     {"電気通信事故検証会議 事案管理システム", "Telecommunications Accident Verification Committee — case management"},
	"nav.label":       {"主な項目", "Main"},
	"nav.home":        {"ホーム", "Home"},
	"nav.cases":       {"事案一覧", "Cases"},
	"nav.nearmisses":  {"おそれ事態の公表要旨", "Published near-miss summaries"},
	"nav.audit":       {"監査ログ", "Audit trail"},
	"nav.users":       {"利用者管理", "Users"},
	"nav.login":       {"ログイン", "Sign in"},
	"nav.logout":      {"ログアウト", "Sign out"},
	"nav.rules":       {"判定基準", "Rule sets"},
	"nav.signedin":    {"ログイン中", "Signed in as"},
	"lang.switch":     {"English", "日本語"},
	"lang.switch.to":  {"en", "ja"},
	"lang.switch.lbl": {"Switch to English", "日本語に切り替え"},
	"page.marking":    {"この頁の最高区分", "Highest marking on this page"},

	// Landing page (public).
	"index.title":       {"重大な事故の判定基準", "Rule sets for serious accidents"},
	"index.id":          {"ID", "ID"},
	"index.name":        {"名称", "Title"},
	"index.status":      {"状態", "Status"},
	"index.inforce":     {"施行日", "In force from"},
	"index.categories":  {"区分", "Service categories"},
	"index.api":         {"API", "API"},
	"status.in_force":   {"施行中", "In force"},
	"status.superseded": {"旧基準", "Superseded"},
	"status.proposal":   {"案", "Proposal"},
	"status.foreign":    {"海外", "Foreign"},

	// Login.
	"login.title":    {"ログイン", "Sign in"},
	"login.login":    {"ログインID", "Login"},
	"login.password": {"パスワード", "Password"},
	"login.submit":   {"ログイン", "Sign in"},
	"login.failed":   {"ログインIDまたはパスワードが正しくありません。", "The login or the password is not correct."},
	"login.locked":   {"ログインの失敗が続いたため、このログインIDは15分間ご利用いただけません。", "Too many failed sign-ins: this login is locked for 15 minutes."},
	"login.intro":    {"事務局・構成員・事業者の担当者の方はログインしてください。公表資料はログインせずに閲覧できます。", "Secretariat, committee members and operators' staff: please sign in. Published material needs no sign-in."},

	// Home.
	"home.title":          {"ホーム", "Home"},
	"home.welcome":        {"%s さん", "Welcome, %s"},
	"home.role":           {"役割", "Roles"},
	"home.org":            {"所属", "Organisation"},
	"home.counts":         {"閲覧できる事案の件数", "Cases you can see"},
	"home.total":          {"合計", "Total"},
	"home.recent":         {"最近の事案", "Recent cases"},
	"home.drafts":         {"承認待ちの匿名化要旨", "Anonymised summaries awaiting approval"},
	"home.drafts.none":    {"承認待ちの要旨はありません。", "No summary is awaiting approval."},
	"home.own":            {"自組織の事案", "Your organisation's cases"},
	"home.own.none":       {"自組織の事案はありません。", "Your organisation has no case here."},
	"home.visible":        {"閲覧できる事案は %d 件です（共有・公表されたものを含みます）。", "You can see %d cases (including shared and published ones)."},
	"home.published":      {"公表済み・匿名化済みの資料", "Published and anonymised material"},
	"home.audit":          {"監査ログを開く", "Open the audit trail"},
	"home.chain":          {"監査ログの改ざん検知（ハッシュ連鎖）", "Audit trail integrity (hash chain)"},
	"home.users":          {"利用者の一覧と登録", "List and add users"},
	"home.users.count":    {"登録利用者 %d 名", "%d users"},
	"home.all":            {"すべての事案を見る", "See all cases"},
	"home.nearmisses.pub": {"公表中のおそれ事態要旨を見る", "See the published near-miss summaries"},
	"home.none":           {"閲覧できる事案はありません。", "There is no case you can see."},

	// Audit chain status.
	"chain.ok":     {"正常：%d 件の記録の連鎖を確認しました。", "Intact: %d entries verified."},
	"chain.broken": {"異常：記録 #%d で連鎖が途切れています（%s）。", "Broken at entry #%d (%s)."},

	// Case list.
	"cases.title":       {"事案一覧", "Cases"},
	"cases.search":      {"検索", "Search"},
	"cases.q":           {"キーワード", "Keywords"},
	"cases.kind":        {"種別", "Kind"},
	"cases.kind.all":    {"すべて", "All"},
	"cases.total":       {"該当 %d 件", "%d cases found"},
	"cases.next":        {"次へ", "Next"},
	"cases.first":       {"最初へ", "First page"},
	"cases.none":        {"該当する事案はありません。", "No case matches."},
	"cases.ref":         {"事案番号", "Ref"},
	"cases.occurred":    {"発生日", "Occurred"},
	"cases.operators":   {"事業者", "Operators"},
	"cases.summary":     {"概要", "Summary"},
	"cases.marking":     {"区分", "Marking"},
	"cases.fy":          {"年度", "Fiscal year"},
	"cases.notitle":     {"（概要は閲覧できません）", "(overview not available to you)"},
	"cases.case":        {"事案 #%d", "Case #%d"},
	"kind.accident":     {"重大な事故", "Serious accident"},
	"kind.near_miss":    {"おそれ事態", "Near-miss"},
	"kind.information":  {"障害情報", "Voluntary information"},
	"case.published":    {"公表済み", "Published"},
	"case.notpublished": {"未公表", "Not published"},

	// Tiers.
	"tier.public":     {"公開", "Public"},
	"tier.anonymised": {"匿名化済み公開", "Anonymised, public"},
	"tier.restricted": {"限定共有（指定公共機関）", "Restricted partners"},
	"tier.own":        {"報告事業者限り", "Reporting organisation only"},
	"tier.committee":  {"検証会議限り", "Committee only"},

	// Case page sections.
	"sec.overview":   {"概要", "Overview"},
	"sec.anonymised": {"匿名化要旨", "Anonymised summary"},
	"sec.restricted": {"詳細", "Detail"},
	"sec.own":        {"報告事業者の資料", "Reporting organisation's material"},
	"sec.committee":  {"検証会議資料", "Committee material"},

	"f.ref":          {"事案番号", "Ref"},
	"f.kind":         {"種別", "Kind"},
	"f.operators":    {"事業者", "Operators"},
	"f.occurred":     {"発生日時", "Occurred"},
	"f.recovered":    {"復旧日時", "Recovered"},
	"f.fy":           {"年度", "Fiscal year"},
	"f.area":         {"地域", "Area"},
	"f.services":     {"役務", "Services"},
	"f.peak":         {"最大影響利用者数", "Peak users affected"},
	"f.duration":     {"継続時間", "Duration"},
	"f.summary":      {"概要", "Summary"},
	"f.causeclass":   {"発生原因の分類", "Cause class"},
	"f.archetype":    {"原因類型", "Cause archetype"},
	"f.measures.out": {"再発防止策の概要", "Outline of measures"},
	"f.published":    {"公表", "Publication"},
	"f.situation":    {"事態の類型", "Situation"},
	"f.approved":     {"承認日", "Approved"},
	"f.text":         {"要旨", "Summary"},
	"f.causetext":    {"発生原因", "Cause"},
	"f.detail":       {"発生状況", "How it developed"},
	"f.measures":     {"再発防止策", "Recurrence-prevention measures"},
	"f.impacts":      {"影響", "Impact"},
	"f.service":      {"役務", "Service"},
	"f.unit":         {"単位", "Unit"},
	"f.degradation":  {"品質の低下", "Degradation"},
	"f.description":  {"内容", "Description"},
	"f.periods":      {"影響期間", "Periods"},
	"f.critical":     {"重要電気通信設備", "Critical facility"},
	"f.alldown":      {"全通信不能時間（分）", "All traffic down (minutes)"},
	"f.nmfacts":      {"おそれ事態の判定事実", "Near-miss facts"},
	"f.contacts":     {"責任者・連絡先", "Responsible persons and contacts"},
	"f.reports":      {"提出された報告", "Reports submitted"},
	"f.received":     {"受領日時", "Received"},
	"f.source":       {"提出元", "Source"},
	"f.size":         {"サイズ", "Size"},
	"f.download":     {"原本をダウンロード", "Download the original"},
	"f.notes":        {"審議メモ", "Deliberation notes"},
	"f.publishedby":  {"公表者", "Published by"},
	"f.none":         {"なし", "none"},
	"f.yes":          {"あり", "yes"},
	"f.no":           {"なし", "no"},
	"f.minutes":      {"%d時間%d分", "%dh %dmin"},

	// Sharing.
	"share.title":       {"共有先", "Shared with"},
	"share.none":        {"共有先はありません。", "Not shared with any organisation."},
	"share.org":         {"共有先の組織", "Organisation"},
	"share.by":          {"共有者", "Shared by"},
	"share.at":          {"共有日時", "Shared at"},
	"share.reason":      {"共有理由", "Reason"},
	"share.add":         {"指定公共機関と共有する", "Share with a designated institution"},
	"share.choose":      {"選択してください", "Choose"},
	"share.submit":      {"共有する", "Share"},
	"share.revoke":      {"共有を取り消す", "Revoke"},
	"share.noorgs":      {"共有できる指定公共機関は残っていません。", "No designated institution is left to share with."},
	"share.help":        {"詳細（TLP:AMBER）を選んだ組織に開示します。共有の記録は監査ログに残ります。", "Discloses the detail (TLP:AMBER) to the chosen organisation. The share is recorded in the audit trail."},
	"flash.shared":      {"共有しました。", "Shared."},
	"flash.raised":      {"区分を引き上げました。", "Tier raised."},
	"flash.lowered":     {"区分を既定に戻しました。", "Tier returned to its default."},
	"tiers.title":       {"この事案の区分の引上げ", "Raised tiers of this case"},
	"tiers.help":        {"営業秘密などを含む場合、この事案に限り部分の区分を既定より引き上げられます。既定より下げることはできません。引上げと取消しは理由とともに監査ログに残ります。", "Where a part holds trade secrets or the like, raise its tier for this case only. Parts never go below their default; raising and returning are kept with their reasons in the audit trail."},
	"tiers.section":     {"部分", "Part"},
	"tiers.tier":        {"区分", "Tier"},
	"tiers.reason":      {"理由", "Reason"},
	"tiers.by":          {"実施者", "By"},
	"tiers.at":          {"日付", "Date"},
	"tiers.none":        {"引き上げた部分はありません（すべて既定の区分）。", "No part is raised: every part has its default tier."},
	"tiers.raise":       {"区分を引き上げる", "Raise the tier"},
	"tiers.lower":       {"既定に戻す", "Return to default"},
	"tiers.lowerreason": {"戻す理由", "Why it returns"},
	"err.tier.above":    {"その部分は既定の区分より上にしか引き上げられません。", "A part can only be raised above its default tier."},
	"err.section":       {"部分を選んでください。", "Choose a part."},
	"err.raise.reason":  {"理由を入力してください（監査ログに残ります）。", "Give a reason (it is kept in the audit trail)."},
	"err.raise.none":    {"その部分は既定の区分です。", "That part is at its default tier."},
	"flash.unshared":    {"共有を取り消しました。", "Share revoked."},

	// Publishing.
	"publish.title":   {"公表", "Publication"},
	"publish.submit":  {"概要を公表する", "Publish the overview"},
	"publish.help":    {"概要（事業者名を含む）を TLP:CLEAR として公開します。公開を止めるには、上の「この事案の区分の引上げ」で概要を引き上げます（理由とともに監査ログに残ります）。", "Makes the overview, with the operator's name, public (TLP:CLEAR). To withdraw it, raise the overview's tier (kept with its reason in the audit trail)."},
	"publish.done":    {"公表済み（%s）", "Published (%s)"},
	"flash.published": {"概要を公表しました。", "Overview published."},

	// Anonymisation.
	"anon.title":        {"匿名化要旨の作成", "Anonymised summary"},
	"anon.status":       {"状態", "Status"},
	"anon.draft":        {"下書き", "Draft"},
	"anon.approved":     {"承認済み（公表中）", "Approved (public)"},
	"anon.version":      {"版", "Version"},
	"anon.proposed":     {"自動作成された案", "Proposed text"},
	"anon.text":         {"匿名化要旨", "Anonymised summary"},
	"anon.none":         {"まだ案がありません。", "No draft yet."},
	"anon.propose":      {"案を自動作成する", "Propose a draft"},
	"anon.repropose":    {"案を作り直す", "Propose again"},
	"anon.save":         {"保存する", "Save"},
	"anon.approve":      {"承認して公表する", "Approve and publish"},
	"anon.help":         {"事業者名・ブランド名・地名・設備識別子が残っていないことを確認してから承認してください。事業者名・ブランド名が残っている場合は承認できません。", "Check that no operator name, brand, place or equipment identifier remains before approving. A text that names an operator or brand cannot be approved."},
	"anon.blocked":      {"承認できません：次の箇所が事業者を特定できます。", "Cannot approve: these spans identify an operator."},
	"anon.conflict":     {"他の利用者が先に要旨を更新しました（競合）。最新の内容を下に表示しています。入力した文章は編集欄に残してあります。", "Someone else changed the summary first (conflict). The current text is shown below; your text is kept in the editor."},
	"anon.current":      {"現在保存されている要旨", "Text saved now"},
	"flash.proposed":    {"匿名化要旨の案を作成しました。", "Draft proposed."},
	"flash.saved":       {"保存しました。", "Saved."},
	"flash.approved":    {"承認し、公表しました。", "Approved and published."},
	"leak.kind":         {"種類", "Kind"},
	"leak.text":         {"該当箇所", "Span"},
	"leak.org":          {"該当する組織", "Organisation"},
	"leak.organisation": {"事業者名", "Operator name"},
	"leak.brand":        {"ブランド名", "Brand"},
	"leak.place":        {"地名", "Place"},
	"leak.equipment":    {"設備識別子", "Equipment identifier"},

	// Committee notes.
	"notes.edit":     {"審議メモを編集", "Edit the notes"},
	"notes.save":     {"審議メモを保存する", "Save the notes"},
	"notes.conflict": {"他の利用者が先に審議メモを更新しました（競合）。最新の内容を表示しています。入力した文章は下に残してあります。", "Someone else changed the notes first (conflict). The current notes are shown; your text is kept below."},
	"notes.yours":    {"入力した文章", "Your text"},
	"flash.notes":    {"審議メモを保存しました。", "Notes saved."},

	// Audit trail.
	"audit.title":    {"監査ログ", "Audit trail"},
	"audit.actor":    {"操作者", "Actor"},
	"audit.action":   {"操作", "Action"},
	"audit.case":     {"事案ID", "Case id"},
	"audit.any":      {"すべて", "Any"},
	"audit.filter":   {"絞り込む", "Filter"},
	"audit.export":   {"CSVで出力", "Export as CSV"},
	"audit.id":       {"番号", "No."},
	"audit.at":       {"日時", "Time"},
	"audit.object":   {"対象", "Object"},
	"audit.detail":   {"詳細", "Detail"},
	"audit.none":     {"該当する記録はありません。", "No entry matches."},
	"audit.older":    {"さらに古い記録", "Older entries"},
	"audit.newest":   {"最新へ", "Newest"},
	"audit.chain":    {"改ざん検知", "Integrity"},
	"audit.badinput": {"事案IDには数字を入力してください。", "The case id must be a number."},

	// Users.
	"users.title":                {"利用者管理", "Users"},
	"users.list":                 {"利用者一覧", "All users"},
	"users.login":                {"ログインID", "Login"},
	"users.name":                 {"氏名", "Name"},
	"users.role":                 {"役割", "Role"},
	"users.org":                  {"所属組織", "Organisation"},
	"users.fields":               {"専門分野", "Fields of expertise"},
	"users.conflicts":            {"利害関係のある組織", "Declared conflicts"},
	"users.conflicts.h":          {"1行に1組織。構成員のみ。", "One organisation per line. Experts only."},
	"users.org.h":                {"報告者（事業者）のみ。登録済みの組織名。", "Reporters only: a registered organisation name."},
	"users.password":             {"パスワード", "Password"},
	"users.password.h":           {"12文字以上。空欄の場合はパスワードでログインできません（APIトークンのみ）。", "At least 12 characters. Leave empty for an API-only account."},
	"users.status":               {"状態", "Status"},
	"users.disabled":             {"無効", "Disabled"},
	"users.active":               {"有効", "Active"},
	"users.tokens":               {"APIトークン", "API tokens"},
	"users.create":               {"利用者を登録", "Add a user"},
	"users.submit":               {"登録する", "Add"},
	"users.choose":               {"選択してください", "Choose"},
	"users.fix":                  {"入力内容を確認してください。", "Please check the form."},
	"flash.usercreated":          {"利用者を登録しました。", "User added."},
	"flash.disabled":             {"利用を停止しました。ログイン中の画面とAPIトークンも無効になりました。", "User stopped: their sessions and API tokens no longer work."},
	"flash.enabled":              {"利用停止を解除しました（APIトークンは再発行が必要です）。", "User can sign in again (API tokens must be issued anew)."},
	"users.actions":              {"操作", "Actions"},
	"users.disable":              {"利用停止", "Stop"},
	"users.enable":               {"停止解除", "Allow again"},
	"users.selfdisable":          {"自分自身の利用を停止することはできません。", "You cannot stop your own account."},
	"role.reporter":              {"報告者（事業者）", "Reporter (operator)"},
	"role.secretariat":           {"事務局", "Secretariat"},
	"role.expert":                {"構成員", "Committee member"},
	"role.editor":                {"編集者", "Editor"},
	"role.auditor":               {"監査担当", "Auditor"},
	"role.admin":                 {"システム管理者", "Administrator"},
	"role.designated":            {"指定公共機関", "Designated institution"},
	"field.telecom_engineering":  {"電気通信工学", "Telecommunications engineering"},
	"field.software_engineering": {"ソフトウェア工学", "Software engineering"},
	"field.systems_audit":        {"システム監査", "Systems audit"},
	"field.consumer_affairs":     {"消費者保護", "Consumer affairs"},

	// Field errors (identity.InputError and casefile.InputError, by field).
	"err.login":           {"ログインIDは英小文字・数字・「.」「_」「-」で2〜64文字にしてください。", "A login is 2–64 characters: lower-case letters, digits, '.', '_' or '-'."},
	"err.login.taken":     {"このログインIDは既に使われています。", "This login already exists."},
	"err.role":            {"役割を選択してください。", "Choose a role."},
	"err.org.required":    {"報告者には所属組織が必要です。", "A reporter belongs to an organisation."},
	"err.org.forbidden":   {"所属組織を持てるのは報告者だけです。", "Only reporters belong to an organisation."},
	"err.org.unknown":     {"登録されていない組織です。", "This organisation is not registered."},
	"err.fields":          {"専門分野を持てるのは構成員だけです。", "Only experts have fields of expertise."},
	"err.fields.unknown":  {"不明な専門分野です。", "Unknown field of expertise."},
	"err.conflicts":       {"利害関係を申告できるのは構成員だけです。", "Only experts declare conflicts."},
	"err.conflicts.unk":   {"登録されていない組織が含まれています。", "An organisation is not registered."},
	"err.password":        {"パスワードは12文字以上にしてください。", "The password needs at least 12 characters."},
	"err.share.org":       {"共有先の指定公共機関を選択してください。", "Choose a designated institution."},
	"err.share.notdesig":  {"指定公共機関ではない組織とは共有できません。", "Only designated institutions can receive restricted material."},
	"err.share.operator":  {"この事案の報告事業者とは共有できません（既に閲覧できます）。", "This organisation is an operator of the case and sees it already."},
	"err.share.reason":    {"共有理由を入力してください（共有の記録に残ります）。", "Give the reason for sharing (it is recorded with the share)."},
	"err.text":            {"要旨を入力してください。", "Enter the summary."},
	"err.text.nodraft":    {"先に案を作成してください。", "Propose a draft first."},
	"err.input":           {"入力内容に誤りがあります。", "Something in the form is not right."},
	"err.kind":            {"種別の指定が正しくありません。", "Unknown kind."},
	"err.cursor":          {"頁の指定が正しくありません。最初の頁からやり直してください。", "That page link is not valid; start again from the first page."},
	"err.publish.kind":    {"公表できるのは重大な事故の概要だけです。おそれ事態は匿名化要旨の承認によって公表します。", "Only a serious accident's overview is published; near-misses are published as approved anonymised summaries."},
	"err.anon.kind":       {"匿名化要旨を作成できるのはおそれ事態だけです。", "Only near-misses get an anonymised summary."},
	"err.nearmiss.before": {"頁の指定が正しくありません。", "That page link is not valid."},

	// Public near-misses.
	"nm.title":   {"おそれ事態の公表要旨", "Published near-miss summaries"},
	"nm.intro":   {"重大な事故が生ずるおそれがあると認められる事態について、事業者名を伏せて公表している要旨です。", "Summaries of situations that could have become serious accidents, published without the operator's name."},
	"nm.none":    {"公表中の要旨はありません。", "No summary is published yet."},
	"nm.older":   {"さらに前の要旨", "Earlier summaries"},
	"nm.first":   {"最初へ", "First page"},
	"nm.summary": {"要旨 #%d", "Summary #%d"},

	// Error pages.
	"error.title":      {"エラー", "Error"},
	"error.404.title":  {"ページが見つかりません", "Not found"},
	"error.404":        {"お探しのページは見つかりませんでした。URLを確認するか、事案一覧から探してください。", "The page you asked for was not found. Check the address or look in the case list."},
	"error.403.title":  {"権限がありません", "Forbidden"},
	"error.403":        {"この操作を行う権限がありません。", "You may not do this."},
	"error.csrf.title": {"フォームの有効期限切れ", "Form expired"},
	"error.csrf":       {"フォームの確認用トークンが一致しませんでした。ページを再読み込みしてからもう一度操作してください。", "The form's security token did not match. Reload the page and try again."},
	"error.409.title":  {"競合が発生しました", "Conflict"},
	"error.409":        {"他の利用者が先に更新しました。ページを再読み込みして、もう一度操作してください。", "Someone else changed this first. Reload the page and apply your change again."},
	"error.noshare":    {"この組織とは共有されていません。", "The case is not shared with this organisation."},
	"error.400.title":  {"リクエストが正しくありません", "Bad request"},
	"error.500.title":  {"システムエラー", "Server error"},
	"error.500":        {"処理中にエラーが発生しました。しばらくしてからもう一度お試しください。解決しない場合は、次の受付番号を添えて事務局に連絡してください。", "Something went wrong on our side. Please try again later; if it persists, tell the secretariat this reference."},
	"error.requestid":  {"受付番号", "Reference"},
	"error.back":       {"ホームに戻る", "Back to the home page"},
	"error.status":     {"HTTP %d", "HTTP %d"},

	// Codes of the case format (caseformat), shown by name.
	"svc.voice_emergency":          {"緊急通報を取り扱う音声伝送役務", "Voice with emergency calls"},
	"svc.voice":                    {"音声伝送役務", "Voice"},
	"svc.free_internet":            {"無料のインターネット関連サービス", "Free internet services"},
	"svc.internet_access":          {"インターネット接続サービス", "Internet access"},
	"svc.lpwa":                     {"LPWA", "LPWA"},
	"svc.other":                    {"その他の役務", "Other services"},
	"unit.people":                  {"人", "people"},
	"unit.lines":                   {"回線", "lines"},
	"unit.contracts":               {"契約", "contracts"},
	"cause.equipment":              {"設備要因", "Equipment"},
	"cause.human":                  {"人為要因", "Human"},
	"cause.external":               {"外的要因", "External"},
	"arch.software_bug":            {"ソフトウェア不具合", "Software bug"},
	"arch.hardware_failure":        {"ハードウェア故障", "Hardware failure"},
	"arch.config_error":            {"設定誤り", "Configuration error"},
	"arch.procedure_error":         {"作業手順の誤り", "Procedure error"},
	"arch.capacity":                {"容量超過", "Capacity exceeded"},
	"arch.natural_disaster":        {"自然災害", "Natural disaster"},
	"arch.cyber_attack":            {"サイバー攻撃", "Cyber attack"},
	"arch.other_operator":          {"他事業者の設備", "Another operator"},
	"arch.power":                   {"電源", "Power"},
	"arch.unknown":                 {"不明", "Unknown"},
	"sit.failover_failure":         {"予備設備への切替え不能", "Failover failure"},
	"sit.capacity_exceeded":        {"容量超過（あらかじめ講じた措置が機能せず）", "Capacity exceeded, planned measure failed"},
	"sit.wrong_config_or_software": {"誤った設定・ソフトウェアの投入", "Wrong configuration or software put in"},
	"sit.satellite_degradation":    {"衛星の機能低下", "Satellite degradation"},

	// Audit actions (shown in the filter and the table).
	"act.login":           {"ログイン", "Sign-in"},
	"act.login.failed":    {"ログイン失敗", "Failed sign-in"},
	"act.logout":          {"ログアウト", "Sign-out"},
	"act.read":            {"閲覧", "Read"},
	"act.write":           {"更新", "Write"},
	"act.share":           {"共有", "Share"},
	"act.unshare":         {"共有取消", "Unshare"},
	"act.publish":         {"公表", "Publish"},
	"act.anonymise":       {"匿名化案作成", "Anonymise"},
	"act.approve":         {"承認", "Approve"},
	"act.user.create":     {"利用者登録", "User created"},
	"act.token.create":    {"トークン発行", "Token issued"},
	"act.policy.load":     {"ポリシー読込", "Policy loaded"},
	"act.import":          {"取込", "Import"},
	"act.publish.blocked": {"公表阻止", "Publication blocked"},

	// Deadlines (the secretariat's queue) and notifications of reminders.
	"nav.deadlines":     {"提出期限", "Deadlines"},
	"nav.notifications": {"通知", "Notifications"},
	"dl.title":          {"報告の提出期限", "Reports due"},
	"dl.intro.all":      {"期限を過ぎた報告と、期限が近い報告です（期限が早い順）。詳細な報告は発生日の翌日から30日、四半期報告は四半期の末日から2か月が期限です。", "Reports overdue and reports due soon, the earliest first. A detailed report is due 30 days after the occurrence date; a quarterly report two months after its quarter ends."},
	"dl.intro.own":      {"自組織が提出すべき報告のうち、期限を過ぎたものと期限が近いものです。", "Reports your organisation owes that are overdue or due soon."},
	"dl.within":         {"期限までの日数", "Due within (days)"},
	"dl.show":           {"表示", "Show"},
	"dl.within.bad":     {"日数は1から366までの数字で指定してください。", "Give a number of days from 1 to 366."},
	"dl.overdue":        {"期限超過", "Overdue"},
	"dl.overdue.none":   {"期限を過ぎた報告はありません。", "No report is overdue."},
	"dl.due":            {"%d日以内に期限", "Due within %d days"},
	"dl.due.none":       {"この期間に期限を迎える報告はありません。", "No report falls due in this period."},
	"dl.org":            {"報告事業者", "Organisation"},
	"dl.kind":           {"報告", "Report"},
	"dl.dueon":          {"提出期限", "Due by"},
	"dl.days":           {"残り日数", "Days left"},
	"dl.days.left":      {"あと%d日", "%d days left"},
	"dl.days.today":     {"本日が期限", "Due today"},
	"dl.days.overdue":   {"%d日超過", "%d days overdue"},
	"dl.occurred":       {"発生日時", "Occurred"},
	"dl.firstreport":    {"発生から一報まで", "Occurrence to quick report"},
	"dl.note":           {"期限は日本時間で数えます。「発生から一報まで」は、その事業者が一報を提出した事案について、発生から最初の報告までの時間です。", "Dates are counted in Japan time. \"Occurrence to quick report\" is, where the organisation filed a quick report, the time from occurrence to its first report."},
	"home.unread":       {"未読の通知 %d 件", "%d unread notifications"},
	"home.overdue":      {"期限超過の報告 %d 件", "%d reports overdue"},
	"home.overdue.none": {"期限超過の報告はありません", "No report is overdue"},
	"notif.title":       {"通知", "Notifications"},
	"notif.intro":       {"報告の提出期限が近づいたとき、期限当日、期限を過ぎたときにお知らせします。メールアドレスが登録されている担当者にはメールでもお送りします。", "Reminders before, on and after your organisation's reporting deadlines. Staff with an e-mail address also get them by e-mail."},
	"notif.none":        {"通知はありません。", "No notifications."},
	"notif.new":         {"未読", "New"},
	"notif.case":        {"事案を開く", "Open the case"},
	"notif.emailed":     {"メール送信済み", "E-mailed"},
	"notif.readat":      {"既読", "Read"},
	"notif.markread":    {"既読にする", "Mark as read"},
	"notif.notfound":    {"この通知は見つかりませんでした。", "This notification was not found."},
	"flash.read":        {"既読にしました。", "Marked as read."},

	// Quarterly reports (四半期報告): the upload page.
	"nav.quarterly":         {"四半期報告", "Quarterly reports"},
	"quarterly.title":       {"四半期報告の登録", "Quarterly reports"},
	"quarterly.intro":       {"四半期報告事故(詳細様式)と、基地局・遠隔収容装置・DSLAMの故障件数(簡易様式)をファイルで登録します。提出期限は四半期の終了後2か月以内です。", "Upload quarterly-report accidents (detailed form) and the failure counts of base stations, remote terminals and DSLAMs (simple form) as a file. They are due within two months after the quarter ends."},
	"quarterly.upload":      {"ファイルの登録", "Upload a file"},
	"quarterly.template":    {"テンプレート(XLSX)をダウンロード", "Download the template (XLSX)"},
	"quarterly.template.h":  {"プルダウンで選べる入力欄と記入方法の説明シートがあります。CSV(UTF-8)とJSONも登録できます。", "It has pull-down lists and an instructions sheet. CSV (UTF-8) and JSON files are accepted too."},
	"quarterly.file":        {"ファイル(CSV・JSON・XLSX)", "File (CSV, JSON or XLSX)"},
	"quarterly.file.h.own":  {"事業者名の列は空欄か自社名にしてください。", "Leave the organisation column empty or give your own organisation."},
	"quarterly.file.h.all":  {"事務局の登録では、各行に事業者名が必要です。", "As the secretariat, name the organisation on every row."},
	"quarterly.submit":      {"登録する", "Upload"},
	"quarterly.progress":    {"送信の進み具合", "Upload progress"},
	"quarterly.sending":     {"送信中…", "Sending…"},
	"quarterly.failed":      {"送信できませんでした。通信を確認して、もう一度お試しください。", "The upload failed: check the connection and try again."},
	"quarterly.nofile":      {"登録するファイルを選んでください。", "Choose a file to upload."},
	"quarterly.result":      {"登録結果", "Result"},
	"quarterly.done":        {"「%s」を登録しました。", "%s was uploaded."},
	"quarterly.nochange":    {"「%s」の内容はすべて登録済みでした(変更なし)。", "Everything in %s was already on file (no change)."},
	"quarterly.added":       {"追加", "Added"},
	"quarterly.updated":     {"訂正", "Corrected"},
	"quarterly.unchanged":   {"変更なし", "Unchanged"},
	"quarterly.refused":     {"登録できませんでした", "Not uploaded"},
	"quarterly.refused.h":   {"「%s」に誤りが%d件あるため、何も登録していません。誤りを直して、もう一度登録してください。", "%s has %d problems, so nothing was uploaded. Correct them and upload the file again."},
	"quarterly.where":       {"箇所", "Where"},
	"quarterly.problem":     {"内容", "Problem"},
	"quarterly.err.where":   {"%d行目「%s」", "row %d, %s"},
	"quarterly.err.row":     {"%d行目", "row %d"},
	"quarterly.err.column":  {"「%s」列", "column %s"},
	"quarterly.err.file":    {"ファイル全体", "the file"},
	"quarterly.sep":         {"、", ", "},
	"quarterly.summary.own": {"%sの提出状況", "Filed by %s"},
	"quarterly.summary.all": {"提出状況(全事業者)", "Filed by all organisations"},
	"quarterly.summary.h":   {"直近8四半期の登録内容と提出期限(四半期の終了後2か月)です。", "The last eight quarters: what was filed and the due date (two months after the quarter ends)."},
	"quarterly.q":           {"四半期", "Quarter"},
	"quarterly.quarter":     {"%s 第%d四半期", "%s Q%d"},
	"quarterly.months.1":    {"(4〜6月)", "(Apr–Jun)"},
	"quarterly.months.2":    {"(7〜9月)", "(Jul–Sep)"},
	"quarterly.months.3":    {"(10〜12月)", "(Oct–Dec)"},
	"quarterly.months.4":    {"(1〜3月)", "(Jan–Mar)"},
	"quarterly.due":         {"提出期限", "Due"},
	"quarterly.orgs":        {"事業者数", "Organisations"},
	"quarterly.counts":      {"簡易様式(故障件数)", "Simple form (failures)"},
	"quarterly.rows":        {"%d行", "%d rows"},
	"quarterly.detailed":    {"詳細様式(事故)", "Detailed form (accidents)"},
	"quarterly.last":        {"最終登録", "Last upload"},
	"quarterly.status":      {"状況", "Status"},
	"quarterly.st.overdue":  {"期限超過・未提出", "Overdue: nothing filed"},
	"quarterly.st.open":     {"四半期中", "Quarter in progress"},
	"quarterly.st.filed":    {"提出済", "Filed"},
	"quarterly.st.pastdue":  {"期限経過", "Past due"},
	"quarterly.st.waiting":  {"未提出(期限前)", "Not yet filed"},
	// The problems of a refused file, by quarterly.ErrorCodes.
	"quarterly.e.cell.extra":             {"%s列目に値がありますが、1行目に見出しがありません。", "cell %s has a value but no heading in row 1."},
	"quarterly.e.code.unknown":           {"次のいずれかを指定してください: %s", "must be one of %s"},
	"quarterly.e.duration.too_long":      {"%s分は、発生から復旧までの時間(%s分)より長くなっています。", "%s minutes is longer than occurrence to recovery (%s minutes)."},
	"quarterly.e.errors.more":            {"ほかに%s件の誤りがあります。", "… and %s more problems."},
	"quarterly.e.file.empty":             {"登録する行がありません(1行目は見出し、2行目から記入します)。", "The file has no rows (row 1 is the header; entries start in row 2)."},
	"quarterly.e.file.encoding":          {"UTF-8のCSVではありません。「CSV UTF-8」形式で保存するか、XLSXのまま登録してください。", "Not UTF-8 text: save it as CSV UTF-8, or upload the XLSX."},
	"quarterly.e.file.format":            {"ファイルを読み取れません(%s)。", "The file cannot be read (%s)."},
	"quarterly.e.file.too_many":          {"行数が%s行を超えています。ファイルを分けて登録してください。", "More than %s rows: split the file."},
	"quarterly.e.fiscal_year.invalid":    {"年度を入力してください(例: 2024、令和6年度)。", "must be a fiscal year such as 2024."},
	"quarterly.e.form.not_for":           {"%sの行では空欄にしてください。", "must be empty on a %s row."},
	"quarterly.e.form.simple_equipment":  {"簡易様式で計上できるのは%sの故障のみです。この事故は詳細様式で報告してください。", "the simple form counts only %s failures; report this accident on the detailed form."},
	"quarterly.e.header.duplicate":       {"同じ列が2回あります。", "this column appears twice."},
	"quarterly.e.header.none":            {"1行目に列の見出しが必要です。テンプレートをお使いください。", "Row 1 must name the columns: use the template."},
	"quarterly.e.header.unknown":         {"「%s」は列の見出しではありません。1行目は見出し行です(テンプレートをお使いください)。", "%q is not a column; row 1 must name the columns (use the template)."},
	"quarterly.e.json.type":              {"文字列または数値で指定してください。", "must be a string or a number."},
	"quarterly.e.json.unknown_field":     {"この項目はありません。", "is not a field of the format."},
	"quarterly.e.number.invalid":         {"整数で入力してください。", "must be a whole number."},
	"quarterly.e.number.range":           {"%s以上%s以下で入力してください。", "must be between %s and %s."},
	"quarterly.e.organisation.forbidden": {"自社(%s)の行のみ登録できます。", "you may upload only your own organisation's rows (%s)."},
	"quarterly.e.organisation.required":  {"事業者名を入力してください(事務局の登録では必須です)。", "is required: name the operator whose row this is."},
	"quarterly.e.organisation.unknown":   {"「%s」は事業者の登録にありません。", "%q is not in the organisation registry."},
	"quarterly.e.quarter.future":         {"%sはまだ始まっていません。", "%s has not begun yet."},
	"quarterly.e.quarter.invalid":        {"1〜4で入力してください(1: 4〜6月、2: 7〜9月、3: 10〜12月、4: 1〜3月)。", "must be 1 (Apr–Jun), 2 (Jul–Sep), 3 (Oct–Dec) or 4 (Jan–Mar)."},
	"quarterly.e.quarter.outside":        {"%sの期間(%s〜%s)に入っていません。", "is not in %s (%s – %s, JST)."},
	"quarterly.e.required":               {"入力してください。", "is required."},
	"quarterly.e.row.duplicate":          {"%s行目と同じキー(事業者・年度・四半期・様式と、設備・都道府県または事故の整理番号)です。", "repeats row %s (same organisation, year, quarter, form and key)."},
	"quarterly.e.text.control":           {"制御文字が含まれています。", "contains a control character."},
	"quarterly.e.text.too_long":          {"%s字以内で入力してください。", "must be at most %s characters."},
	"quarterly.e.time.before_occurred":   {"発生日時より前になっています。", "is before occurred_at."},
	"quarterly.e.time.invalid":           {"日時を入力してください(例: 2024-05-01 13:45、日本時間)。", "must be a date and time such as 2024-05-01 13:45 (JST)."},
	"quarterly.e.time.range":             {"2000年以降、現在までの日時を入力してください。", "must be a time from 2000 until now."},
}

// tr returns the string of key in lang. A missing key shows as [key] so
// that it is seen in review rather than shown blank.
func tr(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return "[" + key + "]"
	}
	if lang == langEN {
		return m.en
	}
	return m.ja
}

// trf is tr with fmt.Sprintf arguments.
func trf(lang, key string, args ...any) string {
	return fmt.Sprintf(tr(lang, key), args...)
}

// hasMessage reports whether key is in the catalogue (for optional labels
// such as a field of expertise that may be added to the configuration
// before it is translated here).
func hasMessage(key string) bool {
	_, ok := messages[key]
	return ok
}

// codeLabel is the translated name of a code (kind, role, tier…) or the code
// itself when the catalogue does not know it.
func codeLabel(lang, prefix, code string) string {
	if hasMessage(prefix + code) {
		return tr(lang, prefix+code)
	}
	return code
}

// switchLang handles /lang?to=en&next=/cases: it remembers the choice and
// goes back. Without next it returns to the page the link was on (the
// Referer, same origin only), so that error pages need not name their own
// path in the link.
func (p *pages) switchLang(c echo.Context) error {
	to := langJA
	if c.QueryParam("to") == langEN {
		to = langEN
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: p.SecureCookies, SameSite: http.SameSiteLaxMode})
	next := c.QueryParam("next")
	if next == "" {
		next = refererPath(c)
	}
	return c.Redirect(http.StatusSeeOther, safeNext(next, "/"))
}

// refererPath is the path of a same-origin Referer, else "".
func refererPath(c echo.Context) string {
	ref := c.Request().Referer()
	if ref == "" {
		return ""
	}
	host := c.Request().Host
	for _, scheme := range []string{"http://", "https://"} {
		if rest, ok := strings.CutPrefix(ref, scheme+host); ok && strings.HasPrefix(rest, "/") {
			return rest
		}
	}
	return ""
}
