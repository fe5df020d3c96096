package casegen

// Words shared by every failure mode: synonyms (chosen anew at every use,
// so two reports of one failure are worded differently), places, and the
// names of equipment.

// synonyms are the pools any template may name; a pick is made per use.
var synonyms = map[string]pool{
	"happened":  P("発生した", "生じた", "発生した"),
	"happen":    P("発生し", "生じ"),
	"unusable":  P("利用できなくなった", "利用できない状態となった", "使用できない状態となった", "利用不可となった"),
	"hard":      P("つながりにくい状態となった", "つながりにくくなった", "利用しづらい状態となった"),
	"found":     P("判明した", "確認された", "明らかになった"),
	"cause_w":   P("原因", "要因"),
	"fault":     P("故障", "障害"),
	"bug":       P("不具合", "バグ", "欠陥"),
	"broke":     P("故障した", "故障した", "損傷した"),
	"broke_te":  P("故障し", "故障し", "損傷し"),
	"vendor":    P("機器ベンダ", "製造ベンダ", "装置メーカ", "保守ベンダ"),
	"because":   P("ため", "ことから"),
	"restored":  P("復旧した", "回復した", "正常化した"),
	"quickly":   P("直ちに", "速やかに", "即座に"),
	"work":      P("工事", "作業"),
	"staff":     P("保守者", "運用担当者", "作業者", "担当者"),
	"thus":      P("その結果、", "このため、", "これにより、"),
	"also":      P("また、", "加えて、", "さらに、"),
	"did":       P("実施した", "行った"),
	"planned":   P("予定である", "計画している", "順次実施する"),
	"enforce":   P("徹底する", "徹底した"),
	"review":    P("見直した", "改めた"),
	"strength":  P("強化した", "強化する", "拡充した"),
	"introduce": P("導入した", "導入する", "導入することとした"),
	"gradually": P("段階的に", "順次", "徐々に"),
	"about":     P("約", "およそ"),
	"alarm":     P("警報", "アラーム", "故障警報"),
	"noticed":   P("検知した", "認知した", "把握した"),
	"center":    P("監視センタ", "ネットワークオペレーションセンタ", "保守センタ", "運用センタ"),
	"standby":   P("予備系", "待機系", "冗長系"),
	"active":    P("現用系", "運用系"),
	"restart":   P("再起動", "リセット", "再立ち上げ"),
	"cut":       P("切り替え", "切替え"),
	"all":       P("全ての", "すべての"),
	"partly":    P("一部の", "一部地域の"),
	"building":  buildings,
}

// sticky synonyms are chosen once per report: a report calls its standby
// 予備系 or 待機系 throughout, not both.
var sticky = map[string]bool{"standby": true, "active": true, "vendor": true, "center": true, "staff": true, "alarm": true}

// cities are one or two places per prefecture, for where a facility stood.
var cities = map[string][]string{
	"hokkaido": {"札幌市", "旭川市"}, "aomori": {"青森市", "八戸市"}, "iwate": {"盛岡市", "一関市"},
	"miyagi": {"仙台市", "石巻市"}, "akita": {"秋田市", "横手市"}, "yamagata": {"山形市", "酒田市"},
	"fukushima": {"郡山市", "いわき市"}, "ibaraki": {"水戸市", "つくば市"}, "tochigi": {"宇都宮市", "小山市"},
	"gunma": {"前橋市", "高崎市"}, "saitama": {"さいたま市", "川越市"}, "chiba": {"千葉市", "船橋市"},
	"tokyo": {"千代田区", "新宿区", "品川区", "多摩市"}, "kanagawa": {"横浜市", "川崎市"}, "niigata": {"新潟市", "長岡市"},
	"toyama": {"富山市", "高岡市"}, "ishikawa": {"金沢市", "小松市"}, "fukui": {"福井市", "敦賀市"},
	"yamanashi": {"甲府市", "富士吉田市"}, "nagano": {"長野市", "松本市"}, "gifu": {"岐阜市", "大垣市"},
	"shizuoka": {"静岡市", "浜松市"}, "aichi": {"名古屋市", "豊田市"}, "mie": {"津市", "四日市市"},
	"shiga": {"大津市", "草津市"}, "kyoto": {"京都市", "福知山市"}, "osaka": {"大阪市", "堺市"},
	"hyogo": {"神戸市", "姫路市"}, "nara": {"奈良市", "橿原市"}, "wakayama": {"和歌山市", "田辺市"},
	"tottori": {"鳥取市", "米子市"}, "shimane": {"松江市", "出雲市"}, "okayama": {"岡山市", "倉敷市"},
	"hiroshima": {"広島市", "福山市"}, "yamaguchi": {"山口市", "下関市"}, "tokushima": {"徳島市", "阿南市"},
	"kagawa": {"高松市", "丸亀市"}, "ehime": {"松山市", "今治市"}, "kochi": {"高知市", "四万十市"},
	"fukuoka": {"福岡市", "北九州市"}, "saga": {"佐賀市", "唐津市"}, "nagasaki": {"長崎市", "佐世保市"},
	"kumamoto": {"熊本市", "八代市"}, "oita": {"大分市", "別府市"}, "miyazaki": {"宮崎市", "都城市"},
	"kagoshima": {"鹿児島市", "奄美市"}, "okinawa": {"那覇市", "石垣市"},
}

// islands are places reached by submarine cable or satellite.
var islands = []struct{ pref, name string }{
	{"tokyo", "伊豆諸島"}, {"tokyo", "小笠原諸島"}, {"nagasaki", "五島列島"}, {"nagasaki", "対馬"},
	{"kagoshima", "奄美群島"}, {"kagoshima", "トカラ列島"}, {"okinawa", "宮古島"}, {"okinawa", "石垣島"},
	{"niigata", "佐渡島"}, {"shimane", "隠岐諸島"}, {"hokkaido", "利尻島"}, {"ehime", "しまなみ地域の島しょ部"},
}

// buildings are where a facility stands.
var buildings = P("通信ビル", "局舎", "交換局", "データセンター", "ネットワークセンター", "収容局", "設備センタ")

// east and west are the prefectures of NTT East's and NTT West's areas.
var (
	east = []string{"hokkaido", "aomori", "iwate", "miyagi", "akita", "yamagata", "fukushima", "ibaraki", "tochigi",
		"gunma", "saitama", "chiba", "tokyo", "kanagawa", "niigata", "yamanashi", "nagano"}
	west = []string{"toyama", "ishikawa", "fukui", "gifu", "shizuoka", "aichi", "mie", "shiga", "kyoto", "osaka", "hyogo",
		"nara", "wakayama", "tottori", "shimane", "okayama", "hiroshima", "yamaguchi", "tokushima", "kagawa", "ehime",
		"kochi", "fukuoka", "saga", "nagasaki", "kumamoto", "oita", "miyazaki", "kagoshima", "okinawa"}
)

// devices are names of the facilities of each equipment type
// (configs/codes.yaml), vendor-neutral; "@2020:" marks one that did not
// exist before that year.
var devices = map[string]pool{
	"base_station":       P("基地局", "無線基地局装置", "屋外型基地局", "@2010:LTE基地局", "@2020:5G基地局"),
	"remote_terminal":    P("遠隔収容装置", "リモート収容装置", "局外収容装置"),
	"dslam":              P("DSLAM", "ADSL収容装置", "VDSL集合装置"),
	"switching":          P("加入者交換機", "中継交換機", "IP電話の呼制御サーバ", "関門交換機", "SIPサーバ"),
	"transmission":       P("光伝送装置", "WDM伝送装置", "中継伝送装置", "多重化装置", "リング型伝送装置"),
	"router":             P("コアルータ", "中継ルータ", "エッジルータ", "集約スイッチ", "網終端装置", "BGPルータ"),
	"server":             P("メールサーバ", "DNSキャッシュサーバ", "認証サーバ", "ロードバランサ", "Webメールサーバ", "メッセージ配信サーバ", "ストレージ装置"),
	"mobile_core":        P("加入者情報管理装置（HSS）", "移動管理装置（MME）", "パケット交換機（P-GW）", "@2014:IMS呼制御装置", "SMSセンタ", "@2020:5Gコア装置（AMF）", "位置登録装置"),
	"access_line":        P("光加入者線終端装置（OLT）", "光ファイバケーブル", "き線ケーブル", "架空ケーブル", "とう道内のケーブル"),
	"submarine_cable":    P("海底ケーブル", "海底中継器", "陸揚局の端局装置"),
	"satellite":          P("通信衛星", "衛星地球局設備", "衛星回線の変復調装置", "衛星追跡管制設備"),
	"power":              P("整流装置", "無停電電源装置（UPS）", "蓄電池設備", "非常用発電機", "受変電設備"),
	"virtualisation":     P("仮想化基盤（NFVI）", "仮想化基盤上の仮想EPC", "仮想化基盤の管理システム", "@2019:コンテナ基盤"),
	"cloud":              P("外部クラウドサービス上のサーバ群", "委託先データセンターの仮想サーバ", "クラウド上の認証基盤"),
	"operations_system":  P("網管理システム", "設定投入自動化ツール", "サービスオーダシステム", "ネットワーク監視システム"),
	"non_telecom_system": P("加入者登録システム", "番号ポータビリティ管理システム", "顧客管理システム", "開通処理システム"),
	"other":              P("局舎空調設備", "時刻同期装置（GPS受信機）", "監視装置", "課金装置"),
}

// owners are the kinds of operator that own an equipment type, where not
// every kind does: a cable operator has no LTE base station.
var owners = map[string][]opKind{
	"base_station":    {kMNO, kLPWA},
	"remote_terminal": {kFixed, kRegional},
	"dslam":           {kFixed, kRegional, kISP},
	"mobile_core":     {kMNO, kMVNO},
	"submarine_cable": {kSatellite, kLongDistance, kFixed, kMNO},
	"satellite":       {kSatellite, kMNO, kLongDistance},
	"virtualisation":  {kMNO, kLongDistance, kFixed, kFree},
	"switching":       {kFixed, kLongDistance, kCable, kRegional, kMNO, kISP},
}

// modelPrefixes are invented model series per equipment type: no vendor
// is named, as anonymised reports name none.
var modelPrefixes = map[string][]string{
	"base_station":       {"BTS-", "RBS-", "eNB-", "gNB-"},
	"remote_terminal":    {"RT-", "RSU-", "OTU-"},
	"dslam":              {"DSL-", "VDX-", "AMX-"},
	"switching":          {"VSX-", "KSX-", "SCX-", "SIP-"},
	"transmission":       {"OTN-", "WDX-", "TRX-", "SDX-"},
	"router":             {"NXR-", "CRX-", "TRS-", "ERX-", "AGX-"},
	"server":             {"MSV-", "DNX-", "LBX-", "AUX-", "STX-"},
	"mobile_core":        {"MCX-", "vHSS-", "vMME-", "PGX-", "IMX-"},
	"access_line":        {"OLT-", "ONX-", "FTX-"},
	"submarine_cable":    {"SLT-", "SCR-", "RPT-"},
	"satellite":          {"SAT-", "VSX-", "MDX-"},
	"power":              {"RPS-", "UPX-", "BTX-", "GEN-"},
	"virtualisation":     {"NFV-", "VIM-", "CNX-"},
	"cloud":              {"CLD-", "VMX-"},
	"operations_system":  {"OSS-", "NMX-", "AUTO-"},
	"non_telecom_system": {"BSS-", "MNP-", "CRM-"},
	"other":              {"ACX-", "GPS-", "MON-"},
}

// modelSuffixes end a model name.
var modelSuffixes = []string{"", "", "E", "S", "-II", "X", "/2", "L"}
