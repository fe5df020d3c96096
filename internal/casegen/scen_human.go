package casegen

import cf "kensho/internal/caseformat"

// humanScenarios are failures people caused (人為要因): wrong procedure
// documents, wrong settings, wrong targets. "The same human errors keep
// repeating" (SPEC §5): these are the commonest clusters.
var humanScenarios = []scenario{
	{
		id: "wrong_procedure_document", class: "human", archetype: "procedure_error", weight: 9,
		equipment: []string{"router", "switching", "mobile_core", "server", "transmission", "access_line"},
		kinds:     []opKind{kMNO, kFixed, kLongDistance, kISP, kCable, kRegional, kFree, kMVNO},
		services:  []cf.Service{svcVoiceE, svcVoice, svcNet, svcOther, svcFree},
		degrade:   0.1, night: true, wide: 0.25, nearMiss: []string{"wrong_config_or_software"},
		slots: map[string]pool{
			"job":       P("設備更改工事", "装置の増設工事", "ソフトウェアの更新作業", "経路設定の変更作業", "収容替え工事", "定期保守作業"),
			"docflaw":   P("投入するコマンドの順序", "設定値（経路の優先度）", "対象装置の指定", "切り戻しの条件", "事前確認の項目"),
			"slip":      P("経路情報が広告されなくなり", "加入者データが参照できなくなり", "呼処理が停止し", "通信が誤った経路に転送され", "認証処理ができなくなり"),
			"docreview": P("作成者のみで行われ", "形式的なものにとどまり", "前回の手順書との差分のみを確認する形で行われ"),
			"event":     P("作業手順書の誤り", "手順書の記載誤りによる設定不備", "{job}の手順書の誤り"),
		},
		cause: P(
			"{job}において、作業手順書に記載された{docflaw}に誤りがあった。作業者は手順書どおりに作業したが、その結果{slip}、{effect}。手順書のレビューは{docreview}、検証環境での事前確認も行われていなかった。",
			"{job}の作業手順書に{docflaw}の誤りがあり、手順どおりに作業したところ{device}で{slip}、通信に影響した。手順書のレビューは{docreview}、誤りを発見できなかった。",
			"{device}の{job}で用いた手順書の{docflaw}が誤っていたため、作業後に{slip}、{area}の通信に影響した。",
		),
		develop: P(
			"{t0}、{site}の{device}で{job}を開始した。{t1}、手順書の手順を実施した直後に{alarm}が発報され、{effect}。",
			"{t0}頃から{job}を実施していたところ、{t1}に{center}で通信量の急減を{noticed}。",
		),
		recover: P(
			"{t2}、作業を中断し、設定を作業前の状態に切り戻した。{t3}に{restored}。",
			"{t2}、手順書の誤りに気付き正しい設定を投入し直した。{t3}、全ての通信が{restored}ことを確認した。",
		),
		measures: P(
			"作業手順書は作成者以外の複数の者がレビューし、承認する体制とした。",
			"手順書の内容を検証環境で事前に確認することを義務付けた。",
			"前回の手順書を流用する場合は差分を明示し、重点的に確認する。",
			"作業前に影響範囲と切り戻しの条件を関係者で確認する。",
			"手順書のひな形を見直し、設定値の根拠を記載する欄を設けた。",
		),
	},
	{
		id: "config_input_error", class: "human", archetype: "config_error", weight: 8,
		equipment: []string{"router", "server", "mobile_core", "switching", "virtualisation"},
		kinds:     []opKind{kMNO, kFixed, kLongDistance, kISP, kCable, kRegional, kFree, kMVNO, kLPWA},
		services:  []cf.Service{svcVoiceE, svcVoice, svcNet, svcOther, svcFree, svcLPWA},
		degrade:   0.1, night: true, wide: 0.3, nearMiss: []string{"wrong_config_or_software"},
		slots: map[string]pool{
			"setting": P("アクセス制御リスト（ACL）", "経路フィルタ", "BGPの経路広告の設定", "負荷分散の設定", "DNSのゾーン情報", "加入者の帯域設定", "IPアドレスの割当て範囲"),
			"mistake": P("対象範囲を誤って広く指定した", "値を一文字誤って入力した", "削除すべきでない行を削除した", "別の装置向けの設定を投入した", "設定の反映順序を誤った"),
			"check":   P("投入前のダブルチェックが行われていなかった", "設定内容の机上確認が一人で行われていた", "投入後の疎通確認が不十分であった"),
			"event":   P("設定誤り", "{setting}の設定誤り", "設定投入の誤り"),
		},
		cause: P(
			"{device}の{setting}を変更する作業で、作業者が{mistake}。このため正常な通信まで遮断され、{effect}。{check}。",
			"{setting}の変更時に{mistake}ため、{device}が通信を正しく処理できなくなった。{check}ことも一因である。",
			"設定変更の際に{mistake}ことにより、{device}の{setting}が誤った状態となり、{area}の利用者の通信が途絶した。",
		),
		develop: P(
			"{t0}、{device}の{setting}の変更作業を実施した。{t1}頃から利用者からの問合せが急増し、{effect}ことを確認した。",
			"{t0}に設定を投入した直後から、{device}で通信の異常が{happened}。",
		),
		recover: P(
			"{t2}、投入した設定を取り消し、{t3}に{restored}。",
			"{t2}、誤りのある設定を特定して修正し、{t3}に{restored}。",
		),
		measures: P(
			"設定投入前に複数人で内容を確認するダブルチェックを{enforce}。",
			"設定内容を自動で検査するツールを{introduce}。",
			"設定投入後の疎通確認の項目を増やした。",
			"定期的な教育と訓練により、作業者の注意力の維持を図る。",
			"影響の大きい設定変更は利用の少ない時間帯に限定する。",
		),
	},
	{
		id: "wrong_target", class: "human", archetype: "procedure_error", weight: 4,
		equipment: []string{"router", "switching", "server", "transmission", "power"},
		kinds:     []opKind{kMNO, kFixed, kLongDistance, kISP, kCable, kRegional},
		services:  []cf.Service{svcVoiceE, svcVoice, svcNet, svcOther},
		night:     true,
		slots: map[string]pool{
			"mixup": P("撤去予定の装置と稼働中の装置", "隣接する二つのラック", "同じ型番の二台の装置", "現用系と予備系の装置"),
			"act":   P("電源を切断した", "ケーブルを抜去した", "設定を初期化した", "処理を停止させた"),
			"event": P("作業対象の誤り", "稼働中の設備の誤停止", "誤った装置への作業"),
		},
		cause: P(
			"{work}の際、作業者が{mixup}を取り違え、稼働中の{device}の{act}。装置のラベルと管理台帳の記載が一致しておらず、作業対象の確認が不十分であった。",
			"作業者が{mixup}を取り違えたため、稼働中の{device}の{act}。作業対象を複数人で指差し確認する手順が守られていなかった。",
		),
		develop: P("{t0}、{site}で{work}を実施中、稼働中の{device}が停止した。"),
		recover: P("{t2}、誤って停止した装置を再起動し、{t3}に{restored}。"),
		measures: P(
			"作業対象の装置に識別表示を行い、管理台帳と照合する手順とした。",
			"作業対象の確認を複数人で行うことを{enforce}。",
			"撤去予定の装置は稼働中の装置と分けて配置する。",
		),
	},
	{
		id: "virtualisation_route_deleted", class: "human", archetype: "config_error", weight: 3,
		equipment: []string{"virtualisation"}, from: 2017,
		kinds:    []opKind{kMNO, kLongDistance, kFixed},
		services: []cf.Service{svcVoiceE, svcNet, svcVoice},
		night:    true, wide: 0.5, nearMiss: []string{"wrong_config_or_software"},
		slots: map[string]pool{
			"maint": P("ハイパーバイザの更新", "物理サーバの増設", "仮想マシンの移行", "管理ソフトウェアのバージョンアップ"),
			"tool":  P("オーケストレータ", "構成管理の自動化ツール", "仮想化基盤の管理システム"),
			"vnf":   P("仮想EPC", "仮想IMS", "仮想化された加入者収容装置", "仮想ルータ"),
			"event": P("仮想化基盤の保守作業中の経路情報の削除", "経路情報の誤削除", "{tool}による経路情報の削除"),
		},
		cause: P(
			"{device}の{maint}作業の際、{tool}が{vnf}の経路情報を不要なものと判断して削除した。このため{vnf}へ通信を転送できなくなった。{tool}の動作仕様を作業者が十分に把握していなかった。",
			"{maint}の手順書に、{tool}による経路情報の再計算が行われることが記載されておらず、作業中に{vnf}の経路情報が削除された。",
		),
		develop: P("{t0}頃から{device}の{maint}作業を開始した。{t1}、{vnf}への経路が消失し、{area}で{effect}。"),
		recover: P(
			"{t2}、作業を中断し、削除された経路情報を手動で再設定した。{t3}に{restored}。",
			"{tool}を停止したうえで経路情報を再投入し、{vnf}を順次復旧させた。",
		),
		measures: P(
			"{tool}の動作を事前に検証環境で確認し、手順書に明記した。",
			"保守作業の前後で経路情報を比較し、差分を確認する手順を追加した。",
			"仮想化基盤の変更管理を見直し、自動化ツールの動作を含めた影響評価を行う。",
		),
	},
	{
		id: "backup_inconsistent_restore", class: "human", archetype: "procedure_error", weight: 3,
		equipment: []string{"server", "mobile_core", "operations_system"},
		kinds:     []opKind{kMNO, kISP, kCable, kLongDistance, kFree, kRegional},
		services:  []cf.Service{svcNet, svcOther, svcFree, svcVoiceE},
		slots: map[string]pool{
			"store":  P("加入者データベース", "メールボックスの格納領域", "認証情報のデータベース", "設定情報のデータベース"),
			"flaw":   P("取得途中で中断されていた", "旧版のデータ構造で取得されていた", "一部のテーブルが欠落していた", "差分の適用順序が誤っていた"),
			"result": P("一部の利用者の認証ができなくなった", "受信済みのメールが表示されなくなった", "利用者の契約情報が参照できなくなった"),
			"event":  P("不整合のあるバックアップファイルによる復旧", "バックアップデータの不整合", "復旧作業での誤ったデータの復元"),
		},
		cause: P(
			"故障した{device}の{store}をバックアップファイルから復旧したが、そのバックアップファイルは{flaw}ため、データに不整合があった。復旧前に整合性を確認する手順がなく、{thus}{result}。",
			"{store}の復旧に用いたバックアップファイルが{flaw}ことに気付かないまま復元作業を行ったため、{result}。バックアップの取得結果を検証する仕組みがなかった。",
		),
		develop: P("{t0}頃、{device}の{store}に{fault}が{happened}。{t1}、バックアップファイルからの復旧を開始したが、復元後に{result}。"),
		recover: P(
			"{t2}、別の世代のバックアップファイルで改めて復元し、不足分のデータを手作業で補正した。{t3}に{restored}。",
			"整合性の取れたバックアップを特定して再度復元し、{t3}に全ての利用者で{restored}ことを確認した。",
		),
		measures: P(
			"バックアップファイルの整合性を取得時と復元前に検証する手順を定めた。",
			"定期的にリストア訓練を行い、復元手順の妥当性を確認する。",
			"複数世代のバックアップを保管し、世代ごとの取得結果を記録する。",
		),
	},
	{
		id: "backup_login_missing", class: "human", archetype: "procedure_error", weight: 3,
		equipment: []string{"server", "switching", "operations_system", "mobile_core"},
		kinds:     []opKind{kMNO, kFixed, kLongDistance, kISP, kCable, kRegional, kFree, kMVNO},
		services:  []cf.Service{svcVoiceE, svcNet, svcOther, svcFree},
		slots: map[string]pool{
			"who":   P("保守委託先にのみ保管されていた", "更新後に運用部門へ共有されていなかった", "担当者の異動で引き継がれていなかった", "紙の台帳にしか記載されておらず所在が不明だった"),
			"event": P("予備サーバのログイン情報の未準備", "予備設備への切替えの遅延", "予備サーバへの切替えの遅れ"),
		},
		cause: P(
			"{device}の{active}が{broke}ため予備サーバへの手動切替えが必要となったが、予備サーバのログイン情報（アカウント及びパスワード）が{who}。このため切替え作業に着手できず、復旧が大幅に遅れた。",
			"予備サーバへの切替え手順は整備されていたものの、ログイン情報が{who}ため、{staff}が予備サーバにログインできなかった。",
		),
		develop: P("{t0}頃、{device}が{broke_te}、{t1}に予備サーバへの切替えを決定したが、ログインできず作業が中断した。"),
		recover: P(
			"{t2}、{vendor}からログイン情報を入手して予備サーバへ切り替え、{t3}に{restored}。",
			"{t2}、ログイン情報を管理する担当者と連絡が取れ、予備サーバへの切替えを行った。{t3}に{restored}。",
		),
		measures: P(
			"予備設備の認証情報を一元管理し、定期的に有効性を確認する手順を定めた。",
			"切替え訓練を定期的に実施し、ログインを含む手順を確認する。",
			"委託先との間で緊急時の認証情報の提供方法を取り決めた。",
		),
	},
	{
		id: "certificate_expiry", class: "human", archetype: "procedure_error", weight: 2,
		equipment: []string{"server", "cloud", "mobile_core"},
		kinds:     []opKind{kMNO, kISP, kFree, kLongDistance, kMVNO, kLPWA},
		services:  []cf.Service{svcNet, svcOther, svcFree, svcLPWA},
		wide:      0.6,
		slots: map[string]pool{
			"cert":  P("サーバ証明書", "中間証明書", "認証用の電子証明書", "暗号化通信の証明書"),
			"event": P("{cert}の有効期限切れ", "証明書の更新漏れ", "{cert}の失効"),
		},
		cause: P(
			"{device}で用いていた{cert}の有効期限が切れ、端末との暗号化通信が確立できなくなった。証明書の有効期限を管理する台帳がなく、更新が漏れていた。",
			"{cert}の更新作業が担当者の交代により引き継がれておらず、有効期限を過ぎたため認証に失敗した。",
		),
		develop: P("{t0}、{cert}の有効期限が到来し、{device}への接続が一斉に失敗し始めた。"),
		recover: P("{t2}、新しい{cert}を発行して{device}に適用し、{t3}に{restored}。"),
		measures: P(
			"証明書の有効期限を一元管理し、期限の{count}0日前に通知する仕組みを{introduce}。",
			"証明書の更新を定例の作業に組み込み、担当者の交代時に引き継ぐ。",
		),
	},
	{
		id: "automation_tool_misfire", class: "human", archetype: "config_error", weight: 2,
		equipment: []string{"operations_system"},
		kinds:     []opKind{kMNO, kFixed, kLongDistance, kISP, kCable},
		services:  []cf.Service{svcVoiceE, svcNet, svcOther},
		night:     true, wide: 0.4, nearMiss: []string{"wrong_config_or_software"},
		slots: map[string]pool{
			"scope": P("対象装置の条件指定", "一括変更の対象リスト", "自動実行のスケジュール設定"),
			"event": P("設定自動化ツールの誤動作", "一括設定変更の誤り"),
		},
		cause: P(
			"{device}による一括設定変更で、{scope}に誤りがあったため、本来対象外の{count}00台の装置にも設定が投入された。ツールには影響範囲を確認する機能がなかった。",
			"{device}の{scope}を作業者が誤って登録したため、稼働中の装置に一斉に不適切な設定が投入された。",
		),
		develop: P("{t0}、{device}の自動実行が開始され、{t1}までに多数の装置で通信断が{happened}。"),
		recover: P("{t2}、{device}を停止し、各装置の設定を{gradually}元に戻して{t3}に{restored}。"),
		measures: P(
			"一括変更の前に対象装置の一覧を表示し、承認を得てから実行する仕組みとした。",
			"一括変更は少数の装置で先行して実施し、問題がないことを確認してから拡大する。",
			"自動化ツールによる設定変更の手順を{review}。",
		),
	},
}
