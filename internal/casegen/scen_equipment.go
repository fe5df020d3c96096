package casegen

import cf "kensho/internal/caseformat"

var (
	svcVoiceE = cf.ServiceVoiceEmergency
	svcVoice  = cf.ServiceVoice
	svcFree   = cf.ServiceFreeInternet
	svcNet    = cf.ServiceInternetAccess
	svcLPWA   = cf.ServiceLPWA
	svcOther  = cf.ServiceOther
)

// equipmentScenarios are failures of the facilities themselves (設備要因).
var equipmentScenarios = []scenario{
	{
		id: "software_bug_unknown", class: "equipment", archetype: "software_bug", weight: 10,
		equipment: []string{"router", "switching", "mobile_core", "server", "transmission"},
		kinds:     []opKind{kMNO, kFixed, kLongDistance, kISP, kCable, kRegional, kFree},
		services:  []cf.Service{svcVoiceE, svcVoice, svcNet, svcOther, svcFree},
		degrade:   0.2, wide: 0.35, nearMiss: []string{"failover_failure"},
		slots: map[string]pool{
			"trigger": P("特定の形式のパケットを受信した際", "連続稼働日数が{days}日に達した際", "経路情報の更新が短時間に集中した際",
				"特定の順序で設定変更を行った際", "うるう秒の挿入処理の際", "同時セッション数が{many}万を超えた際", "ログファイルの容量が上限に達した際"),
			"flaw":    P("メモリリーク", "内部カウンタの桁あふれ", "排他制御の不備", "例外処理の不備", "タイマ処理の誤り", "バッファの解放漏れ"),
			"symptom": P("プロセスが異常終了し", "パケットの転送処理が停止し", "呼処理が停止し", "CPU使用率が100%に達し", "セッション情報が消失し"),
			"event":   P("ソフトウェアの{bug}", "未知のソフトウェア{bug}"),
		},
		cause: P(
			"{device}（{model}、ソフトウェア{ver}）に、{trigger}に{flaw}が生じる{bug}が内在していた。この{bug}により{symptom}、{standby}も同一のソフトウェアで動作していたため同様に停止した。当該{bug}は{vendor}も把握していない未知のものであった。",
			"{trigger}に{flaw}が発生する{bug}が{device}のソフトウェア（{ver}）に存在し、{symptom}、通信を処理できなくなった。{vendor}においても事前に検出できていなかった。",
			"{device}のソフトウェアに{flaw}の{bug}があり、{trigger}に{symptom}、サービスが停止した。{active}と{standby}が同じ条件で停止したため、冗長構成が機能しなかった。",
		),
		develop: P(
			"{t0}頃、{device}で{symptom}、{alarm}が発報された。{t1}、{center}で{effect}ことを確認し、対応を開始した。",
			"{t0}、{center}が{device}の{alarm}を{noticed}。{t1}頃から利用者からの問合せが増加し、影響が{area}に及ぶことを確認した。",
		),
		recover: P(
			"{t2}、{device}の{restart}を実施したが事象が再発したため、{vendor}と協議のうえ{flaw}を回避する暫定設定を投入し、{t3}に{restored}。",
			"{vendor}の解析により{bug}の可能性が高いと判断し、旧版のソフトウェアへ切り戻した。{t3}、通信が{restored}ことを確認した。",
			"{t2}、{device}を{restart}して処理を再開させ、{t3}に{restored}。",
		),
		measures: P(
			"{vendor}から修正版ソフトウェアの提供を受け、{gradually}適用する。",
			"{bug}の顕在化を早期に検知するため、{flaw}の兆候（メモリ使用量・CPU使用率）の監視項目を追加した。",
			"検知後の応急復旧として、旧版への切り戻し手順を整備し訓練を{did}。",
			"{vendor}との間で不具合情報を共有する枠組みを{strength}。",
			"{standby}を異なる版のソフトウェアで運用することを検討する。",
		),
	},
	{
		id: "standby_reboot_loop", class: "equipment", archetype: "software_bug", weight: 6,
		equipment: []string{"switching", "mobile_core", "router", "server"},
		kinds:     []opKind{kMNO, kFixed, kLongDistance, kCable, kRegional, kISP},
		services:  []cf.Service{svcVoiceE, svcVoice, svcNet, svcOther},
		degrade:   0.15, wide: 0.3, nearMiss: []string{"failover_failure"},
		slots: map[string]pool{
			"component": P("制御カード", "呼制御プロセス", "管理モジュール", "ルーティングエンジン"),
			"anomaly":   P("{component}の異常を検知して自動的に{restart}", "{component}のメモリ使用量が閾値を超えたため自動的に{restart}"),
			"loopcause": P("{active}の再起動中に受信した異常な制御信号を{standby}も処理したため", "同期していた不正な状態情報を{standby}が引き継いだため",
				"{standby}への切替え中に同じ処理が繰り返されたため"),
			"event": P("{active}と{standby}の再起動の繰り返し", "両系の再起動ループ", "{standby}への切替えの失敗"),
		},
		cause: P(
			"{device}の{active}が{anomaly}し、{standby}に切り替わった。しかし{loopcause}、{standby}も{restart}を繰り返した。この結果、{active}と{standby}が交互に再起動する状態が続き、{standby}が処理を引き継ぐことができなかった。",
			"{anomaly}した{device}の{active}に代わり{standby}が起動したが、{loopcause}、両系が再起動を繰り返す状態に陥った。両系同時の異常を想定した手順がなく、手動での切り離しに時間を要した。",
		),
		develop: P(
			"{t0}頃、{device}の{active}が{restart}し、{standby}への切替えが{happened}。その後{t1}までに両系が{count}回以上の再起動を繰り返した。",
			"{t0}、{center}で{device}の{alarm}が多発した。{t1}、{active}と{standby}が交互に再起動していることを確認した。",
		),
		recover: P(
			"{t2}、{standby}を切り離して{active}のみで起動させ、{t3}に{restored}。",
			"{vendor}の助言により両系を停止したうえで{active}を単独で起動し、{t3}に通信が{restored}。",
		),
		measures: P(
			"両系が同時に異常となった場合の切り離し手順を策定し、訓練を{did}。",
			"再起動の繰り返しを検知する監視を追加し、一定回数を超えた場合に{staff}へ通知する仕組みを{introduce}。",
			"{standby}へ異常な状態が同期されないよう、{vendor}と連携してソフトウェアを改修する。",
			"冗長構成の切替え試験に両系同時異常のケースを加えた。",
		),
	},
	{
		id: "signalling_storm", class: "equipment", archetype: "capacity", weight: 4,
		equipment: []string{"mobile_core"},
		kinds:     []opKind{kMNO},
		services:  []cf.Service{svcVoiceE, svcNet, svcOther},
		degrade:   0.7, wide: 0.8, nearMiss: []string{"capacity_exceeded/internal/voice"},
		slots: map[string]pool{
			"onset": P("{device}の一部の故障からの復旧時", "ソフトウェア更新後の再起動時", "伝送路の瞬断からの回復時", "メンテナンス作業の終了時"),
			"node":  P("位置登録を処理する加入者情報管理装置", "移動管理装置", "IMSの登録処理装置", "加入者認証装置"),
			"event": P("位置登録信号の輻輳", "制御信号の急増による輻輳", "端末の再接続要求の集中"),
		},
		cause: P(
			"{onset}に、多数の端末が一斉に位置登録（再接続）を試みたため制御信号が急増し、{node}の処理能力を超えた。処理しきれない信号の再送がさらに信号を増やし、輻輳が全国の{node}に波及した。",
			"{onset}、約{many}万台の端末から位置登録信号が集中し、{node}が輻輳した。輻輳制御により信号を規制したが、規制された端末が再送を繰り返したため、輻輳状態が長時間継続した。",
		),
		develop: P(
			"{t0}頃、{onset}を契機に位置登録信号が通常の{pct}倍に急増した。{t1}には{node}の輻輳が他の設備にも波及し、{area}で{effect}。",
			"{t0}、{node}の処理負荷が上昇し、{t1}に全国規模で輻輳状態となった。",
		),
		recover: P(
			"{t2}から流入する信号の規制を{gradually}強め、{node}の負荷を下げた。その後規制を{gradually}緩和し、{t3}に{restored}。",
			"信号の流量制御を実施しつつ設備を順次{restart}し、{t3}に通常の状態に戻った。",
		),
		measures: P(
			"信号の流量制御の閾値を見直し、再送の集中を抑える制御を{introduce}。",
			"大規模な再接続を想定した輻輳試験を実施し、設備の処理能力を{strength}。",
			"設備を段階的に復旧させる手順を整備し、一斉の再接続を避けるようにした。",
			"輻輳の波及を防ぐため、地域ごとに{node}を分散して配置する。",
		),
	},
	{
		id: "hardware_part_failure", class: "equipment", archetype: "hardware_failure", weight: 9,
		equipment: []string{"router", "switching", "transmission", "server", "mobile_core"},
		kinds:     []opKind{kMNO, kFixed, kLongDistance, kISP, kCable, kRegional, kMVNO, kLPWA},
		services:  []cf.Service{svcVoiceE, svcVoice, svcNet, svcOther, svcLPWA},
		degrade:   0.15, wide: 0.2, nearMiss: []string{"failover_failure"},
		slots: map[string]pool{
			"part":  P("電源ユニット", "冷却ファン", "ラインカード", "光送受信モジュール", "制御基板", "スイッチファブリック"),
			"why":   P("経年劣化", "部品の初期不良", "コンデンサの劣化", "はんだ接合部の劣化"),
			"fail2": P("{standby}の{part}も同時期に劣化しており切替えができなかった", "{standby}への切替え機能が正常に動作しなかった", "当該部位が冗長化されていなかった"),
			"event": P("{part}の{fault}", "ハードウェアの{fault}"),
		},
		cause: P(
			"{device}（{model}）の{part}が{why}により{broke}。{fail2}ため、通信が途絶した。",
			"{why}による{part}の{fault}が{cause_w}である。通常は{standby}へ切り替わる構成であったが、{fail2}。",
		),
		develop: P(
			"{t0}、{device}の{part}の{alarm}が発報され、{area}で{effect}。",
			"{t0}頃、{site}の{device}が{part}の{fault}により停止した。{t1}、{center}で影響範囲を確認した。",
		),
		recover: P(
			"{t2}、{staff}が現地に到着し、{part}を予備品と交換した。{t3}に{restored}。",
			"{t2}、迂回経路への切替えを行い、その後{part}を交換して{t3}に{restored}。",
		),
		measures: P(
			"{part}の予防保全として交換周期を{review}。",
			"{standby}への切替え機能を定期的に試験する。",
			"予備品の配備拠点を増やし、交換作業の時間を短縮する。",
			"同型装置の{part}を点検し、劣化の兆候があるものを交換した。",
		),
	},
	{
		id: "storage_failure", class: "equipment", archetype: "hardware_failure", weight: 3,
		equipment: []string{"server"},
		kinds:     []opKind{kISP, kCable, kLongDistance, kFree, kMNO, kRegional},
		services:  []cf.Service{svcOther, svcFree},
		degrade:   0.25,
		slots: map[string]pool{
			"array":  P("メール格納用のストレージ装置", "RAID構成のディスクアレイ", "分散ストレージ"),
			"second": P("再構築中に別のディスクも故障し", "ストレージのコントローラが故障し", "ファームウェアの不具合で再構築が停止し"),
			"lost":   P("受信したメールの一部が消失した", "過去のメールが閲覧できなくなった", "メールの送受信が停止した"),
			"event":  P("ストレージ装置の{fault}", "ディスクの多重故障", "メール格納領域の{fault}"),
		},
		cause: P(
			"{array}でディスク[2|3]台が{broke_te}、RAIDの再構築を行っていたところ、{second}、データを読み出せなくなった。{thus}{lost}。",
			"{array}のディスクが{broke}後、{second}たため冗長性が失われ、{lost}。ディスクの交換時期の管理が不十分であった。",
		),
		develop: P(
			"{t0}、{array}の{alarm}を{noticed}。{t1}にはメールの送受信ができない状態となった。",
			"{t0}頃、{array}の応答が遅延し始め、{t1}に停止した。",
		),
		recover: P(
			"{t2}、バックアップからのデータの復元を開始した。容量が大きく復元に時間を要し、{t3}に{restored}。",
			"{t2}、予備のストレージへ切り替えてサービスを再開し、{t3}までに過去のメールを{gradually}復元した。",
		),
		measures: P(
			"ディスクの交換周期を見直し、再構築中の多重故障に備えた構成とする。",
			"バックアップからの復元時間を短縮するため、復元手順と設備を{review}。",
			"ストレージの冗長構成を見直し、別筐体への複製を{introduce}。",
		),
	},
	{
		id: "server_overload", class: "equipment", archetype: "capacity", weight: 4,
		equipment: []string{"server"},
		kinds:     []opKind{kISP, kFixed, kLongDistance, kCable, kMNO, kRegional, kFree},
		services:  []cf.Service{svcNet, svcOther, svcFree},
		degrade:   0.5, wide: 0.3, nearMiss: []string{"capacity_exceeded/internal/data"},
		slots: map[string]pool{
			"surge": P("特定のドメインへの問合せの急増", "不正な形式の問合せの増加", "ソフトウェア更新に伴う端末からの一斉アクセス",
				"上位サーバの応答遅延による再問合せの増加", "キャッシュの一斉失効"),
			"event": P("名前解決の{fault}", "サーバの過負荷"),
		},
		cause: P(
			"{surge}により{device}の処理能力を超過し、応答ができなくなった。処理しきれない要求が再送され、負荷がさらに高まった。",
			"{device}に{surge}が{happen}、処理が滞留した。負荷分散の設定が一部のサーバに偏っていたため、特定のサーバに処理が集中した。",
		),
		develop: P(
			"{t0}頃から{surge}が始まり、{t1}に{device}の応答率が大きく低下した。",
			"{t0}、{device}のCPU使用率の{alarm}を{noticed}。",
		),
		recover: P(
			"{t2}、問合せの流量制限を設定するとともにサーバを増設し、{t3}に{restored}。",
			"{t2}、負荷分散の設定を見直して処理を分散させ、{t3}に{restored}。",
		),
		measures: P(
			"処理能力に余裕を持たせるため{device}を増設した。",
			"異常な問合せの急増を検知する監視を追加し、流量制限を自動で適用する仕組みを{introduce}。",
			"負荷分散の設定を定期的に点検する。",
		),
	},
	{
		id: "capacity_shortage", class: "equipment", archetype: "capacity", weight: 4,
		equipment: []string{"router", "transmission", "mobile_core", "base_station"},
		kinds:     []opKind{kMNO, kISP, kMVNO, kCable, kFixed, kRegional},
		services:  []cf.Service{svcNet},
		degrade:   0.9, wide: 0.3,
		slots: map[string]pool{
			"growth": P("動画配信の利用増加", "在宅勤務の拡大による通信量の増加", "大型アップデートの配信", "新料金プランの開始に伴う利用者の増加"),
			"event":  P("通信量の増加による帯域不足", "設備容量の不足", "ピーク時間帯の輻輳"),
		},
		cause: P(
			"{growth}により通信量が想定を上回って増加し、{device}の帯域が不足した。需要予測に基づく設備増強の計画が実態に追いついていなかった。",
			"{growth}で夜間のピーク時間帯の通信量が設備容量を超え、{device}でパケットの廃棄が{happened}。容量の監視は月単位で行っており、急増を捉えられなかった。",
		),
		develop: P(
			"{t0}頃から通信量が増加し、{t1}にかけて{area}で{effect}。",
			"{t0}、{device}の使用率が[90|95|98]%を超え、通信速度が低下した。",
		),
		recover: P(
			"{t2}、他の経路へ通信を分散させる設定を行い、{t3}に{restored}。",
			"通信量が減少した{t3}に{restored}。その後、{device}を増設した。",
		),
		measures: P(
			"通信量の監視を日単位に改め、急増時に設備を前倒しで増強する。",
			"需要予測の方法を見直し、設備容量に余裕を持たせた。",
			"{device}を増設し、帯域を{strength}。",
		),
	},
	{
		id: "cooling_failure", class: "equipment", archetype: "hardware_failure", weight: 2,
		equipment: []string{"other", "router", "server", "switching"},
		kinds:     []opKind{kMNO, kFixed, kLongDistance, kISP, kCable, kRegional, kFree},
		services:  []cf.Service{svcVoiceE, svcNet, svcOther, svcFree},
		degrade:   0.1,
		slots: map[string]pool{
			"aircon": P("空調機の圧縮機", "空調設備の制御盤", "冷却水のポンプ", "外気導入の制御装置"),
			"heat":   P("室温が[40|45|50]度を超え", "装置の吸気温度が上限を超え", "機器室の温度が急上昇し"),
			"event":  P("空調設備の{fault}による温度上昇", "機器室の温度上昇", "空調の停止"),
		},
		cause: P(
			"{site}の{aircon}が{broke_te}、{heat}、{device}が温度保護機能により自動停止した。空調の冗長系も保守中で停止していた。",
			"{aircon}の{fault}で機器室の冷却ができなくなり、{heat}たため{device}が停止した。温度の監視警報の閾値が高く設定されており、検知が遅れた。",
		),
		develop: P(
			"{t0}頃、{aircon}が停止し、{t1}に{device}が温度上昇により停止した。",
		),
		recover: P(
			"{t2}、仮設の送風機を設置して温度を下げ、{device}を{restart}して{t3}に{restored}。",
			"空調を応急修理したのち装置を{gradually}起動し、{t3}に{restored}。",
		),
		measures: P(
			"空調設備の保守時には代替の冷却手段を確保する手順とした。",
			"温度警報の閾値を見直し、早期に検知できるようにした。",
			"空調設備を冗長化し、単一の故障で冷却が止まらない構成とする。",
		),
	},
	{
		id: "timing_sync_failure", class: "equipment", archetype: "hardware_failure", weight: 1.5,
		equipment: []string{"other", "base_station", "transmission"},
		kinds:     []opKind{kMNO, kFixed, kRegional},
		services:  []cf.Service{svcVoiceE, svcNet},
		degrade:   0.4, wide: 0.2,
		slots: map[string]pool{
			"sync":  P("GPS受信機", "時刻同期装置", "クロック供給装置"),
			"event": P("時刻同期の{fault}", "{sync}の{fault}", "同期信号の喪失"),
		},
		cause: P(
			"{sync}が{broke_te}、{device}へ同期信号が供給されなくなった。{device}は同期外れを検知して電波の発射を停止した。",
			"{sync}のソフトウェアが特定の日付の処理を誤り、誤った時刻を配信したため、接続する{device}が{count}局にわたり停止した。",
		),
		develop: P(
			"{t0}、{area}の{device}で同期外れの{alarm}が一斉に発報された。",
		),
		recover: P(
			"{t2}、{sync}を予備機に切り替え、{device}を順次再起動して{t3}に{restored}。",
		),
		measures: P(
			"{sync}を冗長化し、異なる方式の同期源を確保する。",
			"時刻配信の異常を検知して自動で切り離す機能を{introduce}。",
		),
	},
	{
		id: "firmware_update", class: "equipment", archetype: "software_bug", weight: 4,
		equipment: []string{"base_station", "access_line", "router", "remote_terminal", "dslam"},
		kinds:     []opKind{kMNO, kFixed, kCable, kISP, kRegional, kLPWA},
		services:  []cf.Service{svcVoiceE, svcNet, svcLPWA},
		degrade:   0.25, night: true, nearMiss: []string{"wrong_config_or_software"},
		slots: map[string]pool{
			"fw":    P("ファームウェア", "制御ソフトウェア", "装置のソフトウェア"),
			"issue": P("特定の機種の端末と接続できない", "再起動後に設定が初期化される", "一定時間後に通信が停止する", "上位装置との認証に失敗する"),
			"event": P("{fw}の更新後の{bug}", "{fw}更新に伴う{bug}", "更新した{fw}の{bug}"),
		},
		cause: P(
			"{device}の{fw}を{ver}へ更新したところ、{fw}に{issue}{bug}があった。検証環境では本番と同じ条件での試験が行われておらず、{bug}を事前に発見できなかった。",
			"{fw}の更新で混入した{bug}により、更新後の{device}が{issue}状態となった。更新は{area}の{count}00台に一斉に適用されていた。",
		),
		develop: P(
			"{t0}から{device}の{fw}の更新作業を開始した。{t1}頃、更新を終えた装置で{issue}事象が多発した。",
		),
		recover: P(
			"{t2}、更新を中止し、更新済みの装置を旧版の{fw}に戻して{t3}に{restored}。",
			"{vendor}から修正版の提供を受けて適用し、{t3}に{restored}。",
		),
		measures: P(
			"{fw}の更新は一部の装置で先行して適用し、問題がないことを確認してから拡大する。",
			"検証環境を本番の構成に近づけ、接続端末の種類を増やして試験する。",
			"更新後の異常を検知した場合に自動で旧版へ戻す仕組みを{introduce}。",
		),
	},
	{
		id: "ring_both_ways", class: "equipment", archetype: "hardware_failure", weight: 3,
		equipment: []string{"transmission", "access_line"},
		kinds:     []opKind{kFixed, kCable, kRegional, kMNO, kLongDistance},
		services:  []cf.Service{svcVoiceE, svcNet, svcOther},
		degrade:   0.05, local: true,
		slots: map[string]pool{
			"first":  P("一方の経路の光ファイバの劣化", "一方の経路の伝送装置の{fault}", "一方の区間の保守工事"),
			"second": P("もう一方の経路でも光ファイバの断線が{happen}", "迂回先の伝送装置も{broke_te}", "迂回経路の設定に誤りがあり"),
			"event":  P("伝送路の二重障害", "リング構成の伝送路の両方向の断", "伝送路の{fault}"),
		},
		cause: P(
			"リング構成の伝送路で{first}により迂回していたところ、{second}、両方向の経路が失われた。",
			"{first}が{happen}ていた状態で{second}、{area}の{device}が孤立した。迂回中の状態を監視する仕組みが不十分であった。",
		),
		develop: P(
			"{t0}、{device}の伝送路断の{alarm}が発報され、{area}で{effect}。",
		),
		recover: P(
			"{t2}、断線区間に仮設のケーブルを敷設し、{t3}に{restored}。",
			"{t2}、別の伝送路へ回線を振り替え、{t3}に{restored}。",
		),
		measures: P(
			"迂回状態が続く区間を一覧で把握し、早期に解消する運用とした。",
			"重要な区間の伝送路を三重化する。",
			"光ファイバの劣化を監視する装置を{introduce}。",
		),
	},
	{
		id: "non_telecom_system", class: "equipment", archetype: "software_bug", weight: 1.5, quarterlyOnly: true,
		equipment: []string{"non_telecom_system"},
		kinds:     []opKind{kMNO, kMVNO, kFixed},
		services:  []cf.Service{svcVoiceE, svcNet},
		slots: map[string]pool{
			"proc":  P("新規契約の開通処理", "番号ポータビリティの転入処理", "SIMカードの再発行処理", "契約変更の反映処理"),
			"event": P("{proc}の停止"),
		},
		cause: P(
			"{device}（電気通信設備以外のシステム）の{bug}により{proc}が停止し、手続を終えた利用者の回線が利用できない状態となった。",
			"{device}のデータベースの更新処理が異常終了し、{proc}が行えなくなった。{thus}開通待ちの利用者が通信を利用できなかった。",
		),
		develop: P("{t0}頃、{device}で{proc}の{alarm}が発報された。"),
		recover: P("{t2}、{device}を{restart}し、滞留した処理を{gradually}実行して{t3}に{restored}。"),
		measures: P(
			"{device}の処理の滞留を監視し、早期に検知する。",
			"電気通信設備以外のシステムの障害も影響評価の対象とした。",
		),
	},
	{
		id: "satellite_degradation", class: "equipment", archetype: "hardware_failure", weight: 1,
		equipment: []string{"satellite"},
		kinds:     []opKind{kSatellite, kMNO, kLongDistance},
		services:  []cf.Service{svcNet, svcVoice, svcOther},
		degrade:   0.4, island: true, critical: "satellite", nearMiss: []string{"satellite"},
		slots: map[string]pool{
			"unit":  P("中継器の増幅器", "地球局のアンテナ駆動装置", "変復調装置", "衛星の電源系"),
			"event": P("{unit}の{fault}", "衛星回線の{fault}", "衛星設備の機能低下"),
		},
		cause: P(
			"衛星設備の{unit}が{broke_te}、{island}との衛星回線が途絶した。予備の{unit}への切替えに時間を要した。",
			"{unit}の機能が低下し、{island}向けの衛星回線の品質が大きく低下した。太陽活動の影響も重なった。",
		),
		develop: P("{t0}、{island}向けの衛星回線の{alarm}が発報された。"),
		recover: P("{t2}、予備の{unit}に切り替え、{t3}に{restored}。"),
		measures: P(
			"予備の{unit}への切替え手順を見直し、時間を短縮する。",
			"{island}向けに別の衛星や海底ケーブルを用いた迂回手段を確保する。",
		),
	},
	{
		id: "cause_unknown", class: "equipment", archetype: "unknown", weight: 2,
		equipment: []string{"router", "switching", "base_station", "server", "transmission"},
		kinds:     []opKind{kMNO, kFixed, kISP, kCable, kRegional, kMVNO, kLongDistance},
		services:  []cf.Service{svcVoiceE, svcNet, svcOther},
		degrade:   0.3,
		slots: map[string]pool{
			"event": P("原因不明の通信断"),
		},
		cause: P(
			"{device}が停止したが、ログの解析でも停止の{cause_w}は特定できなかった。{vendor}に調査を依頼している。",
			"{device}で通信が途絶した。{restart}により{restored}が、{cause_w}は現在も調査中である。",
		),
		develop: P("{t0}頃、{device}で通信が途絶した。"),
		recover: P("{t2}、{device}を{restart}し、{t3}に{restored}。"),
		measures: P(
			"{cause_w}が特定されるまでの間、監視を{strength}。",
			"ログの取得項目を増やし、再発時に{cause_w}を特定できるようにした。",
		),
	},
}
