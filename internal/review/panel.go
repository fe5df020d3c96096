package review

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/identity"
	"kensho/internal/jpdate"
)

// expert is a committee member as assignment sees it.
type expert struct {
	ID       int64
	Login    string
	Name     string
	Fields   identity.Strings
	Disabled bool
	// Load is the expert's open assignments (not submitted, not removed,
	// the verification not final).
	Load int
}

func (e expert) subject() access.Subject { return access.UserSubject(e.ID, 0) }

func (e expert) name() string { return cmp.Or(e.Name, e.Login) }

// experts are every user with role expert, by login.
func experts(db *gorm.DB) ([]expert, error) {
	var out []expert
	err := db.Raw(`SELECT u.id, u.login, u.display_name AS name, u.fields, u.disabled_at IS NOT NULL AS disabled,
			(SELECT count(*) FROM review_assignments a WHERE a.expert_id = u.id AND a.removed_at IS NULL AND a.completed_at IS NULL) AS load
		FROM users u
		WHERE EXISTS (SELECT 1 FROM casbin_rule r WHERE r.ptype = 'g' AND r.v0 = 'user:' || u.id AND r.v1 = ?)
		ORDER BY u.login`, access.RoleKey(access.Expert)).Scan(&out).Error
	return out, err
}

// Member is an expert on a case's panel (or removed from it).
type Member struct {
	AssignmentID int64    `json:"assignment_id"`
	UserID       int64    `json:"user_id"`
	Login        string   `json:"login"`
	Name         string   `json:"name"`
	Fields       []string `json:"fields"`
	// Covers are the needed fields the member was assigned for.
	Covers     []string  `json:"covers"`
	DueOn      string    `json:"due_on"`
	DaysLeft   int       `json:"days_left"`
	Overdue    bool      `json:"overdue"`
	AssignedBy string    `json:"assigned_by"`
	AssignedAt time.Time `json:"assigned_at"`
	Reason     string    `json:"reason,omitempty"`
	// Annotation is the member's annotation status: none, draft or submitted.
	Annotation        string     `json:"annotation"`
	AnnotationVersion int        `json:"annotation_version,omitempty"`
	SubmittedAt       *time.Time `json:"submitted_at,omitempty"`
	CompletedAt       *time.Time `json:"completed_at,omitempty"`
	// Conflicted: the member declared a conflict with an operator of the
	// case after being assigned; Disabled: the user was stopped. Either
	// way the member no longer counts.
	Conflicted   bool       `json:"conflicted,omitempty"`
	Disabled     bool       `json:"disabled,omitempty"`
	RemovedBy    string     `json:"removed_by,omitempty"`
	RemovedAt    *time.Time `json:"removed_at,omitempty"`
	RemoveReason string     `json:"remove_reason,omitempty"`
}

type assignmentRow struct {
	ID           int64
	CaseID       int64
	ExpertID     int64
	Covers       identity.Strings
	DueOn        string
	AssignedBy   string
	AssignedAt   time.Time
	AssignReason string
	RemovedBy    *string
	RemovedAt    *time.Time
	RemoveReason *string
	CompletedAt  *time.Time
	Login        string
	Name         string
	Fields       identity.Strings
	Disabled     bool
	Status       *string
	Version      *int
	SubmittedAt  *time.Time
}

const assignmentSelect = `SELECT a.id, a.case_id, a.expert_id, a.covers, a.due_on::text AS due_on, a.assigned_by, a.assigned_at,
	a.assign_reason, a.removed_by, a.removed_at, a.remove_reason, a.completed_at,
	u.login, u.display_name AS name, u.fields, u.disabled_at IS NOT NULL AS disabled,
	n.status, n.version, n.submitted_at
	FROM review_assignments a JOIN users u ON u.id = a.expert_id
	LEFT JOIN annotations n ON n.case_id = a.case_id AND n.expert_id = a.expert_id`

// assignments are the assignments of case id, active first, then by
// assignment.
func assignments(db *gorm.DB, id int64) ([]assignmentRow, error) {
	var rows []assignmentRow
	err := db.Raw(assignmentSelect+` WHERE a.case_id = ? ORDER BY a.removed_at IS NOT NULL, a.assigned_at, a.id`, id).Scan(&rows).Error
	return rows, err
}

func (s *Service) member(r assignmentRow, c *theCase) Member {
	m := Member{AssignmentID: r.ID, UserID: r.ExpertID, Login: r.Login, Name: cmp.Or(r.Name, r.Login), Fields: nonNil(r.Fields),
		Covers: nonNil(r.Covers), DueOn: r.DueOn, AssignedBy: r.AssignedBy, AssignedAt: r.AssignedAt, Reason: r.AssignReason,
		Annotation: "none", CompletedAt: r.CompletedAt, Disabled: r.Disabled, RemovedAt: r.RemovedAt}
	m.DaysLeft = daysBetween(s.today(), r.DueOn)
	m.Overdue = m.DaysLeft < 0 && r.CompletedAt == nil && r.RemovedAt == nil
	if r.Status != nil {
		m.Annotation, m.SubmittedAt = *r.Status, r.SubmittedAt
		if r.Version != nil {
			m.AnnotationVersion = *r.Version
		}
	}
	if r.RemovedBy != nil {
		m.RemovedBy = *r.RemovedBy
	}
	if r.RemoveReason != nil {
		m.RemoveReason = *r.RemoveReason
	}
	if c != nil {
		m.Conflicted = !s.Access.Can(access.UserSubject(r.ExpertID, 0), c.ref, access.Committee, access.Read)
	}
	return m
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Candidate is an expert as the assignment page lists them: eligible for
// the case or not, and why.
type Candidate struct {
	UserID int64    `json:"user_id"`
	Login  string   `json:"login"`
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
	// Covers are the needed fields the expert has.
	Covers []string `json:"covers"`
	Load   int      `json:"load"`
	// Eligible: may be added now. Otherwise Excluded says why: member
	// (already on the panel), conflict (declared with an operator of the
	// case: never assigned) or disabled.
	Eligible     bool     `json:"eligible"`
	Excluded     string   `json:"excluded,omitempty"`
	ConflictWith []string `json:"conflict_with,omitempty"`
}

// Proposed is one member of a proposed panel and why.
type Proposed struct {
	UserID int64    `json:"user_id"`
	Login  string   `json:"login"`
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
	// Covers are the needed fields this member is proposed for (those no
	// member before covered).
	Covers []string `json:"covers"`
	Load   int      `json:"load"`
	// Reason is current (already on the panel), covers (brings needed
	// fields) or min_size (fills the panel to its minimum); Why says it in
	// English.
	Reason string `json:"reason"`
	Why    string `json:"why"`
}

// Proposal is a panel the service proposes: the current members and the
// experts to add, the needed fields no eligible expert covers, and the due
// date new members get.
type Proposal struct {
	Members   []Proposed `json:"members"`
	Add       []int64    `json:"add"`
	Uncovered []string   `json:"uncovered"`
	DueOn     string     `json:"due_on"`
}

// PanelView is the assignment page of a case: what it needs, who is on its
// panel, a proposal and every expert with whether they may be added.
type PanelView struct {
	Case     CaseHeader `json:"case"`
	Decision *Decision  `json:"decision,omitempty"`
	// Rule is the panel rule of the decided depth (nil: undecided or
	// record only — no panel).
	Rule    *PanelRule `json:"rule,omitempty"`
	Needs   []Need     `json:"needs"`
	Members []Member   `json:"members"`
	Removed []Member   `json:"removed"`
	// Uncovered are needed fields no active member covers; ShortBy how
	// many members the panel lacks to its minimum.
	Uncovered  []string        `json:"uncovered"`
	ShortBy    int             `json:"short_by"`
	Proposal   *Proposal       `json:"proposal,omitempty"`
	Candidates []Candidate     `json:"candidates"`
	Actions    []access.Action `json:"actions"`
}

// Panel is the assignment page of case id: committee tier; the proposal
// and candidates only for those who assign (the secretariat). Audited.
func (s *Service) Panel(ctx context.Context, sub access.Subject, id int64) (*PanelView, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	v, err := s.panel(ctx, s.DB.WithContext(ctx), sub, c)
	if err != nil {
		return nil, err
	}
	return v, s.auditRead(ctx, sub, id, "panel")
}

func (s *Service) panel(ctx context.Context, db *gorm.DB, sub access.Subject, c *theCase) (*PanelView, error) {
	id := c.rec.ID
	v := &PanelView{Case: header(c.rec), Needs: s.Config.Expertise.Needs(&c.rec.Case), Members: []Member{}, Removed: []Member{},
		Uncovered: []string{}, Candidates: []Candidate{}, Actions: []access.Action{}}
	var err error
	if v.Decision, err = current(db, id); err != nil {
		return nil, err
	}
	if v.Decision != nil {
		if r, ok := s.Config.Expertise.Rule(v.Decision.Depth); ok {
			v.Rule = &r
		}
	}
	rows, err := assignments(db, id)
	if err != nil {
		return nil, err
	}
	covered := map[string]bool{}
	active := 0
	for _, r := range rows {
		m := s.member(r, c)
		if r.RemovedAt != nil {
			v.Removed = append(v.Removed, m)
			continue
		}
		v.Members = append(v.Members, m)
		if !m.Conflicted && !m.Disabled {
			active++
			for _, f := range m.Fields {
				covered[f] = true
			}
		}
	}
	for _, n := range v.Needs {
		if !covered[n.Field] {
			v.Uncovered = append(v.Uncovered, n.Field)
		}
	}
	if v.Rule != nil {
		v.ShortBy = max(0, v.Rule.Min-active)
	}
	if !s.can(sub, c, access.Assign) {
		return v, nil
	}
	if v.Rule != nil && c.rec.MergedInto == 0 {
		v.Actions = append(v.Actions, access.Assign)
	}
	all, err := experts(db)
	if err != nil {
		return nil, err
	}
	onPanel := map[int64]bool{}
	for _, m := range v.Members {
		onPanel[m.UserID] = true
	}
	needs := needIDs(v.Needs)
	for _, e := range all {
		cd := Candidate{UserID: e.ID, Login: e.Login, Name: e.name(), Fields: nonNil(e.Fields), Covers: intersect(needs, e.Fields), Load: e.Load}
		switch {
		case onPanel[e.ID]:
			cd.Excluded = "member"
		case !s.Access.Can(e.subject(), c.ref, access.Committee, access.Read):
			cd.Excluded, cd.ConflictWith = "conflict", s.conflictsWith(e, c)
		case e.Disabled:
			cd.Excluded = "disabled"
		default:
			cd.Eligible = true
		}
		v.Candidates = append(v.Candidates, cd)
	}
	if v.Rule != nil {
		v.Proposal = s.propose(v, all)
	}
	return v, nil
}

// conflictsWith names the operators of c that expert e declared a conflict with.
func (s *Service) conflictsWith(e expert, c *theCase) []string {
	var out []string
	for _, org := range c.rec.OrgIDs {
		if !s.Access.Can(e.subject(), access.NewCaseRef(c.rec.ID, []int64{org}), access.Committee, access.Read) {
			out = append(out, cmp.Or(c.rec.OrgNames[org], access.OrgKey(org)))
		}
	}
	return out
}

func needIDs(needs []Need) []string {
	out := make([]string, len(needs))
	for i, n := range needs {
		out[i] = n.Field
	}
	return out
}

// intersect is the elements of a (in a's order) that b holds.
func intersect(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// propose completes the panel of v: keep the current members; while some
// needed field is uncovered and the panel is below its maximum, add the
// eligible expert who covers the most uncovered fields, the least loaded
// among equals; then fill up to the minimum with the least loaded of the
// rest (those with a needed field first).
func (s *Service) propose(v *PanelView, all []expert) *Proposal {
	p := &Proposal{Members: []Proposed{}, Add: []int64{}, Uncovered: []string{},
		DueOn: jpdate.DateOf(s.now().In(jpdate.JST).AddDate(0, 0, v.Rule.DueDays))}
	needs := needIDs(v.Needs)
	covered := map[string]bool{}
	size := 0
	for _, m := range v.Members {
		if m.Conflicted || m.Disabled {
			continue
		}
		size++
		cov := []string{}
		for _, f := range intersect(needs, m.Fields) {
			if !covered[f] {
				cov = append(cov, f)
				covered[f] = true
			}
		}
		p.Members = append(p.Members, Proposed{UserID: m.UserID, Login: m.Login, Name: m.Name, Fields: m.Fields, Covers: cov,
			Load: s.loadOf(all, m.UserID), Reason: "current", Why: "already on the panel" + coversText(cov)})
	}
	var pool []expert
	for _, cd := range v.Candidates {
		if cd.Eligible {
			for _, e := range all {
				if e.ID == cd.UserID {
					pool = append(pool, e)
				}
			}
		}
	}
	uncovered := func(e expert) []string {
		var out []string
		for _, f := range intersect(needs, e.Fields) {
			if !covered[f] {
				out = append(out, f)
			}
		}
		return out
	}
	take := func(i int, reason, why string, cov []string) {
		e := pool[i]
		for _, f := range cov {
			covered[f] = true
		}
		p.Members = append(p.Members, Proposed{UserID: e.ID, Login: e.Login, Name: e.name(), Fields: nonNil(e.Fields), Covers: nonNil(cov),
			Load: e.Load, Reason: reason, Why: why})
		p.Add = append(p.Add, e.ID)
		pool = slices.Delete(pool, i, i+1)
		size++
	}
	for size < v.Rule.Max {
		best, bestN := -1, 0
		for i, e := range pool {
			n := len(uncovered(e))
			if n > bestN || (n == bestN && n > 0 && e.Load < pool[best].Load) {
				best, bestN = i, n
			}
		}
		if best < 0 {
			break
		}
		cov := uncovered(pool[best])
		take(best, "covers", fmt.Sprintf("covers %s; %s", strings.Join(cov, ", "), loadText(pool[best].Load)), cov)
	}
	for size < v.Rule.Min && len(pool) > 0 {
		best := 0
		for i, e := range pool {
			a, b := len(intersect(needs, e.Fields)) > 0, len(intersect(needs, pool[best].Fields)) > 0
			if (a && !b) || (a == b && e.Load < pool[best].Load) {
				best = i
			}
		}
		take(best, "min_size", fmt.Sprintf("fills the panel to its minimum of %d; %s", v.Rule.Min, loadText(pool[best].Load)), nil)
	}
	for _, f := range needs {
		if !covered[f] {
			p.Uncovered = append(p.Uncovered, f)
		}
	}
	return p
}

func (s *Service) loadOf(all []expert, id int64) int {
	for _, e := range all {
		if e.ID == id {
			return e.Load
		}
	}
	return 0
}

func coversText(cov []string) string {
	if len(cov) == 0 {
		return ""
	}
	return "; covers " + strings.Join(cov, ", ")
}

func loadText(n int) string {
	if n == 1 {
		return "1 open assignment"
	}
	return fmt.Sprintf("%d open assignments", n)
}

// AcceptInput accepts a proposed panel, as proposed (no members) or
// changed (the members to add).
type AcceptInput struct {
	Members []MemberInput `json:"members"`
	// DueOn is the due date (YYYY-MM-DD, JST) of members without their own;
	// empty: due_days of configs/expertise.yaml from today.
	DueOn  string `json:"due_on"`
	Reason string `json:"reason"`
}

// MemberInput is one expert to put on a panel.
type MemberInput struct {
	UserID int64  `json:"user_id"`
	DueOn  string `json:"due_on"`
	// Reason is required when a member is added on its own.
	Reason string `json:"reason"`
}

// Accept puts the proposed panel of case id in place: the members given,
// or the service's proposal when none are. Members already on the panel
// are kept as they are, so accepting twice is one. Audited.
func (s *Service) Accept(ctx context.Context, sub access.Subject, id int64, in AcceptInput) (*PanelView, error) {
	return s.changePanel(ctx, sub, id, func(tx *gorm.DB, c *theCase, v *PanelView) error {
		members := in.Members
		if len(members) == 0 {
			if v.Proposal == nil || len(v.Proposal.Add) == 0 {
				if len(v.Members) > 0 {
					return nil // the panel is in place: nothing to add
				}
				return input("members", "panel.no_experts", "no expert can be proposed: every expert is conflicted, disabled or there are none")
			}
			for _, uid := range v.Proposal.Add {
				members = append(members, MemberInput{UserID: uid})
			}
		}
		return s.addMembers(ctx, tx, sub, c, v, members, "members", in.DueOn, strings.TrimSpace(in.Reason), audit.ActionPanelAccept)
	})
}

// AddMember puts one more expert on the panel of case id, with a reason.
func (s *Service) AddMember(ctx context.Context, sub access.Subject, id int64, in MemberInput) (*PanelView, error) {
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		return nil, input("reason", "reason.required", "required: why the expert is added (recorded and audited)")
	}
	return s.changePanel(ctx, sub, id, func(tx *gorm.DB, c *theCase, v *PanelView) error {
		in.Reason = reason
		return s.addMembers(ctx, tx, sub, c, v, []MemberInput{in}, "", "", reason, audit.ActionPanelAdd)
	})
}

// addMembers assigns members (field names them in errors: members[i]…) to
// c; those on the panel already are skipped.
func (s *Service) addMembers(ctx context.Context, tx *gorm.DB, sub access.Subject, c *theCase, v *PanelView, members []MemberInput,
	field, due, reason, action string) error {
	at := func(i int, name string) string {
		if field == "" {
			return name
		}
		return fmt.Sprintf("%s[%d].%s", field, i, name)
	}
	defDue := v.Proposal.DueOn
	if strings.TrimSpace(due) != "" {
		d, err := s.dueDate("due_on", due)
		if err != nil {
			return err
		}
		defDue = d
	}
	needs := needIDs(v.Needs)
	active := 0
	for _, m := range v.Members {
		if !m.Conflicted && !m.Disabled {
			active++
		}
	}
	type add struct {
		cd  Candidate
		due string
	}
	var adds []add
	seen := map[int64]bool{}
	for i, m := range members {
		var cd *Candidate
		for j := range v.Candidates {
			if v.Candidates[j].UserID == m.UserID {
				cd = &v.Candidates[j]
			}
		}
		switch {
		case m.UserID <= 0:
			return input(at(i, "user_id"), "expert.required", "required: the user id of an expert")
		case cd == nil:
			return input(at(i, "user_id"), "expert.unknown", "user %d is not an expert of the committee", m.UserID)
		case seen[m.UserID]:
			return input(at(i, "user_id"), "expert.twice", "%s appears twice", cd.Login)
		case cd.Excluded == "member":
			continue
		case cd.Excluded == "conflict":
			return input(at(i, "user_id"), "expert.conflict", "%s declared a conflict of interest with %s, an operator of this case: never assigned",
				cd.Login, strings.Join(cd.ConflictWith, ", "))
		case cd.Excluded == "disabled":
			return input(at(i, "user_id"), "expert.disabled", "%s is disabled", cd.Login)
		}
		seen[m.UserID] = true
		d := defDue
		if strings.TrimSpace(m.DueOn) != "" {
			var err error
			if d, err = s.dueDate(at(i, "due_on"), m.DueOn); err != nil {
				return err
			}
		}
		adds = append(adds, add{cd: *cd, due: d})
	}
	if len(adds) == 0 {
		return nil
	}
	if active+len(adds) > v.Rule.Max {
		f := cmp.Or(field, "user_id")
		return input(f, "panel.too_large", "a panel of a %s verification has at most %d members (configs/expertise.yaml panel.%s.max); it has %d",
			strings.ReplaceAll(v.Decision.Depth, "_", "-"), v.Rule.Max, v.Decision.Depth, active)
	}
	var logged []map[string]any
	for _, a := range adds {
		if err := tx.Exec(`INSERT INTO review_assignments (case_id, expert_id, covers, due_on, assigned_by, assign_reason, assigned_at)
			VALUES (?, ?, ?, ?::date, ?, ?, ?)`, c.rec.ID, a.cd.UserID, identity.Strings(intersect(needs, a.cd.Fields)), a.due, actor(sub),
			reason, s.now()).Error; err != nil {
			return err
		}
		logged = append(logged, map[string]any{"expert": access.UserKey(a.cd.UserID), "login": a.cd.Login, "due_on": a.due})
	}
	_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: action, Object: access.CaseKey(c.rec.ID) + "/panel",
		CaseID: c.rec.ID, Detail: map[string]any{"members": logged, "reason": reason}})
	return err
}

// dueDate checks a due date: a date, not before today (JST).
func (s *Service) dueDate(field, v string) (string, error) {
	d, err := parseDate(field, v)
	if err != nil {
		return "", err
	}
	if d < s.today() {
		return "", input(field, "date.past", "%s is before today (%s)", d, s.today())
	}
	return d, nil
}

// RemoveMember takes an expert off the panel of case id, with a reason; the
// assignment is kept (who, when, why) and the expert's annotation stays,
// not counted.
func (s *Service) RemoveMember(ctx context.Context, sub access.Subject, id, userID int64, reason string) (*PanelView, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, input("reason", "reason.required", "required: why the expert is taken off the panel (recorded and audited)")
	}
	return s.changePanel(ctx, sub, id, func(tx *gorm.DB, c *theCase, v *PanelView) error {
		m := activeMember(v, userID)
		if m == nil {
			return ErrNotFound
		}
		if err := tx.Exec(`UPDATE review_assignments SET removed_by = ?, removed_at = ?, remove_reason = ? WHERE id = ?`,
			actor(sub), s.now(), reason, m.AssignmentID).Error; err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionPanelRemove, Object: access.CaseKey(id) + "/panel",
			CaseID: id, Detail: map[string]any{"expert": access.UserKey(userID), "login": m.Login, "reason": reason}})
		return err
	})
}

// DueInput moves a member's due date.
type DueInput struct {
	DueOn  string `json:"due_on"`
	Reason string `json:"reason"`
}

// SetDue moves the due date of a member's annotation on case id.
func (s *Service) SetDue(ctx context.Context, sub access.Subject, id, userID int64, in DueInput) (*PanelView, error) {
	due, err := s.dueDate("due_on", in.DueOn)
	if err != nil {
		return nil, err
	}
	return s.changePanel(ctx, sub, id, func(tx *gorm.DB, c *theCase, v *PanelView) error {
		m := activeMember(v, userID)
		if m == nil {
			return ErrNotFound
		}
		if m.DueOn == due {
			return nil
		}
		if err := tx.Exec(`UPDATE review_assignments SET due_on = ?::date WHERE id = ?`, due, m.AssignmentID).Error; err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionPanelDue, Object: access.CaseKey(id) + "/panel",
			CaseID: id, Detail: map[string]any{"expert": access.UserKey(userID), "was": m.DueOn, "due_on": due, "reason": strings.TrimSpace(in.Reason)}})
		return err
	})
}

func activeMember(v *PanelView, userID int64) *Member {
	for i := range v.Members {
		if v.Members[i].UserID == userID {
			return &v.Members[i]
		}
	}
	return nil
}

// changePanel runs fn on the panel of case id in a transaction holding
// the case's review lock, and returns the panel after it.
func (s *Service) changePanel(ctx context.Context, sub access.Subject, id int64, fn func(*gorm.DB, *theCase, *PanelView) error) (*PanelView, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if !s.can(sub, c, access.Assign) {
		return nil, casefile.ErrForbidden
	}
	if err := notMerged(c); err != nil {
		return nil, err
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, id); err != nil {
			return err
		}
		v, err := s.panel(ctx, tx, sub, c)
		if err != nil {
			return err
		}
		switch {
		case v.Decision == nil:
			return input("case", "triage.undecided", "the case awaits triage: decide how deeply it is verified first")
		case v.Rule == nil:
			return input("case", "triage.record_only", "the case is recorded only: a panel verifies cases decided in depth or light")
		}
		if final, err := verificationFinal(tx, id); err != nil {
			return err
		} else if final {
			return input("case", "verification.final", "the committee's verification is final: reopen it to change the panel")
		}
		return fn(tx, c, v)
	})
	if err != nil {
		return nil, err
	}
	return s.panel(ctx, s.DB.WithContext(ctx), sub, c)
}

func verificationFinal(db *gorm.DB, id int64) (bool, error) {
	var n int64
	err := db.Raw(`SELECT count(*) FROM verifications WHERE case_id = ? AND status = 'final'`, id).Scan(&n).Error
	return n > 0, err
}
