package casegen

import (
	"time"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
)

// opKind is the kind of business an operator runs: it decides the services
// it offers, how many users an accident can reach and which failures it
// suffers.
type opKind int

const (
	kMNO          opKind = iota // mobile network operator
	kFixed                      // regional fixed-line incumbent
	kLongDistance               // long-distance, ISP and enterprise carrier
	kCable                      // cable television operator
	kISP                        // internet service provider
	kMVNO                       // mobile virtual network operator (a wholesale customer)
	kFree                       // free internet service (messaging, mail, SNS)
	kLPWA                       // LPWA / IoT network
	kSatellite                  // satellite or submarine-cable carrier
	kRegional                   // regional carrier (power-company or municipal networks)
)

// operator is one organisation that reports.
type operator struct {
	name string
	kind opKind
	// region lists the prefectures it serves; nil: the whole country.
	region []string
	// maxUsers bounds how many users one accident of it can reach.
	maxUsers int64
	// from is the first day it may report (a business that began later).
	from time.Time
}

func since(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, jpdate.JST) }

// operators are the registry's (configs/organisations.yaml, official
// names) and invented small operators. Names of the invented ones are
// made up; any likeness to a real company is chance.
var operators = operatorsArray[:]

var operatorsArray = [...]operator{
	{name: "東日本電信電話株式会社", kind: kFixed, region: east, maxUsers: 6_000_000},
	{name: "西日本電信電話株式会社", kind: kFixed, region: west, maxUsers: 6_000_000},
	{name: "エヌ・ティ・ティ・コミュニケーションズ株式会社", kind: kLongDistance, maxUsers: 3_000_000},
	{name: "株式会社NTTドコモ", kind: kMNO, maxUsers: 9_000_000},
	{name: "KDDI株式会社", kind: kMNO, maxUsers: 7_000_000},
	{name: "ソフトバンク株式会社", kind: kMNO, maxUsers: 6_000_000},
	{name: "楽天モバイル株式会社", kind: kMNO, maxUsers: 2_500_000, from: since(2019, time.October, 1)},

	{name: "ひばりモバイル株式会社", kind: kMVNO, maxUsers: 900_000},
	{name: "つばめSIM株式会社", kind: kMVNO, maxUsers: 600_000},
	{name: "株式会社かわせみ通信", kind: kMVNO, maxUsers: 400_000},
	{name: "めじろモバイル株式会社", kind: kMVNO, maxUsers: 250_000, from: since(2012, time.April, 1)},
	{name: "こまどりテレコム株式会社", kind: kMVNO, maxUsers: 180_000, from: since(2014, time.April, 1)},
	{name: "株式会社うぐいすワイヤレス", kind: kMVNO, maxUsers: 120_000, from: since(2015, time.April, 1)},
	{name: "せきれいモバイル株式会社", kind: kMVNO, maxUsers: 80_000, from: since(2016, time.April, 1)},

	{name: "株式会社あおばネット", kind: kISP, maxUsers: 700_000},
	{name: "やまなみインターネット株式会社", kind: kISP, maxUsers: 350_000},
	{name: "しおかぜネットワークス株式会社", kind: kISP, maxUsers: 200_000, region: []string{"hiroshima", "okayama", "yamaguchi", "ehime", "kagawa"}},
	{name: "株式会社ことのはISP", kind: kISP, maxUsers: 120_000},
	{name: "株式会社はなみずきネット", kind: kISP, maxUsers: 90_000, region: []string{"aichi", "gifu", "mie", "shizuoka"}},

	{name: "しらかばケーブルテレビ株式会社", kind: kCable, maxUsers: 60_000, region: []string{"hokkaido"}},
	{name: "株式会社みちのくケーブル網", kind: kCable, maxUsers: 45_000, region: []string{"iwate", "miyagi"}},
	{name: "あけぼのケーブルビジョン株式会社", kind: kCable, maxUsers: 80_000, region: []string{"saitama", "gunma"}},
	{name: "株式会社こはくケーブル", kind: kCable, maxUsers: 40_000, region: []string{"niigata"}},
	{name: "るりいろケーブルネット株式会社", kind: kCable, maxUsers: 120_000, region: []string{"tokyo", "kanagawa"}},
	{name: "ささなみケーブルテレビ株式会社", kind: kCable, maxUsers: 35_000, region: []string{"shiga", "kyoto"}},
	{name: "株式会社ほたるケーブル", kind: kCable, maxUsers: 50_000, region: []string{"fukui", "ishikawa"}},
	{name: "やまぶきケーブルメディア株式会社", kind: kCable, maxUsers: 70_000, region: []string{"aichi", "gifu"}},
	{name: "株式会社もえぎケーブル", kind: kCable, maxUsers: 30_000, region: []string{"tottori", "shimane"}},
	{name: "ゆうなぎケーブルテレビ株式会社", kind: kCable, maxUsers: 55_000, region: []string{"ehime", "kochi"}},
	{name: "株式会社あさつゆケーブル", kind: kCable, maxUsers: 90_000, region: []string{"fukuoka", "saga"}},
	{name: "なんぷうケーブルネット株式会社", kind: kCable, maxUsers: 40_000, region: []string{"kagoshima", "miyazaki"}},
	{name: "株式会社うりずんケーブル", kind: kCable, maxUsers: 60_000, region: []string{"okinawa"}},

	{name: "株式会社トークルーム", kind: kFree, maxUsers: 60_000_000},
	{name: "株式会社ポストボックス", kind: kFree, maxUsers: 12_000_000},
	{name: "つながりラボ株式会社", kind: kFree, maxUsers: 8_000_000, from: since(2011, time.April, 1)},
	{name: "株式会社サーチライト", kind: kFree, maxUsers: 20_000_000},
	{name: "株式会社ミエルコール", kind: kFree, maxUsers: 3_000_000, from: since(2016, time.April, 1)},

	{name: "株式会社ひかりセンサーネット", kind: kLPWA, maxUsers: 250_000, from: since(2017, time.April, 1)},
	{name: "ロングレンジIoT株式会社", kind: kLPWA, maxUsers: 120_000, from: since(2018, time.April, 1)},

	{name: "株式会社あまつ衛星通信", kind: kSatellite, maxUsers: 60_000},
	{name: "わだつみ海底ケーブル株式会社", kind: kSatellite, maxUsers: 90_000},

	{name: "みちのく電力テレコム株式会社", kind: kRegional, maxUsers: 400_000, region: []string{"aomori", "iwate", "miyagi", "akita", "yamagata", "fukushima", "niigata"}},
	{name: "中部ひかりネットワーク株式会社", kind: kRegional, maxUsers: 500_000, region: []string{"aichi", "gifu", "mie", "shizuoka", "nagano"}},
	{name: "株式会社せとうち通信", kind: kRegional, maxUsers: 300_000, region: []string{"okayama", "hiroshima", "yamaguchi", "tottori", "shimane"}},
	{name: "九州あおぞら通信株式会社", kind: kRegional, maxUsers: 450_000, region: []string{"fukuoka", "saga", "nagasaki", "kumamoto", "oita", "miyazaki", "kagoshima"}},
	{name: "株式会社ほくりくネット", kind: kRegional, maxUsers: 200_000, region: []string{"toyama", "ishikawa", "fukui"}},
}

// mnos are the four mobile network operators, the wholesale providers of
// MVNOs.
var mnos = []string{"株式会社NTTドコモ", "KDDI株式会社", "ソフトバンク株式会社", "楽天モバイル株式会社"}

// offer is a service an operator offers: its v1 service, how texts name
// it, and what is done with it (calls, messages, use).
type offer struct {
	service caseformat.Service
	names   pool
	verb    string // call | send | use
	unit    caseformat.UserUnit
	// mediates: free_internet only; messaging and mail mediate others'
	// communications, search and SNS feeds do not.
	mediates *bool
	// share of the operator's users a service failure reaches at most.
	share float64
}

var yes, no = true, false

// offers lists the services of each kind of operator.
var offers = map[opKind][]offer{
	kMNO: {
		{service: caseformat.ServiceVoiceEmergency, names: P("携帯電話の音声通話（緊急通報を含む）", "@2014:VoLTEによる音声通話", "携帯電話の音声通話"), verb: "call", share: 1},
		{service: caseformat.ServiceInternetAccess, names: P("データ通信", "モバイルデータ通信", "@2020:4G・5Gのデータ通信", "@2012:LTEのデータ通信", "携帯電話のデータ通信"), verb: "use", share: 1},
		{service: caseformat.ServiceOther, names: P("SMS（ショートメッセージサービス）", "キャリアメール"), verb: "send", share: 0.5},
		{service: caseformat.ServiceLPWA, names: P("LTE-MによるIoT通信", "@2018:NB-IoTによる通信"), verb: "use", unit: caseformat.UnitContracts, share: 0.05},
	},
	kFixed: {
		{service: caseformat.ServiceVoiceEmergency, names: P("加入電話の発着信", "ひかり電話", "固定電話（緊急通報を含む）", "IP電話（0AB-J番号）"), verb: "call", share: 1},
		{service: caseformat.ServiceInternetAccess, names: P("光回線によるインターネット接続", "フレッツ光のインターネット接続", "光ブロードバンドサービス"), verb: "use", share: 1},
		{service: caseformat.ServiceOther, names: P("専用線サービス", "法人向けイーサネットサービス", "IP-VPNサービス"), verb: "use", unit: caseformat.UnitLines, share: 0.1},
	},
	kLongDistance: {
		{service: caseformat.ServiceInternetAccess, names: P("インターネット接続サービス", "法人向けインターネット接続サービス"), verb: "use", share: 1},
		{service: caseformat.ServiceOther, names: P("法人向けVPNサービス", "有料電子メールサービス", "専用線サービス", "国際通信サービス"), verb: "use", share: 0.4},
		{service: caseformat.ServiceVoice, names: P("050番号のIP電話", "国際電話"), verb: "call", share: 0.5},
		{service: caseformat.ServiceVoiceEmergency, names: P("IP電話（0AB-J番号、緊急通報を含む）"), verb: "call", share: 0.4},
	},
	kCable: {
		{service: caseformat.ServiceInternetAccess, names: P("ケーブルインターネット", "インターネット接続サービス"), verb: "use", share: 1},
		{service: caseformat.ServiceVoiceEmergency, names: P("ケーブル電話（緊急通報を含む）", "固定電話サービス"), verb: "call", share: 0.6},
		{service: caseformat.ServiceOther, names: P("有料電子メールサービス", "電子メールサービス"), verb: "send", share: 0.7},
	},
	kISP: {
		{service: caseformat.ServiceInternetAccess, names: P("インターネット接続サービス", "光回線のインターネット接続サービス"), verb: "use", share: 1},
		{service: caseformat.ServiceOther, names: P("有料電子メールサービス", "Webメールサービス", "電子メールサービス"), verb: "send", share: 0.8},
		{service: caseformat.ServiceVoice, names: P("050番号のIP電話"), verb: "call", share: 0.2},
	},
	kMVNO: {
		{service: caseformat.ServiceInternetAccess, names: P("MVNOのデータ通信", "データ通信サービス", "モバイルデータ通信"), verb: "use", share: 1},
		{service: caseformat.ServiceVoiceEmergency, names: P("音声通話（緊急通報を含む）", "携帯電話番号の音声通話"), verb: "call", share: 0.5},
		{service: caseformat.ServiceVoice, names: P("050番号のIP電話アプリ"), verb: "call", share: 0.2},
	},
	kFree: {
		{service: caseformat.ServiceFreeInternet, names: P("無料メッセージサービス", "メッセージアプリのトーク機能"), verb: "send", mediates: &yes, share: 1},
		{service: caseformat.ServiceFreeInternet, names: P("無料電子メールサービス", "フリーメールサービス"), verb: "send", mediates: &yes, share: 1},
		{service: caseformat.ServiceFreeInternet, names: P("SNSの投稿・閲覧", "検索サービス", "クラウドストレージサービス"), verb: "use", mediates: &no, share: 1},
		{service: caseformat.ServiceVoice, names: P("無料音声通話", "アプリによる無料通話"), verb: "call", share: 0.6},
	},
	kLPWA: {
		{service: caseformat.ServiceLPWA, names: P("LPWA通信サービス", "IoT向け通信サービス", "省電力広域通信サービス"), verb: "use", unit: caseformat.UnitContracts, share: 1},
	},
	kSatellite: {
		{service: caseformat.ServiceInternetAccess, names: P("衛星インターネット接続", "島しょ部のインターネット接続"), verb: "use", share: 1},
		{service: caseformat.ServiceVoice, names: P("衛星電話", "島しょ部の国際電話"), verb: "call", share: 0.5},
		{service: caseformat.ServiceOther, names: P("衛星回線による専用線", "海底ケーブル経由の専用線"), verb: "use", unit: caseformat.UnitLines, share: 0.3},
	},
	kRegional: {
		{service: caseformat.ServiceInternetAccess, names: P("光インターネット接続サービス", "インターネット接続サービス"), verb: "use", share: 1},
		{service: caseformat.ServiceVoiceEmergency, names: P("光電話（緊急通報を含む）", "IP電話"), verb: "call", share: 0.6},
		{service: caseformat.ServiceOther, names: P("専用線サービス", "法人向けVPNサービス", "有料電子メールサービス"), verb: "use", share: 0.3},
	},
}

// cloudProviders, contractors and others are the third parties whose
// failure becomes an operator's accident.
var (
	cloudProviders = P("外部のクラウド事業者", "委託先のデータセンター事業者", "業務委託先のクラウド基盤", "海外のクラウドサービス事業者")
	contractors    = P("道路工事の施工業者", "ガス管工事の作業者", "配電線工事の作業者", "下水道工事の施工業者", "他の事業者の工事業者")
)
