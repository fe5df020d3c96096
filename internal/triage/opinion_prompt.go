package triage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/quarterly"
)

// What goes into a prompt, and what never does.
//
// Each text of a case is tagged with the tier of the section it belongs
// to, as casefile decides it (casefile.SectionTier, with the
// secretariat's raises): the overview's summary, services, cause class and
// outline of measures; a near-miss's approved anonymised summary
// (access.Anonymised); the restricted part's cause, detail, measures,
// impact descriptions and equipment type. A quarterly-report row is tier
// access.Quarterly. Only what access.Control.Egress allows for the
// provider is written into the prompt.
//
// The own part (contacts, the responsible persons, the original
// submissions) is never read into a prompt, whatever a policy line says,
// nor are committee notes, and every text that does go is scrubbed of the
// case's contact values, e-mail addresses and telephone numbers, in case
// an operator wrote a name into the detail. Refs do not leave either: the
// prompt calls the candidates C1, C2….

// caseDoc is a stored case with what decides the tier of its parts.
type caseDoc struct {
	rec         *casestore.Record
	ref         access.CaseRef
	raises      map[string]access.Tier
	approved    string
	hasApproved bool
}

func (o *Opinions) loadCase(ctx context.Context, id int64) (*caseDoc, error) {
	db := o.DB.WithContext(ctx)
	rec, err := casestore.Get(db, id)
	if errors.Is(err, casestore.ErrNotFound) {
		return nil, casefile.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	d := &caseDoc{rec: rec, ref: access.NewCaseRef(id, rec.OrgIDs), raises: map[string]access.Tier{}}
	var raises []struct {
		Section string
		Tier    access.Tier
	}
	if err := db.Raw(`SELECT section, tier FROM case_tier_raises WHERE case_id = ?`, id).Scan(&raises).Error; err != nil {
		return nil, err
	}
	for _, r := range raises {
		d.raises[r.Section] = r.Tier
	}
	var approved []string
	if err := db.Raw(`SELECT text FROM near_miss_summaries WHERE case_id = ? AND status = 'approved'`, id).Scan(&approved).Error; err != nil {
		return nil, err
	}
	if len(approved) == 1 {
		d.approved, d.hasApproved = approved[0], true
	}
	return d, nil
}

// tier is the tier of a section of the case (casefile.SectionOverview…).
func (d *caseDoc) tier(section string) access.Tier {
	return casefile.SectionTier(section, d.rec.Case.Kind, d.rec.PublishedAt != nil, d.raises[section])
}

// visibleTo reports whether sub may see any part of the case (as
// casefile's view decides).
func (d *caseDoc) visibleTo(ac *access.Control, sub access.Subject) bool {
	can := func(t access.Tier) bool { return ac.Can(sub, d.ref, t, access.Read) }
	return can(d.tier(casefile.SectionOverview)) || (d.hasApproved && can(access.Anonymised)) ||
		can(d.tier(casefile.SectionRestricted)) || can(d.tier(casefile.SectionOwn)) || can(access.Committee)
}

// quarterlyDoc is a detailed-form row of a quarterly report.
type quarterlyDoc struct {
	ID              int64
	OrganisationID  int64
	FiscalYear      int
	Quarter         int
	Key             string
	EquipmentType   string
	Service         string
	CauseClass      string
	CauseArchetype  string
	Summary         string
	Users           *int64
	DurationMinutes *int64
}

func (o *Opinions) loadQuarterly(ctx context.Context, id int64) (*quarterlyDoc, error) {
	var rows []quarterlyDoc
	if err := o.DB.WithContext(ctx).Raw(`SELECT id, organisation_id, fiscal_year, quarter, key, equipment_type,
		coalesce(service, '') AS service, coalesce(cause_class, '') AS cause_class, coalesce(cause_archetype, '') AS cause_archetype,
		summary, users, duration_minutes FROM quarterly_rows WHERE id = ? AND form = 'detailed'`, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// candDoc is one candidate to compare, loaded.
type candDoc struct {
	label string
	match Match
	c     *caseDoc
	q     *quarterlyDoc
}

// candidates loads the candidates of an Ask, in order, each one a past
// case or quarterly row sub sees (the case itself and repeats are left
// out); any other is an input error naming it.
func (o *Opinions) candidates(ctx context.Context, sub access.Subject, id int64, ms []Match) ([]candDoc, error) {
	var out []candDoc
	seen := map[string]bool{}
	unknown := func(i int) error {
		return &casefile.InputError{Field: fmt.Sprintf("candidates[%d]", i), Code: "candidate.unknown",
			Message: "no such case or quarterly-report row, or one you may not see"}
	}
	for i, m := range ms {
		switch {
		case m.CaseID != 0 && m.QuarterlyRowID != 0:
			return nil, &casefile.InputError{Field: fmt.Sprintf("candidates[%d]", i), Code: "candidate.both",
				Message: "give case_id or quarterly_row_id, not both"}
		case m.CaseID == id:
			continue
		case m.CaseID != 0:
			if seen[fmt.Sprint("c", m.CaseID)] {
				continue
			}
			seen[fmt.Sprint("c", m.CaseID)] = true
			d, err := o.loadCase(ctx, m.CaseID)
			if errors.Is(err, casefile.ErrNotFound) || (err == nil && !d.visibleTo(o.Access, sub)) {
				return nil, unknown(i)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, candDoc{match: m, c: d})
		case m.QuarterlyRowID != 0:
			if seen[fmt.Sprint("q", m.QuarterlyRowID)] {
				continue
			}
			seen[fmt.Sprint("q", m.QuarterlyRowID)] = true
			q, err := o.loadQuarterly(ctx, m.QuarterlyRowID)
			if err != nil {
				return nil, err
			}
			if q == nil || !o.Access.Can(sub, quarterly.Ref(q.OrganisationID), access.Quarterly, access.Read) {
				return nil, unknown(i)
			}
			out = append(out, candDoc{match: m, q: q})
		default:
			return nil, &casefile.InputError{Field: fmt.Sprintf("candidates[%d]", i), Code: "candidate.empty",
				Message: "a candidate names a case_id or a quarterly_row_id"}
		}
	}
	if len(out) > MaxCandidates {
		return nil, &casefile.InputError{Field: "candidates", Code: "candidates.too_many",
			Message: fmt.Sprintf("at most %d candidates (got %d)", MaxCandidates, len(out))}
	}
	for i := range out {
		out[i].label = fmt.Sprintf("C%d", i+1)
	}
	return out, nil
}

// reload loads stored candidates again, as they are now (for the job).
func (o *Opinions) reload(ctx context.Context, stored []storedCandidate) ([]candDoc, error) {
	out := make([]candDoc, 0, len(stored))
	for _, s := range stored {
		cd := candDoc{label: s.Label, match: Match{CaseID: s.CaseID, QuarterlyRowID: s.QuarterlyRowID, Ref: s.Ref, Kind: s.Kind, Score: s.Score}}
		switch {
		case s.CaseID != 0:
			d, err := o.loadCase(ctx, s.CaseID)
			if errors.Is(err, casefile.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			cd.c = d
		case s.QuarterlyRowID != 0:
			q, err := o.loadQuarterly(ctx, s.QuarterlyRowID)
			if err != nil {
				return nil, err
			}
			if q == nil {
				continue
			}
			cd.q = q
		}
		out = append(out, cd)
	}
	return out, nil
}

// candidatesVisible reports whether sub may read the committee part of
// every stored candidate: an opinion's prompt and answer carry text of
// them all.
func (o *Opinions) candidatesVisible(ctx context.Context, sub access.Subject, stored []storedCandidate) (bool, error) {
	var ids []int64
	for _, s := range stored {
		if s.CaseID != 0 {
			ids = append(ids, s.CaseID)
		} else if s.QuarterlyRowID != 0 && !o.Access.Can(sub, quarterly.Ref(s.OrganisationID), access.Quarterly, access.Read) {
			return false, nil
		}
	}
	orgs, err := casestore.OperatorOrgs(o.DB.WithContext(ctx), ids)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if !o.Access.Can(sub, access.NewCaseRef(id, orgs[id]), access.Committee, access.Read) {
			return false, nil
		}
	}
	return true, nil
}

// piece is one text of a document with the tier of its section.
type piece struct {
	tier  access.Tier
	label string
	text  string
}

// maxPiece bounds one text in the prompt (runes).
const maxPiece = 1500

// labels gives Japanese names for the codes of the case format.
type labels struct{ cat *quarterly.Catalog }

func (l labels) of(list quarterly.List, id string) string {
	if c, ok := list.Get(id); ok {
		return c.JA
	}
	return id
}

func (l labels) service(id string) string { return l.of(l.cat.Services, id) }
func (l labels) class(id string) string   { return l.of(l.cat.CauseClasses, id) }
func (l labels) archetype(id string) string {
	return l.of(l.cat.CauseArchetypes, id)
}
func (l labels) equipment(id string) string { return l.of(l.cat.EquipmentTypes, id) }

var kindJA = map[caseformat.Kind]string{
	caseformat.KindAccident: "事故", caseformat.KindNearMiss: "重大な事故が生ずるおそれがあると認められる事態", caseformat.KindInformation: "障害情報",
}

var situationJA = map[string]string{
	"failover_failure": "予備設備への切替え不能", "capacity_exceeded": "容量超過(あらかじめ講じた措置が機能せず)",
	"wrong_config_or_software": "誤った設定・ソフトウェアの投入", "satellite": "衛星の機能低下", "other": "その他",
}

// reportItems are the items of the case's "report" object the prompt may
// use (the equipment type), and the personal ones it must scrub.
type reportItems struct {
	EquipmentType   string `json:"equipment_type"`
	FacilityManager string `json:"facility_manager"`
	ChiefEngineer   string `json:"chief_engineer"`
	Contact         string `json:"contact"`
}

func itemsOf(c *caseformat.Case) reportItems {
	var it reportItems
	if raw, ok := c.Extra["report"]; ok {
		_ = json.Unmarshal(raw, &it)
	}
	return it
}

// casePieces are the texts of a case that could go into a prompt, each
// with its section's tier. Nothing of the own part is here.
func (l labels) casePieces(d *caseDoc) []piece {
	c := &d.rec.Case
	ov, re := d.tier(casefile.SectionOverview), d.tier(casefile.SectionRestricted)
	var out []piece
	add := func(t access.Tier, label, text string) {
		if text = strings.TrimSpace(text); text != "" {
			out = append(out, piece{tier: t, label: label, text: text})
		}
	}
	var services []string
	for _, im := range c.Impacts {
		if s := l.service(string(im.Service)); !slices.Contains(services, s) {
			services = append(services, s)
		}
	}
	head := fmt.Sprintf("%s(%d年度)", kindJA[c.Kind], d.rec.FiscalYear)
	add(ov, "種別", head)
	add(ov, "役務", strings.Join(services, "、"))
	add(ov, "概要", c.Summary)
	if c.Cause != nil {
		add(ov, "原因の区分", l.class(c.Cause.Class))
	}
	add(ov, "措置の概要", outline(c.Measures))
	if d.hasApproved {
		add(access.Anonymised, "種別", head)
		add(access.Anonymised, "匿名化された概要", d.approved)
		if c.NearMiss != nil {
			add(access.Anonymised, "事態の類型", situationJA[c.NearMiss.Situation])
		}
		if c.Cause != nil {
			add(access.Anonymised, "原因の区分・類型", strings.Trim(l.class(c.Cause.Class)+"・"+l.archetype(c.Cause.Archetype), "・"))
		}
	}
	if c.Cause != nil {
		add(re, "原因の類型", l.archetype(c.Cause.Archetype))
		add(re, "発生原因", c.Cause.Text)
	}
	if c.NearMiss != nil {
		add(re, "事態の類型", situationJA[c.NearMiss.Situation])
	}
	add(re, "原因設備", l.equipment(itemsOf(c).EquipmentType))
	add(re, "詳細", c.Detail)
	for _, im := range c.Impacts {
		add(re, "影響("+l.service(string(im.Service))+")", im.Description)
	}
	add(re, "再発防止策", c.Measures)
	return out
}

// quarterlyPieces are a quarterly row's texts, all of tier quarterly.
func (l labels) quarterlyPieces(q *quarterlyDoc) []piece {
	var out []piece
	add := func(label, text string) {
		if text = strings.TrimSpace(text); text != "" {
			out = append(out, piece{tier: access.Quarterly, label: label, text: text})
		}
	}
	add("種別", fmt.Sprintf("四半期報告事故(%d年度第%d四半期)", q.FiscalYear, q.Quarter))
	add("役務", l.service(q.Service))
	add("原因の区分・類型", strings.Trim(l.class(q.CauseClass)+"・"+l.archetype(q.CauseArchetype), "・"))
	add("原因設備", l.equipment(q.EquipmentType))
	add("概要", q.Summary)
	return out
}

// outline is the first sentence of the measures (the overview's outline).
func outline(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "。"); i >= 0 {
		return s[:i+len("。")]
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Personal data: what a prompt must never carry.
var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	phoneRE = regexp.MustCompile(`(?:\+81[-‐－ ]?\d{1,4}|0\d{1,4})[-‐－ ()（）]{1,2}\d{1,4}[-‐－ ()（）]{1,2}\d{3,4}`)
	parenRE = regexp.MustCompile(`[（(][^）)]*[）)]`)
	splitRE = regexp.MustCompile(`[\n/／、,;；]+`)
)

// personalMark replaces personal data in what is sent.
const personalMark = "［個人情報］"

// personalValues are the names, contacts and numbers of a case's own part
// (the contacts text and the report's personal items), to scrub wherever
// they appear.
func personalValues(d *caseDoc) []string {
	var out []string
	add := func(v string) {
		v = strings.TrimSpace(v)
		if utf8.RuneCountInString(v) >= 2 && !slices.Contains(out, v) {
			out = append(out, v)
		}
		if compact := strings.Join(strings.Fields(v), ""); compact != v && utf8.RuneCountInString(compact) >= 2 && !slices.Contains(out, compact) {
			out = append(out, compact)
		}
	}
	for _, seg := range splitRE.Split(d.rec.Contacts, -1) {
		if _, after, ok := strings.Cut(strings.ReplaceAll(seg, "：", ":"), ":"); ok {
			seg = after
		}
		seg = emailRE.ReplaceAllString(phoneRE.ReplaceAllString(parenRE.ReplaceAllString(seg, " "), " "), " ")
		add(seg)
	}
	it := itemsOf(&d.rec.Case)
	for _, v := range []string{it.FacilityManager, it.ChiefEngineer, it.Contact} {
		add(parenRE.ReplaceAllString(v, " "))
	}
	// Longest first, so that a full name goes before a part of it.
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// scrub removes personal data from a text and bounds its length.
func scrub(text string, personal []string) string {
	for _, v := range personal {
		text = strings.ReplaceAll(text, v, personalMark)
	}
	text = emailRE.ReplaceAllString(text, personalMark)
	text = phoneRE.ReplaceAllString(text, personalMark)
	if r := []rune(text); len(r) > maxPiece {
		text = string(r[:maxPiece]) + "…(以下省略)"
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(text, "\n", " ")), " ")
}

// systemPrompt is the instruction sent with every request.
const systemPrompt = `あなたは総務省の電気通信事故検証会議の事務局を補佐する技術分析者です。
「対象事案」と「類似候補」(過去の事案・四半期報告事故)の記述を比べ、次の形のJSONオブジェクトだけを返してください。前後に説明やコードブロックを付けないでください。
{"candidates": [{"id": "C1", "same_failure_mode": "yes|no|unclear", "rationale": "同じ故障モードか否かと、その根拠(日本語で2文以内)"}],
 "whats_new": "対象事案にあって類似候補にない新しい点(日本語で3文以内)",
 "draft_lesson": "事業者一般に当てはまる教訓の案(日本語で1〜2文)"}
candidates には示された候補をすべて、示された id で含めてください。
各行の先頭の [public] [anonymised] [restricted] などは、その記述の機密区分です。示された記述にない事実を推測で補わず、判断できないときは unclear としてください。`

// composed is a prompt built for a provider, and what was held back.
type composed struct {
	system, user string
	sent         []access.Tier
	withheld     []access.Tier
	stored       []storedCandidate
	// nothing: no text of the case itself may go; nothing is sent.
	nothing bool
}

// compose builds the prompt of case subj and its candidates from what the
// egress policy lets provider receive.
func (o *Opinions) compose(provider string, subj *caseDoc, cands []candDoc) composed {
	l := labels{cat: o.codes()}
	personal := personalValues(subj)
	for _, c := range cands {
		if c.c != nil {
			personal = append(personal, personalValues(c.c)...)
		}
	}
	slices.SortFunc(personal, func(a, b string) int { return len(b) - len(a) })
	var p composed
	var sent, withheld []access.Tier
	egress := func(ps []piece) []string {
		texts := make([]access.Text, 0, len(ps))
		for _, x := range ps {
			texts = append(texts, access.Text{Tier: x.tier, Text: fmt.Sprintf("[%s] %s: %s", x.tier, x.label, scrub(x.text, personal))})
		}
		allowed, held := o.Access.Egress(provider, texts)
		withheld = append(withheld, held...)
		lines := make([]string, 0, len(allowed))
		for _, a := range allowed {
			lines = append(lines, a.Text)
			sent = append(sent, a.Tier)
		}
		return lines
	}
	var b strings.Builder
	b.WriteString("# 対象事案\n")
	own := egress(l.casePieces(subj))
	for _, line := range own {
		b.WriteString(line + "\n")
	}
	b.WriteString("\n# 類似候補\n")
	shown := false
	for _, c := range cands {
		var lines []string
		sc := storedCandidate{Label: c.label, CaseID: c.match.CaseID, QuarterlyRowID: c.match.QuarterlyRowID, Score: c.match.Score}
		switch {
		case c.c != nil:
			lines = egress(l.casePieces(c.c))
			sc.Ref, sc.Kind = c.c.rec.Case.Ref, string(c.c.rec.Case.Kind)
		case c.q != nil:
			lines = egress(l.quarterlyPieces(c.q))
			sc.Ref, sc.Kind, sc.OrganisationID = c.q.Key, DocQuarterly, c.q.OrganisationID
		}
		sc.Sent = len(lines) > 0
		p.stored = append(p.stored, sc)
		if !sc.Sent {
			continue
		}
		shown = true
		b.WriteString("\n## " + c.label + "\n")
		for _, line := range lines {
			b.WriteString(line + "\n")
		}
	}
	if !shown {
		b.WriteString("(示せる類似候補はありません。candidates は空の配列とし、対象事案の新しい点と教訓案を答えてください。)\n")
	}
	p.system, p.user = systemPrompt, b.String()
	p.sent, p.withheld = tiersOf(sent), tiersOf(withheld)
	if p.stored == nil {
		p.stored = []storedCandidate{}
	}
	if len(own) == 0 {
		// Nothing of the case may go: the candidates alone say nothing.
		p.nothing, p.system, p.user, p.sent = true, "", "", []access.Tier{}
		for i := range p.stored {
			p.stored[i].Sent = false
		}
	}
	return p
}

// parseAnswer reads the model's answer leniently: the JSON object asked
// for, inside code fences or prose if need be, with the keys a model is
// likely to use instead. ok is false when no such object is there.
func parseAnswer(text string) (rs []rationale, whatsNew, lesson string, ok bool) {
	start, end := strings.Index(text, "{"), strings.LastIndex(text, "}")
	if start < 0 || end <= start {
		return nil, "", "", false
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(text[start:end+1]), &m); err != nil {
		return nil, "", "", false
	}
	pick := func(obj map[string]any, keys ...string) any {
		for _, k := range keys {
			for mk, v := range obj {
				if strings.EqualFold(mk, k) {
					return v
				}
			}
		}
		return nil
	}
	str := func(v any) string {
		switch x := v.(type) {
		case string:
			return strings.TrimSpace(x)
		case []any:
			var parts []string
			for _, e := range x {
				if s, ok := e.(string); ok && strings.TrimSpace(s) != "" {
					parts = append(parts, strings.TrimSpace(s))
				}
			}
			return strings.Join(parts, " ")
		case nil:
			return ""
		}
		return strings.TrimSpace(fmt.Sprint(v))
	}
	whatsNew = str(pick(m, "whats_new", "what_is_new", "what_s_new", "new", "novelty", "新しい点", "新規性"))
	lesson = str(pick(m, "draft_lesson", "lesson", "lessons", "教訓", "教訓案"))
	one := func(label string, obj map[string]any) rationale {
		if label == "" {
			label = str(pick(obj, "id", "label", "candidate", "候補"))
		}
		return rationale{Label: strings.ToUpper(strings.TrimSpace(label)),
			Same: sameOf(pick(obj, "same_failure_mode", "same", "same_mode", "同じ故障モード")),
			Text: str(pick(obj, "rationale", "reason", "explanation", "理由", "根拠"))}
	}
	switch cs := pick(m, "candidates", "rationales", "comparisons", "候補").(type) {
	case []any:
		for _, e := range cs {
			if obj, isObj := e.(map[string]any); isObj {
				rs = append(rs, one("", obj))
			}
		}
	case map[string]any: // keyed by label
		keys := make([]string, 0, len(cs))
		for k := range cs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if obj, isObj := cs[k].(map[string]any); isObj {
				rs = append(rs, one(k, obj))
			}
		}
	}
	rs = slices.DeleteFunc(rs, func(r rationale) bool { return r.Label == "" })
	return rs, whatsNew, lesson, rs != nil || whatsNew != "" || lesson != ""
}

// sameOf reads a judgement of "the same failure mode" as yes, no or unclear.
func sameOf(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case string:
		s := strings.ToLower(strings.TrimSpace(x))
		switch {
		case s == "yes" || s == "true" || s == "same" || strings.HasPrefix(s, "はい") || strings.HasPrefix(s, "同じ") || strings.HasPrefix(s, "同一"):
			return "yes"
		case s == "no" || s == "false" || s == "different" || strings.HasPrefix(s, "いいえ") || strings.HasPrefix(s, "異なる") || strings.HasPrefix(s, "違う"):
			return "no"
		}
	}
	return "unclear"
}
