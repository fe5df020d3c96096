package webui

// The strings of the what-if study's page (/whatif).
func init() {
	addMessages(map[string]msg{
		"nav.whatif": {"基準の比較", "What-if"},

		"whatif.title": {"報告基準の比較（what-if）", "What-if study of the reporting thresholds"},
		"whatif.intro": {"事案データベースのすべての事案を、発生日に施行されていた基準と、選んだ基準（方向性案・海外制度・過去の基準）とで判定し、年度ごとに重大な事故の件数を比べます。件数はすべての事案を数えますが、判定が変わる事案の名前は閲覧できる事案だけを表示します。",
			"Every case of the case base is judged under the thresholds in force on its date and under the rule set you choose (a proposal, a foreign regime, an earlier rule set); the serious accidents are compared fiscal year by fiscal year. The counts include every case; of the cases whose verdict changes, only those you may see are named."},
		"whatif.rules":          {"比較する基準", "Rule set to compare with"},
		"whatif.group.enacted":  {"施行された基準", "Enacted"},
		"whatif.group.proposal": {"見直し案", "Proposals"},
		"whatif.group.foreign":  {"海外制度", "Foreign regimes"},
		"whatif.from":           {"開始年度", "From fiscal year"},
		"whatif.to":             {"終了年度", "To fiscal year"},
		"whatif.service":        {"対象の役務", "Affected service"},
		"whatif.service.all":    {"すべての事案", "Every case"},
		"whatif.service.help":   {"選んだ役務に影響のあった事案だけを数えます（例: 「インターネット接続サービス」で総務省の「データ通信」の行）。", "Counts only the cases with an impact on this service (internet access gives the ministry's \"data services\" line)."},
		"whatif.run":            {"比較する", "Compare"},
		"whatif.err.fix":        {"入力内容を確認してください。", "Please check the fields marked."},

		"whatif.result":        {"%s と施行基準の比較", "%s against the thresholds in force"},
		"whatif.span":          {"%s〜%s（%d年度分）", "%s–%s (%d fiscal years)"},
		"whatif.scope.service": {"「%s」に影響のあった事案", "cases with an impact on %s"},
		"whatif.fy":            {"年度", "Fiscal year"},
		"whatif.cases":         {"判定した事案", "Cases judged"},
		"whatif.in_force":      {"重大な事故（施行基準）", "Serious (in force)"},
		"whatif.under":         {"重大な事故（%s）", "Serious (%s)"},
		"whatif.difference":    {"差（施行基準）", "Difference (in force)"},
		"whatif.added":         {"重大な事故になる事案", "Become serious"},
		"whatif.removed":       {"重大な事故でなくなる事案", "No longer serious"},
		"whatif.total":         {"合計", "Total"},
		"whatif.average":       {"年平均", "Average per year"},
		"whatif.others":        {"閲覧できない事案 %d件", "%d other cases"},
		"whatif.more":          {"ほか閲覧できない事案 %d件", "and %d other cases"},
		"whatif.changed":       {"%d件", "%d"},
		"whatif.none":          {"—", "—"},
		"whatif.download":      {"ダウンロード", "Download"},
		"whatif.json":          {"JSON", "JSON"},
		"whatif.xlsx":          {"Excel（比較表とグラフ）", "Excel (table and chart)"},
		"whatif.note":          {"差の欄は「差（施行基準での件数）」です（例: +2 (3)）。平均は期間の年度数で割り、小数第1位までです。", "The difference column reads \"difference (serious in force)\", e.g. +2 (3). Averages are per fiscal year of the span, to one decimal."},
		"whatif.empty":         {"この期間に事案はありません。", "No case in this span."},

		// The query's problems, by report.InputError code.
		"whatif.rules.required":  {"比較する基準を選んでください。", "Choose a rule set."},
		"whatif.rules.unknown":   {"この基準はありません。一覧から選んでください。", "No such rule set; choose one from the list."},
		"whatif.fy.required":     {"年度を選んでください。", "Choose a fiscal year."},
		"whatif.fy.number":       {"年度は数字（例: 2019）で指定してください。", "A fiscal year is a number, e.g. 2019."},
		"whatif.fy.range":        {"年度は1985年度から2100年度までです。", "Fiscal years run from 1985 to 2100."},
		"whatif.to.before":       {"終了年度が開始年度より前です。", "The last fiscal year is before the first."},
		"whatif.span.long":       {"期間は30年度までです。", "A study spans at most 30 fiscal years."},
		"whatif.service.unknown": {"この役務はありません。一覧から選んでください。", "No such service; choose one from the list."},
	})
}
