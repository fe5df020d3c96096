package redact

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// registry is configs/organisations.yaml as the scanner sees it.
var registry = []Org{
	{Name: "東日本電信電話株式会社", Aliases: []string{"NTT東日本", "NTT East"}},
	{Name: "西日本電信電話株式会社", Aliases: []string{"NTT西日本", "NTT West"}},
	{Name: "エヌ・ティ・ティ・コミュニケーションズ株式会社", Aliases: []string{"NTTコミュニケーションズ", "NTT Com", "NTTコム"}},
	{Name: "株式会社NTTドコモ", Aliases: []string{"NTTドコモ", "ドコモ", "docomo"}},
	{Name: "KDDI株式会社", Aliases: []string{"KDDI", "au"}},
	{Name: "ソフトバンク株式会社", Aliases: []string{"ソフトバンク", "SoftBank"}},
	{Name: "楽天モバイル株式会社", Aliases: []string{"楽天モバイル", "Rakuten Mobile"}},
}

const (
	docomo   = "株式会社NTTドコモ"
	kddi     = "KDDI株式会社"
	east     = "東日本電信電話株式会社"
	nttcom   = "エヌ・ティ・ティ・コミュニケーションズ株式会社"
	softbank = "ソフトバンク株式会社"
	rakuten  = "楽天モバイル株式会社"
)

// realRules is configs/anonymise.yaml, read from disk.
func realRules(t *testing.T) *Rules {
	t.Helper()
	data, err := os.ReadFile("../../configs/anonymise.yaml")
	require.NoError(t, err)
	r, err := ParseRules(data)
	require.NoError(t, err)
	return r
}

func scanner(t *testing.T) *Scanner {
	t.Helper()
	return NewScanner(registry, realRules(t))
}

// found writes leaks compactly: kind:text(org).
func found(leaks []Leak) []string {
	out := []string{}
	for _, l := range leaks {
		s := l.Kind + ":" + l.Text
		if l.Org != "" {
			s += "(" + l.Org + ")"
		}
		out = append(out, s)
	}
	return out
}

// checkInvariants asserts what every result promises: each span is the
// original text, spans are sorted and do not overlap.
func checkInvariants(t *testing.T, text string, leaks []Leak) {
	t.Helper()
	end := 0
	for _, l := range leaks {
		require.LessOrEqual(t, end, l.Start, "sorted, non-overlapping: %+v", leaks)
		require.Less(t, l.Start, l.End)
		require.LessOrEqual(t, l.End, len(text))
		assert.Equal(t, text[l.Start:l.End], l.Text)
		end = l.End
	}
}

func TestRealRulesFile(t *testing.T) {
	r := realRules(t)

	// The registry the brands point at is the real one.
	data, err := os.ReadFile("../../configs/organisations.yaml")
	require.NoError(t, err)
	var reg struct {
		Organisations []struct {
			Name       string   `yaml:"name"`
			NameEN     string   `yaml:"name_en"`
			Designated bool     `yaml:"designated"`
			Aliases    []string `yaml:"aliases"`
		} `yaml:"organisations"`
	}
	require.NoError(t, yaml.Unmarshal(data, &reg))
	var orgs []Org
	for _, o := range reg.Organisations {
		orgs = append(orgs, Org{Name: o.Name, Aliases: append(o.Aliases, o.NameEN)})
	}
	require.NoError(t, r.Check(orgs))
	require.NoError(t, r.Check(registry))

	assert.Len(t, r.Prefectures, 46, "47 prefectures less 北海道, which is kept as a region")
	assert.NotContains(t, r.Prefectures, "北海道")
	for _, region := range []string{"北海道", "関東", "東北", "近畿", "中国", "四国", "九州", "沖縄", "中部", "北陸", "東海", "関西"} {
		assert.Contains(t, r.Regions, region)
	}
	for brand, org := range map[string]string{
		"au": kddi, "UQ mobile": kddi, "povo": kddi,
		"ahamo": docomo, "dアカウント": docomo,
		"フレッツ": east, "フレッツ光": east,
		"OCN": nttcom, "ぷらら": nttcom,
		"Y!mobile": softbank, "ワイモバイル": softbank, "LINEMO": softbank,
		"楽天モバイル": rakuten, "Rakuten UN-LIMIT": rakuten,
	} {
		assert.Equal(t, org, r.Brands[brand], brand)
	}
}

func TestScanNames(t *testing.T) {
	s := scanner(t)
	tests := []struct {
		name, text string
		want       []string
	}{
		// width and case
		{"full-width", "ＫＤＤＩの障害", []string{"organisation:ＫＤＤＩ(" + kddi + ")"}},
		{"lower case", "kddiの障害", []string{"organisation:kddi(" + kddi + ")"}},
		{"full-width lower", "ｄｏｃｏｍｏ回線", []string{"organisation:ｄｏｃｏｍｏ(" + docomo + ")"}},
		{"upper case alias", "DOCOMO回線", []string{"organisation:DOCOMO(" + docomo + ")"}},
		{"half-width katakana", "ﾄﾞｺﾓの基地局", []string{"organisation:ﾄﾞｺﾓ(" + docomo + ")"}},
		{"full-width brand", "ａｈａｍｏ利用者", []string{"brand:ａｈａｍｏ(" + docomo + ")"}},
		// spaces inside names
		{"space in Japanese name", "NTT ドコモの設備", []string{"organisation:NTT ドコモ(" + docomo + ")"}},
		{"no space where the alias has one", "NTTEastの設備", []string{"organisation:NTTEast(" + east + ")"}},
		{"two spaces", "NTT  East", []string{"organisation:NTT  East(" + east + ")"}},
		{"ideographic space", "ＮＴＴ　Ｅａｓｔ", []string{"organisation:ＮＴＴ　Ｅａｓｔ(" + east + ")"}},
		{"brand without its space", "UQmobileの利用者", []string{"brand:UQmobile(" + kddi + ")"}},
		{"zero-width space", "ド\u200bコモ", []string{"organisation:ド\u200bコモ(" + docomo + ")"}},
		// Latin words
		{"au not in audit", "audit of the network", nil},
		{"au not in Australia", "Australia", nil},
		{"au not in full-width audit", "ａｕｄｉｔ", nil},
		{"au not after a letter", "beau", nil},
		{"au alone", "the au network", []string{"brand:au(" + kddi + ")"}},
		{"au before kana", "auひかり", []string{"brand:au(" + kddi + ")"}},
		{"au in brackets", "（au）", []string{"brand:au(" + kddi + ")"}},
		{"au before a digit", "au5G", nil},
		{"KDDI before kanji", "KDDI社", []string{"organisation:KDDI(" + kddi + ")"}},
		{"KDDI in full-width brackets", "（KDDI）", []string{"organisation:KDDI(" + kddi + ")"}},
		{"KDDI inside a word", "XKDDI and KDDIX", nil},
		{"docomo before a digit", "docomo5G", nil},
		{"povo", "povoの契約", []string{"brand:povo(" + kddi + ")"}},
		{"povo before a digit needs its own entry", "povo2.0の契約", []string{"brand:povo2.0(" + kddi + ")"}},
		{"LINE is not LINEMO", "LINEで連絡", nil},
		{"LINEMO", "LINEMOの契約者", []string{"brand:LINEMO(" + softbank + ")"}},
		{"OCN not in a word", "OCNX", nil},
		// Japanese names are substrings
		{"Japanese inside a word", "旧ドコモショップ", []string{"organisation:ドコモ(" + docomo + ")"}},
		{"ぷらら", "ぷららの会員", []string{"brand:ぷらら(" + nttcom + ")"}},
		{"dアカウント", "dアカウントの認証", []string{"brand:dアカウント(" + docomo + ")"}},
		{"Y!mobile", "Ｙ！ｍｏｂｉｌｅ", []string{"brand:Ｙ！ｍｏｂｉｌｅ(" + softbank + ")"}},
		{"ワイモバイル half-width", "ﾜｲﾓﾊﾞｲﾙ", []string{"brand:ﾜｲﾓﾊﾞｲﾙ(" + softbank + ")"}},
		{"Rakuten UN-LIMIT", "Rakuten UN-LIMIT VII", []string{"brand:Rakuten UN-LIMIT(" + rakuten + ")"}},
		// longest match
		{"full name over alias", "株式会社NTTドコモの", []string{"organisation:株式会社NTTドコモ(" + docomo + ")"}},
		{"alias over shorter alias", "NTTドコモの", []string{"organisation:NTTドコモ(" + docomo + ")"}},
		{"shortest alone", "ドコモの", []string{"organisation:ドコモ(" + docomo + ")"}},
		{"フレッツ光 over フレッツ", "フレッツ光ネクスト", []string{"brand:フレッツ光(" + east + ")"}},
		{"楽天モバイル株式会社 over brand", "楽天モバイル株式会社は", []string{"organisation:楽天モバイル株式会社(" + rakuten + ")"}},
		{"NTTコミュニケーションズ over NTTコム", "NTTコミュニケーションズ", []string{"organisation:NTTコミュニケーションズ(" + nttcom + ")"}},
		// a brand spelt like an alias is reported as a brand
		{"brand over alias", "楽天モバイルの", []string{"brand:楽天モバイル(" + rakuten + ")"}},
		// several, in order
		{"several", "auとソフトバンクとNTT西日本", []string{
			"brand:au(" + kddi + ")", "organisation:ソフトバンク(" + softbank + ")", "organisation:NTT西日本(西日本電信電話株式会社)"}},
		// nothing
		{"regions and generic terms", "関東地方の5G基地局とLTE網", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Scan(tt.text)
			checkInvariants(t, tt.text, got)
			want := tt.want
			if want == nil {
				want = []string{}
			}
			assert.Equal(t, want, found(got))
		})
	}
}

func TestScanIgnoresPlacesAndEquipment(t *testing.T) {
	s := scanner(t)
	assert.Empty(t, s.Scan("東京都千代田区のASR9922"))
	// An identifier that contains a name is equipment for ScanAll, but the
	// gate still sees the name.
	text := "ルータdocomo-rt01が停止"
	assert.Equal(t, []string{"organisation:docomo(" + docomo + ")"}, found(s.Scan(text)))
	assert.Equal(t, []string{"equipment:docomo-rt01"}, found(s.ScanAll(text)))
}

func TestOffsetsMapToOriginal(t *testing.T) {
	s := scanner(t)
	tests := []struct {
		text  string
		spans []string // expected Text of each finding, in order
	}{
		{"障害：ＫＤＤＩ（ａｕ）。", []string{"ＫＤＤＩ", "ａｕ"}},
		{"ﾄﾞｺﾓとｿﾌﾄﾊﾞﾝｸ", []string{"ﾄﾞｺﾓ", "ｿﾌﾄﾊﾞﾝｸ"}},
		// ㍿ is one character that NFKC turns into four.
		{"㍿ＮＴＴドコモの", []string{"㍿ＮＴＴドコモ"}},
		{"ＮＴＴ　ドコモ及びＮＴＴ　Ｃｏｍ", []string{"ＮＴＴ　ドコモ", "ＮＴＴ　Ｃｏｍ"}},
		{"\xffドコモ\xfe", []string{"ドコモ"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := s.Scan(tt.text)
			checkInvariants(t, tt.text, got)
			var texts []string
			for _, l := range got {
				texts = append(texts, l.Text)
			}
			assert.Equal(t, tt.spans, texts)
		})
	}

	// Byte offsets, exactly.
	text := "ＡＢ ＫＤＤＩ"
	got := s.Scan(text)
	require.Len(t, got, 1)
	assert.Equal(t, Leak{Start: 7, End: len(text), Text: "ＫＤＤＩ", Kind: KindOrganisation, Org: kddi}, got[0])

	// Full-width places and equipment too.
	text = "ＡＳＲ９９２２を東京都で"
	assert.Equal(t, []string{"equipment:ＡＳＲ９９２２", "place:東京都"}, found(s.ScanAll(text)))
	checkInvariants(t, text, s.ScanAll(text))
}

func TestScanAllPlaces(t *testing.T) {
	s := scanner(t)
	tests := []struct {
		name, text string
		want       []string
	}{
		{"prefecture", "東京都で", []string{"東京都"}},
		{"prefecture ward block", "東京都千代田区大手町ビル", []string{"東京都", "千代田区", "大手町"}},
		{"another prefecture", "沖縄県那覇市", []string{"沖縄県", "那覇市"}},
		{"city", "札幌市の", []string{"札幌市"}},
		{"ward after city", "名古屋市中村区で", []string{"名古屋市", "中村区"}},
		{"prefecture then city", "大阪府大阪市北区", []string{"大阪府", "大阪市", "北区"}},
		{"county and town", "長野県北佐久郡軽井沢町", []string{"長野県", "北佐久郡", "軽井沢町"}},
		{"village", "の白川村", []string{"白川村"}},
		{"katakana", "南アルプス市", []string{"南アルプス市"}},
		{"particle is not part of the name", "設定誤りがあり港区で", []string{"港区"}},
		{"hiragana city from the list", "さいたま市内", []string{"さいたま市"}},
		{"bare big city", "東京と大阪の拠点", []string{"東京", "大阪"}},
		{"name ending in 市", "四日市市で", []string{"四日市市"}},
		{"京都市 despite 都市", "京都市の", []string{"京都市"}},
		{"市内 follows a name", "横浜市内", []string{"横浜市"}},
		{"at most five characters of name", "中継設備設置場所大手町", []string{"置場所大手町"}},
		{"name containing a suffix", "中村区と町田市と大町市", []string{"中村区", "町田市", "大町市"}},
		// regions are kept
		{"北海道 is a region", "北海道全域", nil},
		{"北海道 kept before a city", "北海道札幌市中央区", []string{"札幌市", "中央区"}},
		{"regions", "関東、東北、近畿、中国、四国、九州、沖縄、中部、北陸、東海、関西", nil},
		{"region inside a city name", "北九州市", []string{"北九州市"}},
		{"region as a whole name", "東海村", []string{"東海村"}},
		{"region before the name", "四国中央市", []string{"中央市"}},
		// stop words
		{"都市", "大都市部", nil},
		{"地区", "一部地区で", nil},
		{"区間", "故障区間の特定", nil},
		{"区域", "サービス提供区域", nil},
		{"市場", "通信市場", nil},
		{"市町村", "全国の市町村", nil},
		{"市区町村", "市区町村単位", nil},
		{"各市", "各市の", nil},
		{"同市", "同市内", nil},
		{"市内 alone", "市内通話", nil},
		{"no name before the suffix", "。市の", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.ScanAll(tt.text)
			checkInvariants(t, tt.text, got)
			var texts []string
			for _, l := range got {
				assert.Equal(t, KindPlace, l.Kind)
				assert.Empty(t, l.Org)
				texts = append(texts, l.Text)
			}
			assert.Equal(t, tt.want, texts)
		})
	}
}

func TestScanAllEquipment(t *testing.T) {
	s := scanner(t)
	yes := []string{
		"ASR9922", "MX960", "NE40E-X8", "tky-core-rt01", "GW-3", "gw_03", "Gi0/0/1",
		"192.168.0.1", "10.0.0.0/8", "198.51.100.7:5060", "rt01.tky.example.jp", "2001:db8::1",
		"ＡＳＲ９９２２", "ASR9922/MX960",
	}
	for _, tok := range yes {
		t.Run("yes "+tok, func(t *testing.T) {
			text := "設備" + tok + "で"
			got := s.ScanAll(text)
			checkInvariants(t, text, got)
			assert.Equal(t, []string{"equipment:" + tok}, found(got))
		})
	}
	// Trailing punctuation is not part of the identifier.
	assert.Equal(t, []string{"equipment:MX960"}, found(s.ScanAll("the MX960.")))
	assert.Equal(t, []string{"equipment:MX960"}, found(s.ScanAll("(MX960)")))

	no := []string{
		"IPv4", "IPv6", "ipv6", "ＩＰｖ６", "5G", "4G", "3G", "LTE", "VoLTE", "5GC", "B2B", "P2P",
		"24h", "1Gbps", "10Gbps", "100Mbps", "64kbps", "50ms", "30min", "2TB", "1.5ms", "100GE",
		"2023-07-22", "2023/07/22", "10:30", "10:30:15", "1.2.3",
		"3G/4G/5G", "1Gbps/10Gbps", "IPv4/IPv6", "LTE/5G",
		"FY2023", "No.3", "Ver.2.1", "Phase2", "3rd",
		"A1", "ABC", "123", "-", "...",
	}
	for _, tok := range no {
		t.Run("no "+tok, func(t *testing.T) {
			assert.Empty(t, s.ScanAll("設備"+tok+"で"))
		})
	}
}

func TestLongestMatchAcrossKinds(t *testing.T) {
	s := scanner(t)
	// Equipment longer than the name inside it wins in ScanAll.
	assert.Equal(t, []string{"equipment:au-gw01"}, found(s.ScanAll("au-gw01")))
	// A municipality that contains a region wins over the region, which
	// would be kept otherwise.
	assert.Equal(t, []string{"place:北九州市"}, found(s.ScanAll("北九州市")))
	// A brand and an organisation name next to each other stay apart.
	assert.Equal(t, []string{"brand:ahamo(" + docomo + ")", "organisation:ドコモ(" + docomo + ")"},
		found(s.Scan("ahamoとドコモ")))
}

func TestPropose(t *testing.T) {
	s := scanner(t)
	text := "2023年7月、株式会社NTTドコモの東京都千代田区大手町ビルに設置したASR9922ルータ（tky-core-rt01）で設定誤りがあり、ahamoの一部利用者に影響するおそれがあった。関東地方の5G基地局には影響はなかった。"
	got := s.Propose(text)
	assert.Equal(t, "2023年7月、［匿名化］の［匿名化］ビルに設置した［匿名化］ルータ（［匿名化］）で設定誤りがあり、［匿名化］の一部利用者に影響するおそれがあった。関東地方の5G基地局には影響はなかった。", got)
	for _, keep := range []string{"2023年7月", "関東", "5G", "一部利用者"} {
		assert.Contains(t, got, keep)
	}
	for _, gone := range []string{"NTT", "ドコモ", "東京", "千代田", "大手町", "ASR9922", "tky-core-rt01", "ahamo"} {
		assert.NotContains(t, got, gone)
	}
	assert.Empty(t, s.Scan(got))
	assert.Empty(t, s.ScanAll(got))

	// Nothing to hide: the text comes back as it was.
	plain := "関東地方で5G基地局が停止した。"
	assert.Equal(t, plain, s.Propose(plain))
	// A finding at the very start and at the very end.
	assert.Equal(t, Marker+"の"+Marker, s.Propose("KDDIの東京都"))
	assert.Equal(t, "", s.Propose(""))
}

func TestFormatLeaks(t *testing.T) {
	s := scanner(t)
	text := "原因はＫＤＤＩ（au）の設定とドコモ。"
	leaks := s.Scan(text)
	assert.Equal(t, `"ＫＤＤＩ" (organisation KDDI株式会社) at characters 4–7; "au" (brand of KDDI株式会社) at characters 9–10; "ドコモ" (organisation 株式会社NTTドコモ) at characters 16–18`,
		FormatLeaks(text, leaks))

	text = "X東京都のMX960"
	assert.Equal(t, `"東京都" (place) at characters 2–4; "MX960" (equipment identifier) at characters 6–10`,
		FormatLeaks(text, s.ScanAll(text)))
	assert.Equal(t, `"Ｘ" (x) at character 1`, FormatLeaks("Ｘ", []Leak{{Start: 0, End: 3, Text: "Ｘ", Kind: "x"}}))
	assert.Equal(t, "", FormatLeaks(text, nil))
}

func TestParseRules(t *testing.T) {
	valid := `
brands: {au: KDDI株式会社}
regions: [関東]
prefectures: [東京都]
municipality: {suffixes: [市], max_name_runes: 5}
`
	r, err := ParseRules([]byte(valid))
	require.NoError(t, err)
	assert.Equal(t, "KDDI株式会社", r.Brands["au"])

	tests := []struct {
		name, yaml string
		errs       []string // each must appear in the error
	}{
		{"unknown field", valid + "brandz: {}\n", []string{"brandz: field brandz not found", "(line 6)"}},
		{"unknown nested field", strings.Replace(valid, "max_name_runes: 5", "max_name_runes: 5, stopwords: []", 1), []string{"municipality.stopwords: field stopwords not found"}},
		{"wrong type", strings.Replace(valid, "[東京都]", "東京都", 1), []string{"prefectures: cannot unmarshal", "(line 4)"}},
		{"no brands", strings.Replace(valid, "brands: {au: KDDI株式会社}", "", 1), []string{"brands: at least one brand"}},
		{"brand without organisation", strings.Replace(valid, "KDDI株式会社", `""`, 1), []string{`brands["au"]: organisation required`}},
		{"brands equal once normalised", strings.Replace(valid, "{au: KDDI株式会社}", "{UQ mobile: KDDI株式会社, ＵＱｍｏｂｉｌｅ: KDDI株式会社}", 1), []string{"same as brand"}},
		{"prefecture that is a region", strings.Replace(valid, "[東京都]", "[東京都, 関東]", 1), []string{"prefectures[1]", "region"}},
		{"duplicate prefecture", strings.Replace(valid, "[東京都]", "[東京都, 東京都]", 1), []string{"prefectures[1]", "twice"}},
		{"empty region", strings.Replace(valid, "[関東]", `[関東, ""]`, 1), []string{"regions[1]: empty"}},
		{"long suffix", strings.Replace(valid, "[市]", "[市, 市町]", 1), []string{"municipality.suffixes[1]", "one character"}},
		{"max name", strings.Replace(valid, "max_name_runes: 5", "max_name_runes: 0", 1), []string{"municipality.max_name_runes"}},
		{"useless stop word", strings.Replace(valid, "max_name_runes: 5", "max_name_runes: 5, stop_words: [地域]", 1), []string{"municipality.stop_words[0]", "no suffix"}},
		{"unit not letters", valid + "equipment: {units: [G-bps]}\n", []string{"equipment.units[0]", "ASCII letters"}},
		{"several problems at once", strings.Replace(strings.Replace(valid, "[関東]", `[""]`, 1), "max_name_runes: 5", "max_name_runes: 99", 1),
			[]string{"regions[0]: empty", "municipality.max_name_runes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRules([]byte(tt.yaml))
			require.Error(t, err)
			for _, e := range tt.errs {
				assert.Contains(t, err.Error(), e)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	rules := func(brands map[string]string) *Rules { return &Rules{Brands: brands} }
	assert.NoError(t, rules(map[string]string{"au": kddi, "ahamo": docomo}).Check(registry))

	tests := []struct {
		name   string
		brands map[string]string
		want   string
	}{
		{"organisation not in the registry", map[string]string{"povo": "KDDI Corp."}, `brands["povo"]: organisation "KDDI Corp." is not in the registry`},
		{"alias instead of name", map[string]string{"ahamo": "ドコモ"}, `brands["ahamo"]: "ドコモ" is an alias of "株式会社NTTドコモ"; give the registry name`},
		{"other spelling", map[string]string{"ahamo": "株式会社ＮＴＴドコモ"}, `the registry spells the organisation "株式会社NTTドコモ"`},
		{"brand that names another organisation", map[string]string{"ドコモ": kddi}, `brands["ドコモ"]: the brand is a name of "株式会社NTTドコモ" in the registry, not of "KDDI株式会社"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := rules(tt.brands).Check(registry)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestNewScannerWithoutRules(t *testing.T) {
	s := NewScanner([]Org{{Name: "テスト通信株式会社", Aliases: []string{"", "テスト通信", "TC"}}}, nil)
	assert.Equal(t, []string{"organisation:テスト通信(テスト通信株式会社)"}, found(s.Scan("テスト通信の東京都")))
	assert.Empty(t, s.Scan("TCP"))
	assert.Equal(t, []string{"organisation:TC(テスト通信株式会社)", "equipment:MX960"}, found(s.ScanAll("TC MX960")))
}

func TestScannerIsSafeForConcurrentUse(t *testing.T) {
	s := scanner(t)
	text := "株式会社NTTドコモの東京都千代田区大手町ビルに設置したASR9922ルータ"
	want := s.Propose(text)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				x := fmt.Sprintf("%s%d", text, i*j)
				assert.Equal(t, want+fmt.Sprint(i*j), s.Propose(x))
			}
		}()
	}
	wg.Wait()
}

// FuzzScan checks what holds for any text: spans are the original text,
// sorted and apart, and a proposal passes the gate.
func FuzzScan(f *testing.F) {
	for _, seed := range []string{
		"2023年7月、株式会社NTTドコモの東京都千代田区大手町ビルでASR9922が停止",
		"ＫＤＤＩ（ａｕ）とﾄﾞｺﾓ、NTT  East、㍿ＮＴＴドコモ",
		"北海道札幌市中央区と北九州市、四日市市",
		"192.168.0.1 3G/4G/5G au-gw01 docomo5G",
		"\xffド\u200bコモ\xfe",
	} {
		f.Add(seed)
	}
	data, err := os.ReadFile("../../configs/anonymise.yaml")
	if err != nil {
		f.Fatal(err)
	}
	r, err := ParseRules(data)
	if err != nil {
		f.Fatal(err)
	}
	s := NewScanner(registry, r)
	f.Fuzz(func(t *testing.T, text string) {
		checkInvariants(t, text, s.Scan(text))
		checkInvariants(t, text, s.ScanAll(text))
		p := s.Propose(text)
		if leaks := s.Scan(p); len(leaks) > 0 {
			t.Fatalf("Propose(%q) = %q still leaks %s", text, p, FormatLeaks(p, leaks))
		}
	})
}
