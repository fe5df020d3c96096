package casegen

import cf "kensho/internal/caseformat"

// externalScenarios come from outside the operator (外的要因): natural
// disasters, power, other operators, attacks, crowds.
var externalScenarios = []scenario{
	{
		id: "typhoon", class: "external", archetype: "natural_disaster", weight: 6,
		equipment: []string{"base_station", "remote_terminal", "power", "access_line"},
		kinds:     []opKind{kMNO, kFixed, kCable, kRegional},
		services:  []cf.Service{svcVoiceE, svcNet},
		degrade:   0.2, local: true,
		slots: map[string]pool{
			"storm": P("台風{count}号", "大型の台風", "台風の接近に伴う暴風雨"),
			"harm":  P("広域の停電が長時間続き", "倒木や飛来物によりケーブルが断線し", "電柱の倒壊により伝送路が断たれ", "停電と伝送路断が重なり"),
			"event": P("{storm}による停電と伝送路断", "{storm}の影響", "台風に伴う広域停電"),
		},
		cause: P(
			"{storm}の影響で{harm}、{area}の{device}が停止した。停電が蓄電池による電源の確保時間を超えて続いたため、復旧までに時間を要した。",
			"{storm}により{harm}、{area}で{device}の停止が相次いだ。道路の通行止めにより移動電源車の配備にも時間を要した。",
		),
		develop: P(
			"{t0}頃から{storm}の影響で{area}の停電が広がり、{t1}には{device}の停止が相次いだ。",
			"{t0}、{storm}の接近に伴い{area}で停電が{happen}、{device}が{gradually}停止した。",
		),
		recover: P(
			"{t2}から移動電源車や可搬型発電機を配備し、商用電源の復旧とあわせて{gradually}{restored}。{t3}に全ての{device}が復旧した。",
			"ケーブルの張り替えと電源の確保を進め、{t3}に{restored}。",
		),
		measures: P(
			"{device}の蓄電池を長時間化し、停電時の運用時間を延ばす。",
			"移動電源車と可搬型発電機の配備数を増やし、事前配置の基準を{review}。",
			"重要な{device}の伝送路を二重化した。",
			"自治体や電力会社との連携を強化し、停電情報を早期に把握する。",
		),
	},
	{
		id: "earthquake", class: "external", archetype: "natural_disaster", weight: 2,
		equipment: []string{"base_station", "transmission", "access_line", "power", "switching"},
		kinds:     []opKind{kMNO, kFixed, kCable, kRegional, kLongDistance},
		services:  []cf.Service{svcVoiceE, svcNet, svcOther},
		degrade:   0.3, local: true,
		slots: map[string]pool{
			"quake": P("最大震度6強の地震", "最大震度7の地震", "震度6弱の地震"),
			"harm":  P("局舎の設備が損傷し", "とう道内のケーブルが損傷し", "広域の停電が{happen}", "伝送路が寸断され"),
			"event": P("{quake}による設備の損壊", "{quake}の影響", "地震に伴う停電と伝送路断"),
		},
		cause: P(
			"{quake}により{harm}、{area}の{device}が停止した。{also}通話の集中による輻輳も{happened}。",
			"{quake}の揺れで{harm}、{device}が機能を失った。",
		),
		develop: P("{t0}、{quake}が発生し、直後から{area}で{effect}。"),
		recover: P(
			"{t2}から応急復旧を開始し、迂回路の設定と移動基地局の配備を行った。{t3}に{restored}。",
			"損傷したケーブルを張り替え、{t3}に{restored}。",
		),
		measures: P(
			"局舎の耐震対策を{strength}。",
			"災害時の応急復旧の手順を見直し、訓練を{did}。",
			"重要な伝送路を別ルートで二重化した。",
		),
	},
	{
		id: "heavy_rain", class: "external", archetype: "natural_disaster", weight: 3,
		equipment: []string{"access_line", "transmission", "base_station", "power"},
		kinds:     []opKind{kMNO, kFixed, kCable, kRegional},
		services:  []cf.Service{svcVoiceE, svcNet},
		local:     true,
		slots: map[string]pool{
			"rain":  P("記録的な大雨", "線状降水帯による豪雨", "梅雨前線による大雨"),
			"harm":  P("土砂崩れで光ケーブルが断線し", "河川の氾濫で局舎が浸水し", "橋りょうの流失で添架していたケーブルが切断され"),
			"event": P("{rain}による土砂災害", "{rain}の影響による伝送路断", "局舎の浸水"),
		},
		cause: P(
			"{rain}により{harm}、{area}の{device}が停止した。",
			"{rain}に伴い{harm}、通信が途絶した。迂回経路も同じ地域を通っていたため機能しなかった。",
		),
		develop: P("{t0}頃、{rain}の影響で{area}の{device}との通信が途絶した。"),
		recover: P("{t2}、仮設ケーブルを敷設し、{t3}に{restored}。", "水が引いた後に設備を交換し、{t3}に{restored}。"),
		measures: P(
			"浸水のおそれがある局舎の設備を高所に移設する。",
			"ケーブルのルートを見直し、迂回経路を別の地域に確保した。",
		),
	},
	{
		id: "heavy_snow", class: "external", archetype: "natural_disaster", weight: 2,
		equipment: []string{"access_line", "base_station", "power"},
		kinds:     []opKind{kMNO, kFixed, kCable, kRegional},
		services:  []cf.Service{svcVoiceE, svcNet},
		local:     true,
		slots: map[string]pool{
			"snow":  P("大雪", "着雪と倒木", "暴風雪"),
			"event": P("{snow}による倒木とケーブル断", "{snow}の影響", "雪害による停電"),
		},
		cause: P(
			"{snow}により倒木が{happen}、架空ケーブルが断線した。{also}停電で{device}が停止した。",
			"{snow}の影響で道路が通行止めとなり、停止した{device}への電源車の配備が遅れた。",
		),
		develop:  P("{t0}頃、{snow}の影響で{area}の{device}が停止し始めた。"),
		recover:  P("{t2}、除雪後に現地へ到着し、ケーブルを張り替えて{t3}に{restored}。"),
		measures: P("雪害が見込まれる区間のケーブルを地中化する。", "冬期の移動電源車の事前配置を{strength}。"),
	},
	{
		id: "lightning", class: "external", archetype: "natural_disaster", weight: 2.5,
		equipment: []string{"base_station", "remote_terminal", "dslam", "transmission"},
		kinds:     []opKind{kMNO, kFixed, kCable, kRegional, kLPWA},
		services:  []cf.Service{svcVoiceE, svcNet, svcLPWA},
		local:     true,
		slots: map[string]pool{
			"event": P("落雷による装置の{fault}", "雷サージによる故障", "落雷の影響"),
		},
		cause: P(
			"{site}付近への落雷により雷サージが侵入し、{device}の{count}枚の基板が損傷した。避雷器の劣化で保護が不十分であった。",
			"落雷による過電圧で{device}の電源部が{broke}。",
		),
		develop:  P("{t0}頃、{area}で落雷が相次ぎ、{device}の{alarm}が発報された。"),
		recover:  P("{t2}、損傷した基板を交換し、{t3}に{restored}。"),
		measures: P("避雷器を点検し、劣化したものを交換した。", "雷の多い地域の{device}に耐雷トランスを{introduce}。"),
	},
	{
		id: "power_backup_failure", class: "equipment", archetype: "power", weight: 4,
		equipment: []string{"power"},
		kinds:     []opKind{kMNO, kFixed, kLongDistance, kISP, kCable, kRegional, kFree},
		services:  []cf.Service{svcVoiceE, svcNet, svcOther, svcFree},
		wide:      0.15, nearMiss: []string{"failover_failure"},
		slots: map[string]pool{
			"outage": P("商用電源の停電", "受電設備の点検に伴う停電", "電力会社の送電線事故による停電"),
			"gen":    P("非常用発電機が起動せず", "無停電電源装置（UPS）の切替えが失敗し", "発電機の燃料供給系が故障し", "自動切替盤が動作せず"),
			"event":  P("停電時の非常用電源の不動作", "{outage}と非常用電源の{fault}", "電源設備の切替え失敗"),
		},
		cause: P(
			"{outage}が{happened}際に{gen}、{site}の{device}から装置への給電が途絶えた。非常用電源の定期試験は実負荷をかけずに行われていた。",
			"{outage}の発生時に{gen}、蓄電池の容量が尽きた時点で装置が停止した。",
		),
		develop: P("{t0}、{site}で{outage}が{happen}、{t1}に装置が停止した。"),
		recover: P("{t2}、電源を手動で切り替えて装置を起動し、{t3}に{restored}。", "商用電源の復旧後、装置を{gradually}起動して{t3}に{restored}。"),
		measures: P(
			"非常用発電機の定期試験を実負荷で行う。",
			"電源設備の切替え回路を点検し、部品を交換した。",
			"蓄電池の容量を増やし、発電機が起動しない場合の保持時間を延ばした。",
		),
	},
	{
		id: "battery_degraded", class: "equipment", archetype: "power", weight: 2,
		equipment: []string{"power", "base_station", "remote_terminal"},
		kinds:     []opKind{kMNO, kFixed, kCable, kRegional, kLPWA},
		services:  []cf.Service{svcVoiceE, svcNet, svcLPWA},
		local:     true,
		slots: map[string]pool{
			"event": P("蓄電池の劣化による給電停止", "蓄電池の容量不足", "停電時の蓄電池の早期放電"),
		},
		cause: P(
			"停電の際、{device}の蓄電池が劣化しており、想定の{count}時間を大きく下回る時間で放電を終えたため、装置が停止した。蓄電池の容量試験が長期間行われていなかった。",
			"劣化した蓄電池の交換が遅れていたため、短時間の停電でも{device}への給電を維持できなかった。",
		),
		develop:  P("{t0}頃、{area}で停電が{happen}、{t1}に{device}が停止した。"),
		recover:  P("{t3}、商用電源の復旧により{restored}。"),
		measures: P("蓄電池の容量試験を定期的に行い、劣化したものを交換する。", "蓄電池の交換周期を{review}。"),
	},
	{
		id: "wholesale_provider_failure", class: "external", archetype: "other_operator", weight: 4,
		equipment: []string{"mobile_core", "router", "access_line"},
		kinds:     []opKind{kMVNO},
		services:  []cf.Service{svcNet, svcVoiceE, svcVoice},
		degrade:   0.2, wide: 0.7, third: "mno",
		slots: map[string]pool{
			"upfault": P("パケット交換機の{fault}", "設定の誤り", "ソフトウェアの{bug}", "相互接続点の装置の{fault}"),
			"event":   P("卸元事業者の設備の{fault}", "卸元（{provider}）の障害", "卸元事業者の{upfault}"),
		},
		cause: P(
			"卸元である{provider}の{upfault}により、{provider}から卸電気通信役務の提供を受けて提供している{svc}が{unusable}。当社の設備に異常はなかった。",
			"{provider}の設備で{upfault}が{happen}、当社の利用者の通信も途絶した。卸元からの障害情報の連絡に時間を要し、利用者への周知が遅れた。",
		),
		develop: P(
			"{t0}頃から利用者の通信が途絶し、{t1}に{provider}から障害の連絡を受けた。",
			"{t0}、当社の監視で通信量の急減を{noticed}。{provider}に確認したところ、卸元の設備の障害であることが{found}。",
		),
		recover: P("{t3}、{provider}の設備の復旧に伴い{restored}。"),
		measures: P(
			"卸元との間で障害情報を即時に共有する連絡体制を{strength}。",
			"卸元の障害を自社で早期に検知するための監視を{introduce}。",
			"利用者への周知を卸元の連絡を待たずに行う手順とした。",
		),
	},
	{
		id: "cloud_provider_failure", class: "external", archetype: "other_operator", weight: 3,
		equipment: []string{"cloud"},
		kinds:     []opKind{kFree, kISP, kMVNO, kLPWA, kLongDistance},
		services:  []cf.Service{svcFree, svcOther, svcNet, svcLPWA},
		wide:      0.9, third: "cloud",
		slots: map[string]pool{
			"cloudfault": P("ストレージサービスの{fault}", "ネットワークの設定誤り", "特定のリージョンの電源設備の{fault}", "認証基盤の{bug}"),
			"event":      P("{provider}の{fault}", "委託先クラウドの障害", "外部クラウドの{cloudfault}"),
		},
		cause: P(
			"サービスの基盤として利用している{provider}で{cloudfault}が{happen}、{device}が応答しなくなった。別のリージョンへの切替えの準備が整っていなかった。",
			"{provider}の{cloudfault}の影響で、{device}に接続できなくなった。委託先の障害を想定した切替え手順がなかった。",
		),
		develop: P("{t0}頃から{device}への接続エラーが急増し、{t1}に{provider}の障害であることが{found}。"),
		recover: P("{t3}、{provider}の復旧に伴い{restored}。", "{t2}、別のリージョンへ切り替え、{t3}に{restored}。"),
		measures: P(
			"複数のリージョンにまたがる冗長構成とし、切替え手順を整備した。",
			"委託先の障害情報を早期に入手できるよう契約と連絡体制を{review}。",
		),
	},
	{
		id: "third_party_construction", class: "external", archetype: "other_operator", weight: 4,
		equipment: []string{"access_line", "transmission"},
		kinds:     []opKind{kFixed, kCable, kRegional, kMNO, kLongDistance, kISP},
		services:  []cf.Service{svcVoiceE, svcNet, svcOther},
		local:     true, third: "contractor",
		slots: map[string]pool{
			"how":   P("重機で地中の光ケーブルを切断した", "誤って架空ケーブルを引っ掛けて断線させた", "管路を損傷させた"),
			"event": P("他者工事によるケーブル切断", "{provider}による光ケーブルの損傷", "第三者の工事による伝送路断"),
		},
		cause: P(
			"{provider}が{how}ため、{area}の{device}が停止した。当該区間は迂回経路のない単一のルートであった。",
			"{provider}が{how}。事前の埋設物の照会が行われておらず、当社は工事を把握していなかった。",
		),
		develop: P("{t0}、{area}で伝送路断の{alarm}が発報された。{t1}、現地で{provider}によるケーブルの損傷を確認した。"),
		recover: P("{t2}、応急のケーブルを接続し、{t3}に{restored}。"),
		measures: P(
			"工事事業者への埋設物の照会の周知を{strength}。",
			"迂回経路のない区間を解消するため、ケーブルの二ルート化を{planned}。",
		),
	},
	{
		id: "submarine_cable_fishing", class: "external", archetype: "unknown", weight: 1.5,
		equipment: []string{"submarine_cable"},
		kinds:     []opKind{kSatellite, kFixed, kLongDistance, kMNO},
		services:  []cf.Service{svcNet, svcVoiceE, svcOther},
		island:    true, critical: "submarine_cable",
		slots: map[string]pool{
			"gear":  P("底引き網", "漁具のアンカー", "船舶の錨"),
			"event": P("海底ケーブルの損傷", "{gear}による海底ケーブルの損傷の疑い", "海底ケーブルの切断"),
		},
		cause: P(
			"{island}と本土を結ぶ{device}が損傷し、全ての通信が途絶した。損傷の状況から{gear}による損傷が疑われる。予備の経路の容量が小さく、通信の一部しか迂回できなかった。",
			"{device}が{gear}によるものとみられる損傷を受け、{island}との通信が途絶した。",
		),
		develop: P("{t0}、{device}の信号断の{alarm}が発報され、{island}との通信が途絶した。"),
		recover: P(
			"{t2}、衛星回線と無線による迂回を開始し、{t3}に修理船によるケーブルの修理を終えて{restored}。",
			"{t2}、予備の経路へ通信を迂回させ、{t3}に{restored}。",
		),
		measures: P(
			"漁業関係者に海底ケーブルの位置を周知し、注意喚起を{strength}。",
			"予備の経路の容量を増強した。",
			"ケーブルの追加敷設を{planned}。",
		),
	},
	{
		id: "ddos_attack", class: "external", archetype: "cyber_attack", weight: 3,
		equipment: []string{"server", "router"},
		kinds:     []opKind{kISP, kLongDistance, kFree, kCable, kMNO, kRegional},
		services:  []cf.Service{svcNet, svcFree, svcOther},
		degrade:   0.7, wide: 0.4, nearMiss: []string{"capacity_exceeded/attack/data"},
		slots: map[string]pool{
			"flood": P("DNSサーバを狙った大量の問合せ", "最大{gbps}Gbpsに達する攻撃通信", "多数の乗っ取られた機器からの通信", "リフレクション攻撃"),
			"event": P("DDoS攻撃", "サイバー攻撃による過負荷"),
		},
		cause: P(
			"{device}に対する{flood}によるDDoS攻撃を受け、処理能力を超過した。攻撃通信の遮断が追いつかず、正規の利用者の通信も処理できなくなった。",
			"{flood}が{device}に集中し、帯域と処理能力が逼迫した。DDoS対策装置の閾値が攻撃の規模に対して不十分であった。",
		),
		develop: P("{t0}頃から{device}への通信量が急増し、{t1}に攻撃であることを確認した。"),
		recover: P("{t2}、上位の事業者と連携して攻撃通信を遮断し、{t3}に{restored}。", "攻撃元の通信をフィルタリングし、{t3}に{restored}。"),
		measures: P(
			"DDoS対策装置の容量と閾値を{review}。",
			"上位の事業者と攻撃通信の遮断の連携手順を定めた。",
			"攻撃を早期に検知する監視を{strength}。",
		),
	},
	{
		id: "unauthorised_access", class: "external", archetype: "cyber_attack", weight: 1.5,
		equipment: []string{"server", "operations_system", "router"},
		kinds:     []opKind{kISP, kCable, kFree, kLongDistance, kRegional},
		services:  []cf.Service{svcOther, svcNet, svcFree},
		slots: map[string]pool{
			"entry": P("保守用アカウントのパスワードが推測され", "脆弱性を突かれ", "委託先の端末を経由して"),
			"harm":  P("設定が改ざんされ", "サーバが停止させられ", "迷惑メールの送信に悪用され"),
			"route": P("推測されやすい保守用アカウントのパスワード", "未修正の脆弱性", "委託先の保守端末"),
			"event": P("不正アクセス", "保守用アカウントの不正利用"),
		},
		cause: P(
			"{entry}、{device}に不正にアクセスされ、{harm}たため、サービスを停止した。保守用のログインIDとパスワードが外部に流出していた可能性がある。",
			"{device}が不正アクセスを受け、{harm}た。侵入の経路は{route}であった。",
		),
		develop: P("{t0}、{device}で不審なログインを{noticed}。{t1}、サービスを停止して調査を開始した。"),
		recover: P("{t2}、改ざんされた設定を復元し、認証情報を変更して{t3}に{restored}。"),
		measures: P(
			"保守用アカウントに多要素認証を{introduce}。",
			"アクセス元を限定し、ログの監視を{strength}。",
			"設備のログインIDとパスワードの管理を{review}。",
		),
	},
	{
		id: "crowd_congestion", class: "equipment", archetype: "capacity", weight: 2,
		equipment: []string{"base_station", "switching", "mobile_core"},
		kinds:     []opKind{kMNO, kFixed},
		services:  []cf.Service{svcVoiceE, svcNet},
		degrade:   0.95, local: true,
		nearMiss: []string{"capacity_exceeded/legitimate_crowd/data", "capacity_exceeded/legitimate_crowd/voice"},
		slots: map[string]pool{
			"crowd": P("年始の挨拶の通話の集中", "花火大会の会場周辺への人の集中", "大規模なイベントの開催", "災害発生直後の安否確認の通話の集中"),
			"event": P("{crowd}による輻輳", "通信の集中による輻輳", "トラヒックの急増"),
		},
		cause: P(
			"{crowd}により通信が想定を大きく超えて集中し、{device}が輻輳した。発信規制を行ったが、規制の開始が遅れた。",
			"{crowd}で{area}の{device}の処理能力を超えるトラヒックが発生し、つながりにくい状態が続いた。",
		),
		develop: P("{t0}頃から{crowd}が始まり、{t1}に{device}の輻輳を{noticed}。"),
		recover: P("{t2}から発信規制を実施し、トラヒックの減少とともに{t3}に{restored}。"),
		measures: P(
			"過去の実績に基づき、イベント時の設備の増強と移動基地局の配備を行う。",
			"発信規制の開始基準を{review}。",
			"災害用伝言サービスの案内を早期に行う。",
		),
	},
}

// scenarios are all the failure modes, in a fixed order.
var scenarios = func() []scenario {
	var all []scenario
	all = append(all, equipmentScenarios...)
	all = append(all, humanScenarios...)
	all = append(all, externalScenarios...)
	return all
}()
