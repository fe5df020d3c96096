package review

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/triage"
)

// How many similar cases a decision keeps (and the expert's workspace
// shows), how many the triage page shows, and how many the desk shows per
// case.
const (
	decisionTopK = 5
	triageTopK   = 10
	deskTopK     = 3
)

// Decision is one triage decision on a case. The one with the highest
// version is in force; the earlier ones are its history.
type Decision struct {
	ID      int64 `json:"id"`
	CaseID  int64 `json:"case_id"`
	Version int   `json:"version"`
	// Depth is in_depth, light or record_only.
	Depth  string `json:"depth"`
	Reason string `json:"reason"`
	// StudyNearMiss (near-misses only): study why it did not become serious.
	StudyNearMiss *bool `json:"study_near_miss,omitempty"`
	// Novelty and Similarity are what the similarity engine said when the
	// decision was taken (absent when it was not running).
	Novelty    *float64       `json:"novelty,omitempty"`
	Similarity *triage.Result `json:"similarity,omitempty"`
	DecidedBy  string         `json:"decided_by"`
	DecidedAt  time.Time      `json:"decided_at"`
	// Duplicate: the same decision was in force already; nothing was added.
	Duplicate bool `json:"duplicate,omitempty"`
}

// DecisionInput is what the secretariat decides.
type DecisionInput struct {
	// Version is the version of the decision in force the caller saw (0:
	// the case was undecided). Another decision since is a conflict.
	Version       int    `json:"version"`
	Depth         string `json:"depth"`
	Reason        string `json:"reason"`
	StudyNearMiss *bool  `json:"study_near_miss"`
}

type decisionRow struct {
	ID            int64
	CaseID        int64
	Version       int
	Depth         string
	Reason        string
	StudyNearMiss *bool
	Novelty       *float64
	Similarity    []byte
	DecidedBy     string
	DecidedAt     time.Time
}

func (r decisionRow) decision() *Decision {
	d := &Decision{ID: r.ID, CaseID: r.CaseID, Version: r.Version, Depth: r.Depth, Reason: r.Reason, StudyNearMiss: r.StudyNearMiss,
		Novelty: r.Novelty, DecidedBy: r.DecidedBy, DecidedAt: r.DecidedAt}
	if len(r.Similarity) > 0 {
		var res triage.Result
		if json.Unmarshal(r.Similarity, &res) == nil {
			d.Similarity = &res
		}
	}
	return d
}

// comparable is the part of a decision a conflict reports and a duplicate
// compares.
func (d *Decision) comparable() map[string]any {
	m := map[string]any{"depth": d.Depth, "reason": d.Reason}
	if d.StudyNearMiss != nil {
		m["study_near_miss"] = *d.StudyNearMiss
	}
	return m
}

const decisionColumns = `id, case_id, version, depth, reason, study_near_miss, novelty, similarity, decided_by, decided_at`

// decisions are the triage decisions of case id, the one in force first.
func decisions(db *gorm.DB, id int64) ([]*Decision, error) {
	var rows []decisionRow
	if err := db.Raw(`SELECT `+decisionColumns+` FROM triage_decisions WHERE case_id = ? ORDER BY version DESC`, id).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*Decision, len(rows))
	for i, r := range rows {
		out[i] = r.decision()
	}
	return out, nil
}

// latestDecisions are the decisions in force of cases ids.
func latestDecisions(db *gorm.DB, ids []int64) (map[int64]*Decision, error) {
	out := map[int64]*Decision{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []decisionRow
	if err := db.Raw(`SELECT DISTINCT ON (case_id) `+decisionColumns+` FROM triage_decisions WHERE case_id IN ?
		ORDER BY case_id, version DESC`, ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.CaseID] = r.decision()
	}
	return out, nil
}

// current is the decision in force on case id, or nil.
func current(db *gorm.DB, id int64) (*Decision, error) {
	m, err := latestDecisions(db, []int64{id})
	if err != nil {
		return nil, err
	}
	return m[id], nil
}

// Decide records the secretariat's triage decision on case id, with the
// similar cases and novelty the engine gives now (when it runs). The same
// decision as the one in force is a duplicate and adds nothing; a decision
// taken since the version the caller saw is a ConflictError.
func (s *Service) Decide(ctx context.Context, sub access.Subject, id int64, in DecisionInput) (*Decision, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if !s.can(sub, c, access.Triage) {
		return nil, casefile.ErrForbidden
	}
	if err := notMerged(c); err != nil {
		return nil, err
	}
	d := &Decision{CaseID: id, Depth: strings.TrimSpace(in.Depth), Reason: strings.TrimSpace(in.Reason), StudyNearMiss: in.StudyNearMiss,
		DecidedBy: actor(sub)}
	switch {
	case !slices.Contains(Depths, d.Depth):
		return nil, input("depth", "depth.unknown", "%q: want in_depth, light or record_only", in.Depth)
	case d.Reason == "":
		return nil, input("reason", "reason.required", "required: why the case is verified so (kept with the decision)")
	case c.rec.Case.Kind == caseformat.KindNearMiss && d.StudyNearMiss == nil:
		return nil, input("study_near_miss", "study.required", "required for a near-miss: true to study why it did not become a serious accident")
	case c.rec.Case.Kind != caseformat.KindNearMiss && d.StudyNearMiss != nil:
		return nil, input("study_near_miss", "study.not_near_miss", "only a near-miss is studied for why it did not become serious")
	case in.Version < 0:
		return nil, input("version", "version.invalid", "want the version of the decision in force you saw, 0 if none")
	}
	if err := tooLong("reason", d.Reason, 4000); err != nil {
		return nil, err
	}
	if res := s.similar(ctx, sub, id, decisionTopK); res != nil {
		d.Similarity, d.Novelty = res, &res.Novelty
	}
	var out *Decision
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, id); err != nil {
			return err
		}
		cur, err := current(tx, id)
		if err != nil {
			return err
		}
		if cur != nil && sameMap(cur.comparable(), d.comparable()) {
			cur.Duplicate = true
			out = cur
			return nil
		}
		have := 0
		if cur != nil {
			have = cur.Version
		}
		if in.Version != have {
			if cur == nil {
				return input("version", "version.none", "the case has no decision yet: send version 0")
			}
			return decisionConflict(tx, id, in.Version, cur)
		}
		d.Version = have + 1
		var sim any
		if d.Similarity != nil {
			b, err := json.Marshal(d.Similarity)
			if err != nil {
				return err
			}
			sim = string(b)
		}
		if err := tx.Raw(`INSERT INTO triage_decisions (case_id, version, depth, reason, study_near_miss, novelty, similarity, decided_by, decided_at)
			VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING id, decided_at`,
			id, d.Version, d.Depth, d.Reason, d.StudyNearMiss, d.Novelty, sim, d.DecidedBy, s.now()).Row().Scan(&d.ID, &d.DecidedAt); err != nil {
			return err
		}
		detail := map[string]any{"version": d.Version, "depth": d.Depth, "reason": audit.Hidden(d.Reason)}
		if cur != nil {
			detail["was"] = cur.Depth
		}
		if d.StudyNearMiss != nil {
			detail["study_near_miss"] = *d.StudyNearMiss
		}
		if d.Novelty != nil {
			detail["novelty"] = *d.Novelty
		}
		if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionTriage,
			Object: access.CaseKey(id) + "/triage", CaseID: id, Detail: detail}); err != nil {
			return err
		}
		out = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DecideHistory records the same decision on each of cases ids that has
// none yet — the committee's past decisions, when Kenshō takes over a case
// base that was verified before it — in one transaction, each audited as
// a migrated decision. Cases decided already keep their decisions; it
// returns how many were decided. No similarity is kept: the decisions were
// not taken on it.
func (s *Service) DecideHistory(ctx context.Context, sub access.Subject, ids []int64, in DecisionInput) (int, error) {
	if !s.Access.Can(sub, access.System, access.Committee, access.Triage) {
		return 0, casefile.ErrForbidden
	}
	depth, reason := strings.TrimSpace(in.Depth), strings.TrimSpace(in.Reason)
	switch {
	case !slices.Contains(Depths, depth):
		return 0, input("depth", "depth.unknown", "%q: want in_depth, light or record_only", in.Depth)
	case reason == "":
		return 0, input("reason", "reason.required", "required: why the cases were verified so")
	case len(ids) == 0:
		return 0, nil
	}
	db := s.DB.WithContext(ctx)
	var rows []struct {
		ID         int64
		Kind       string
		MergedInto *int64
		Decided    bool
	}
	if err := db.Raw(`SELECT c.id, c.kind, c.merged_into, EXISTS (SELECT 1 FROM triage_decisions d WHERE d.case_id = c.id) AS decided
		FROM cases c WHERE c.id IN ? ORDER BY c.id`, ids).Scan(&rows).Error; err != nil {
		return 0, err
	}
	if len(rows) != len(slices.Compact(slices.Sorted(slices.Values(ids)))) {
		return 0, casefile.ErrNotFound
	}
	orgs, err := casestore.OperatorOrgs(db, ids)
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		switch {
		case !s.Access.Can(sub, access.NewCaseRef(r.ID, orgs[r.ID]), access.Committee, access.Triage):
			return 0, casefile.ErrForbidden
		case r.MergedInto != nil:
			return 0, input("case", "case.merged", "case %d was linked into case %d: decide that case", r.ID, *r.MergedInto)
		case (r.Kind == string(caseformat.KindNearMiss)) != (in.StudyNearMiss != nil):
			return 0, input("study_near_miss", "study.required", "case %d: a near-miss (and only a near-miss) says whether to study why it did not become serious", r.ID)
		}
	}
	n := 0
	err = db.Transaction(func(tx *gorm.DB) error {
		for _, r := range rows {
			if r.Decided {
				continue
			}
			if err := lockCase(tx, r.ID); err != nil {
				return err
			}
			res := tx.Exec(`INSERT INTO triage_decisions (case_id, version, depth, reason, study_near_miss, decided_by, decided_at)
				SELECT ?, 1, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM triage_decisions WHERE case_id = ?)`,
				r.ID, depth, reason, in.StudyNearMiss, actor(sub), s.now(), r.ID)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				continue
			}
			n++
			if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionTriage, Object: access.CaseKey(r.ID) + "/triage",
				CaseID: r.ID, Detail: map[string]any{"version": 1, "depth": depth, "reason": audit.Hidden(reason), "history": true}}); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// decisionConflict says what changed between decision version base of
// case id and the one in force, cur.
func decisionConflict(tx *gorm.DB, id int64, base int, cur *Decision) error {
	all, err := decisions(tx, id)
	if err != nil {
		return err
	}
	var before []byte
	for _, d := range all {
		if d.Version == base {
			before, _ = json.Marshal(d.comparable())
		}
	}
	after, _ := json.Marshal(cur.comparable())
	changes, err := diffJSON(before, after)
	if err != nil {
		return err
	}
	return &ConflictError{Record: recordTriage, Version: base, Current: cur.Version, UpdatedBy: cur.DecidedBy, UpdatedAt: cur.DecidedAt, Changes: changes}
}

func sameMap(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TriageView is the triage page of one case: the case, the rules engine's
// judgement, its deadlines, the similar past cases and its novelty now,
// and the decisions taken (in force first).
type TriageView struct {
	Case      CaseHeader     `json:"case"`
	Judgement *Judgement     `json:"judgement,omitempty"`
	Deadlines *DeadlineState `json:"deadlines"`
	// Similarity is what the engine says now, as the caller sees the case
	// base (absent when it is not running).
	Similarity *triage.Result `json:"similarity,omitempty"`
	// Current is the decision in force (nil: awaiting triage).
	Current   *Decision    `json:"current,omitempty"`
	Decisions []*Decision  `json:"decisions"`
	Panel     PanelSummary `json:"panel"`
	// Actions the caller may take: triage.
	Actions []access.Action `json:"actions"`
}

// Triage is the triage page of case id. Reading it is audited.
func (s *Service) Triage(ctx context.Context, sub access.Subject, id int64) (*TriageView, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	db := s.DB.WithContext(ctx)
	v := &TriageView{Case: header(c.rec), Judgement: s.judge(c.rec), Actions: []access.Action{}}
	if v.Deadlines, err = s.deadlines(ctx, id, orgNames(c.rec)); err != nil {
		return nil, err
	}
	v.Similarity = s.similar(ctx, sub, id, triageTopK)
	if v.Decisions, err = decisions(db, id); err != nil {
		return nil, err
	}
	if len(v.Decisions) > 0 {
		v.Current = v.Decisions[0]
	}
	panels, err := panelSummaries(db, []int64{id})
	if err != nil {
		return nil, err
	}
	v.Panel = panels[id]
	if s.can(sub, c, access.Triage) && c.rec.MergedInto == 0 {
		v.Actions = append(v.Actions, access.Triage)
	}
	return v, s.auditRead(ctx, sub, id, "triage")
}

// PanelSummary counts a case's panel and its annotations.
type PanelSummary struct {
	Members   int `json:"members"`
	Submitted int `json:"submitted"`
	// Verification is the committee's result: "", draft or final.
	Verification string `json:"verification,omitempty"`
}

func panelSummaries(db *gorm.DB, ids []int64) (map[int64]PanelSummary, error) {
	out := map[int64]PanelSummary{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		CaseID       int64
		Members      int
		Submitted    int
		Verification string
	}
	if err := db.Raw(`SELECT c.id AS case_id,
			(SELECT count(*) FROM review_assignments a WHERE a.case_id = c.id AND a.removed_at IS NULL) AS members,
			(SELECT count(*) FROM annotations n JOIN review_assignments a ON a.case_id = n.case_id AND a.expert_id = n.expert_id
				AND a.removed_at IS NULL WHERE n.case_id = c.id AND n.status = 'submitted') AS submitted,
			coalesce((SELECT v.status FROM verifications v WHERE v.case_id = c.id), '') AS verification
		FROM cases c WHERE c.id IN ?`, ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.CaseID] = PanelSummary{Members: r.Members, Submitted: r.Submitted, Verification: r.Verification}
	}
	return out, nil
}
