package webui

import (
	"fmt"
	"strings"
	"sync"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/deadline"
	"kensho/internal/jpdate"
	"kensho/internal/quarterly"
	"kensho/internal/review"
	"kensho/internal/triage"
)

// What the triage desk, a case's triage page and its panel say alike: the
// rules engine's verdict, the deadline state, novelty and the similarity
// engine's reasons — each from the codes the services return, in the
// reader's language. The pages judge nothing themselves.

// mayTriage reports whether the caller triages cases (the secretariat),
// for the navigation and the case page's link; the services check again,
// per record.
func (p *pages) mayTriage(sub access.Subject) bool {
	return p.Access.Can(sub, access.System, access.Committee, access.Triage)
}

// triageKit is the base of the triage pages: the strings, the names of
// the reports a deadline is for, and of the people who decided.
type triageKit struct {
	base
	names
	dl *deadline.Rules
}

// CommitteeLabel is the label of the committee tier (TLP:RED), where all
// of the triage lives.
func (k *triageKit) CommitteeLabel() casefile.Label {
	return casefile.Label{Tier: access.Committee, TLP: access.Committee.TLP()}
}

func (p *pages) newKit(b base) triageKit {
	k := triageKit{base: b}
	if p.Deadlines != nil {
		k.dl = p.Deadlines.Rules
	}
	return k
}

// verdict is the rules engine's judgement of a case, in brief.
type verdict struct {
	Text string
	// Class is serious, quarterly, reportable, none or unknown (for CSS).
	Class   string
	RuleSet string
}

// Verdict says a judgement in the reader's language: 重大な事故,
// 四半期報告, おそれ事態: 報告対象…
func (b *base) Verdict(j *review.Judgement, kind string) verdict {
	if j == nil {
		return verdict{Text: "—", Class: "unknown"}
	}
	v := verdict{RuleSet: j.RuleSet}
	switch {
	case j.Error != "":
		v.Text, v.Class = b.T("tri.v.error"), "unknown"
	case kind == string(caseformat.KindNearMiss) && j.NearMissReportable == nil:
		v.Text, v.Class = b.T("tri.v.nm.unknown"), "unknown"
	case kind == string(caseformat.KindNearMiss) && *j.NearMissReportable:
		v.Text, v.Class = b.T("tri.v.nm.reportable"), "reportable"
	case kind == string(caseformat.KindNearMiss):
		v.Text, v.Class = b.T("tri.v.nm.none"), "none"
	case j.Serious:
		v.Text, v.Class = b.T("tri.v.serious"), "serious"
	case j.Quarterly:
		v.Text, v.Class = b.T("tri.v.quarterly"), "quarterly"
	case kind == string(caseformat.KindInformation):
		v.Text, v.Class = b.T("tri.v.info"), "none"
	default:
		v.Text, v.Class = b.T("tri.v.none"), "none"
	}
	return v
}

// deadlineCell is a case's deadline state in one line: the most urgent
// report still owed.
type deadlineCell struct {
	// None: nothing is owed (no deadline, or every report is in).
	None    bool
	Overdue bool
	// Text is "3日超過" or "あと12日"; Detail who owes which report by when.
	Text, Detail string
	// More counts the other reports still owed.
	More int
}

// DeadlineCell is the state of st for a table cell.
func (k *triageKit) DeadlineCell(st *review.DeadlineState) deadlineCell {
	if st == nil || st.Open == 0 || len(st.Items) == 0 {
		return deadlineCell{None: true, Text: k.T("tri.dl.none")}
	}
	it := st.Items[0]
	c := deadlineCell{Overdue: it.Overdue, Text: k.DaysLeft(it.DaysLeft, it.Overdue), More: st.Open - 1}
	c.Detail = k.Tf("tri.dl.detail", it.Organisation, k.ReportKind(it.Kind), k.DateOn(it.DueOn))
	return c
}

// DaysLeft says how many days are left, or how many overdue.
func (b *base) DaysLeft(days int, overdue bool) string {
	switch {
	case overdue || days < 0:
		return b.Tf("dl.days.overdue", max(-days, 0))
	case days == 0:
		return b.T("dl.days.today")
	}
	return b.Tf("dl.days.left", days)
}

// ReportKind names the report a deadline is for (configs/deadlines.yaml).
func (k *triageKit) ReportKind(id string) string {
	if k.dl != nil {
		if kind := k.dl.Kind(id); kind != nil {
			return kind.Name(k.Lang)
		}
	}
	return id
}

// DateOn is a date given as 2006-01-02, as Date shows it.
func (b *base) DateOn(s string) string {
	t, err := jpdate.ParseDate(s)
	if err != nil {
		return s
	}
	return b.Date(t)
}

// novelty is a case's novelty for a bar and its words.
type novelty struct {
	// Known: the similarity engine gave one.
	Known bool
	Value float64
	// Text is the number (0.00–1.00); Level high, middle or low; Say
	// explains it plainly.
	Text, Level, Say string
}

// Novelty explains n (nil: the engine is not running).
func (b *base) Novelty(n *float64) novelty {
	if n == nil {
		return novelty{Text: "—", Say: b.T("tri.nov.off")}
	}
	v := novelty{Known: true, Value: *n, Text: fmt.Sprintf("%.2f", *n)}
	switch {
	case *n >= 0.6:
		v.Level = "high"
	case *n >= 0.3:
		v.Level = "middle"
	default:
		v.Level = "low"
	}
	say := "tri.nov." + v.Level
	v.Say = b.Tf(say, fmt.Sprintf("%.2f", 1-*n))
	return v
}

// NoveltyOf explains the novelty of a similarity result.
func (b *base) NoveltyOf(r *triage.Result) novelty {
	if r == nil {
		return b.Novelty(nil)
	}
	n := r.Novelty
	return b.Novelty(&n)
}

// Score is a similarity score, 0.00–1.00.
func (b *base) Score(s float64) string { return fmt.Sprintf("%.2f", s) }

// CaseKind names a kind of case as triage speaks of it: an accident is
// not yet a serious one (the verdict says which).
func (b *base) CaseKind(kind string) string { return codeLabel(b.Lang, "tri.kind.", kind) }

// DocKind names the kind of a similar document: a kind of case, or a
// quarterly-report row.
func (b *base) DocKind(kind string) string {
	if kind == triage.DocQuarterly {
		return b.T("tri.doc.quarterly")
	}
	return b.CaseKind(kind)
}

// MatchName is how a similar case is named: its ref, or — when the caller
// may not read its overview — its kind and fiscal year.
func (b *base) MatchName(m triage.Match) string {
	if m.Ref != "" {
		return m.Ref
	}
	return b.DocKind(m.Kind) + " " + b.FY(m.FiscalYear)
}

// codeLists are the code lists of configs/ (equipment types have no names
// elsewhere in the pages); nil when they cannot be read, which the start
// of the server would have refused already.
var codeLists = sync.OnceValue(func() *quarterly.Catalog {
	cat, err := quarterly.DefaultCatalog()
	if err != nil {
		return nil
	}
	return cat
})

// Equipment names an equipment type.
func (b *base) Equipment(id string) string {
	if cat := codeLists(); cat != nil {
		if c, ok := cat.EquipmentTypes.Get(id); ok {
			return c.Label(b.Lang)
		}
	}
	return id
}

// Why says one ground of a match in the reader's language, from its code
// and values (the English Text is for API clients).
func (b *base) Why(r triage.Reason) string {
	names := make([]string, len(r.Values))
	for i, v := range r.Values {
		switch r.Code {
		case "service":
			names[i] = b.Service(v)
		case "cause_class":
			names[i] = b.Cause(v)
		case "archetype":
			names[i] = b.Archetype(v)
		case "equipment":
			names[i] = b.Equipment(v)
		case "situation":
			names[i] = b.Situation(v)
		case "phrases":
			names[i] = b.Tf("tri.why.phrase", v)
		default:
			names[i] = v
		}
	}
	key := "tri.why." + r.Code
	if !hasMessage(key) {
		return r.Text
	}
	sep := "、"
	if b.Lang == langEN {
		sep = ", "
	}
	if r.Code == "phrases" && b.Lang != langEN {
		sep = ""
	}
	return b.Tf(key, strings.Join(names, sep))
}

// Depth names a depth of verification.
func (b *base) Depth(d string) string { return codeLabel(b.Lang, "tri.depth.", d) }

// similarList is some matches with the page, for the "tri-similar" partial.
type similarList struct {
	*base
	Items []triage.Match
	// Link: the names link to the cases (the triage page; on the desk the
	// case's own name links to its triage instead).
	Link bool
}

// Similar hands matches to the "tri-similar" partial.
func (b *base) Similar(items []triage.Match, link bool) similarList {
	return similarList{base: b, Items: items, Link: link}
}

// IsTrue reports whether an optional yes/no is set and yes.
func (b *base) IsTrue(v *bool) bool { return v != nil && *v }
