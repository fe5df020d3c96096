package casegen

import "kensho/internal/caseformat"

// scenario is one failure mode: its cause class and archetype, the
// equipment it strikes, the operators and services it can hit, and the
// phrases that describe it. Its own slots are the specifics of one
// occurrence (which component, which trigger): members of one cluster of
// near-duplicates share them, while everyone words them their own way.
type scenario struct {
	id        string
	class     string // equipment | human | external
	archetype string // caseformat.CauseArchetypes
	// weight is how often the mode occurs, relative to the others.
	weight    float64
	equipment []string // configs/codes.yaml equipment types
	kinds     []opKind
	services  []caseformat.Service
	// degrade is the probability that the impacts are a quality
	// degradation rather than a suspension.
	degrade float64
	// night: mostly during maintenance hours (00:00–06:00).
	night bool
	// wide is the probability that the whole country is affected.
	wide float64
	// local: the failure strikes a few prefectures (disasters).
	local bool
	// nearMiss lists the near-miss situations the mode can be, as
	// "situation[/cause_origin/traffic]".
	nearMiss []string
	// critical is the critical facility the mode can take down.
	critical string
	// third names the third party of an other_operator mode: "mno"
	// (wholesale provider), "cloud" or "contractor".
	third string
	// island: the area is an island reached by one facility.
	island bool
	// quarterlyOnly: reported only as a quarterly-report accident (failures
	// of non-telecom systems, leaks of facility information).
	quarterlyOnly bool
	// from is the first fiscal year the mode can occur (virtualisation).
	from int

	slots    map[string]pool
	summary  pool // one or two sentences; {effect} is the clause of the impacts
	cause    pool // the causal chain
	develop  pool // 発生状況, with {t0}…{t3}
	recover  pool // 措置模様
	measures pool // recurrence prevention: the first is the cluster's own, others are picked
}

// caseSlots are the values every case provides (builder.build): who,
// where, when, how many, and the specifics of the equipment.
var caseSlots = []string{"op", "site", "pref", "city", "area", "island", "device", "model", "equip", "effect", "svc",
	"users", "date", "t0", "t1", "t2", "t3", "dur", "nm_min", "provider", "ver", "days", "count", "many", "pct", "gbps",
	"outcome", "outline"}

// genericSummary is used beside a mode's own summaries.
var genericSummary = P(
	"{site}に設置された{device}で{event}が{happened}{because}、{area}において{effect}。",
	"{event}により、{area}の{users}の利用者の{effect}。",
	"{op}の{device}において{event}が{happen}、{effect}。[?発生から{dur}で{restored}。]",
	"{area}で{effect}。{event}によるもの。",
	"{date}、{event}に起因して{effect}（{dur}）。",
)

// quarterlySummary is the short summary of a detailed-form quarterly row.
var quarterlySummary = P(
	"{event}により{effect}。",
	"{device}の{event}に伴い{effect}。",
	"{event}のため{area}で{effect}。",
	"{device}で{event}が{happen}、{effect}（{dur}）。",
)

// informationLead opens a voluntary information report (障害情報提供).
var informationLead = P(
	"報告基準には該当しないが、情報提供として報告する。",
	"つながりにくい事象が生じたため、障害情報を提供する。",
	"利用者からの問合せが多数あったため、参考として報告する。",
	"四半期報告の対象外であるが、同種事象の再発に備え共有する。",
)

// genericMeasures are added to a mode's own measures.
var genericMeasures = P(
	"障害発生時に[ホームページのトップページ|ウェブサイトのトップページ|公式SNS]で速やかに周知できるよう、告知の手順と体制を{review}。",
	"利用者への第一報を[30|20|60]分以内に発信するよう、周知手順を{review}。",
	"卸先事業者への情報提供の手順を定め、連絡窓口を一本化した。",
	"同種の設備を総点検し、同様の事象が生じるおそれがないことを確認した。",
	"本事案を社内の事故事例として共有し、関係部門への教育を{did}。",
	"障害の影響範囲を把握する手段を整備し、報告の迅速化を図る。",
	"復旧手順書を整備し、定期的な訓練を{did}。",
	"{vendor}との定例会議で本事案の再発防止策の実施状況を確認する。",
)

// background adds a contributing factor to a cause, in the reporter's
// own words.
var background = P(
	"{also}夜間の保守体制が手薄で、初動の対応に時間を要した。",
	"{also}同種の事象は過去に他の事業者でも発生していたが、その情報が社内で共有されていなかった。",
	"{also}監視の閾値が適切に設定されておらず、異常の検知が遅れた。",
	"{also}影響範囲の特定に時間を要し、利用者への周知が遅れた。",
	"{also}復旧手順書に当該事象の対処が記載されていなかった。",
	"{also}{vendor}への連絡と技術支援の要請に時間を要した。",
	"なお、当該設備は導入から{count}年が経過していた。",
)

// userHandling is what the operator did for its users (利用者対応).
var userHandling = P(
	"[ホームページ|ウェブサイト]で障害情報を[掲載|公表]し、[復旧後に|復旧時に]復旧報を掲載した。",
	"ホームページのトップページ及び公式SNSで障害の発生と復旧を[周知|告知]した。",
	"コールセンタの受付体制を増強し、問合せに対応した。",
	"法人顧客には個別に電子メールで連絡した。",
	"報道発表を行い、障害の状況を[周知|公表]した。",
	"アプリ内のお知らせで障害の発生を通知した。",
	"影響を受けた利用者に対し、料金の一部を返金することとした。",
)

// nearMissOutcome is the sentence that says why a near-miss did not
// become a serious accident, by situation and facts.
var nearMissOutcome = map[string]pool{
	"failover_failure/switched": P(
		"{standby}への{cut}は自動で行われ、利用者への影響は[なかった|ほとんどなかった]。",
		"{alarm}を{quickly}{noticed}、{standby}への{cut}が正常に行われたため、重大な事故には至らなかった。",
	),
	"failover_failure/noticed": P(
		"{alarm}により{quickly}{noticed}が、{standby}への{cut}が自動では行われず、{staff}が手動で{cut}るまでに{nm_min}分を要した。",
		"故障は{quickly}{noticed}ものの{standby}が処理を引き継げず、手動で{cut}るまで{nm_min}分を要した。",
	),
	"failover_failure/unnoticed": P(
		"{alarm}が発報されなかったため故障の検知が遅れ、{standby}への{cut}も行われなかった。{nm_min}分後に利用者の申告で把握した。",
		"故障は監視で検知されず、{standby}への{cut}も行われないまま{nm_min}分が経過した。",
	),
	"capacity_exceeded/internal/removed": P(
		"設備内部で不要な処理が急増し処理能力を超過したが、{restart}により{nm_min}分で解消した。",
		"不要な処理の増加で処理能力を超過したが、該当プロセスを{restart}して{nm_min}分で正常化した。",
	),
	"capacity_exceeded/internal/stuck": P(
		"設備内部で不要な処理が増え続け、{restart}を行っても{nm_min}分にわたり処理能力の超過が解消しなかった。",
		"不要な処理が滞留し、原因を取り除くまで{nm_min}分にわたり処理能力の超過が続いた。",
	),
	"capacity_exceeded/attack/blocked": P(
		"攻撃と疑われる通信を{quickly}遮断し、正規の通信の品質は維持された。",
		"DDoS対策装置で攻撃通信を十分に遮断でき、利用者の通信に影響はなかった。",
	),
	"capacity_exceeded/attack/degraded": P(
		"攻撃と疑われる通信を十分に遮断できず、{nm_min}分にわたり正規の通信の品質が低下した。",
		"遮断の設定が追いつかず、正規の通信にも遅延が生じた。",
	),
	"capacity_exceeded/crowd/besteffort": P(
		"イベント会場周辺で正規の通信が集中したが、ベストエフォート型のサービスであり速度の低下にとどまった。",
		"正規の利用者による通信の集中で通信速度が低下したが、{nm_min}分で解消した。",
	),
	"capacity_exceeded/crowd/guaranteed": P(
		"正規の通信の集中により、帯域を保証したサービスでも{nm_min}分にわたり品質が低下した。",
	),
	"capacity_exceeded/voice/priority_ok": P(
		"一般の通話を規制したことで、優先通話は確保された。",
		"発信規制を{quickly}実施し、重要通信（優先通話）は影響を受けなかった。",
	),
	"capacity_exceeded/voice/priority_failed": P(
		"発信規制を行ったが輻輳が収まらず、一般の通話とともに優先通話も{nm_min}分にわたりつながりにくくなった。",
	),
	"wrong_config_or_software/rolled_back": P(
		"作業手順に定めた切り戻しを{quickly}実施し、{nm_min}分後に正常な状態に戻した。",
		"作業者が異常に気付き、手順書どおり切り戻したため{nm_min}分で復旧した。",
	),
	"wrong_config_or_software/not_rolled_back": P(
		"切り戻しの手順が定められておらず、正常な状態に戻すまでに{nm_min}分を要した。",
		"切り戻しを試みたが失敗し、{vendor}の支援を得て{nm_min}分後に復旧した。",
	),
	"satellite": P(
		"衛星の一部の機能が低下したが、他の衛星が通信を引き継いだ。",
		"中継器の一部が機能低下したが、予備の中継器に{cut}て通信を継続した。",
	),
	"other": P(
		"重大な事故に至るおそれがあったが、影響は限定的だった。",
	),
}
