package review

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
)

// The statuses of the committee's verification.
const (
	VerificationDraft = "draft"
	VerificationFinal = "final"
)

// VerificationInput is what the secretariat saves as the committee's
// verification result.
type VerificationInput struct {
	// Version is the version loaded (0: the first save).
	Version            int    `json:"version"`
	CauseClass         string `json:"cause_class"`
	CauseArchetype     string `json:"cause_archetype"`
	Prevention         string `json:"prevention"`
	PreventionText     string `json:"prevention_text"`
	AdditionalMeasures string `json:"additional_measures"`
	// Findings is the committee's account of the case (検証結果).
	Findings string `json:"findings"`
	// Lessons accepted: catalogue lessons (recurring or new for the year)
	// and new ones, which become catalogue lessons when finalised.
	Lessons []LessonRef `json:"lessons"`
}

// Verification is the committee's verification result of a case.
type Verification struct {
	CaseID             int64       `json:"case_id"`
	Version            int         `json:"version"`
	Status             string      `json:"status"`
	CauseClass         string      `json:"cause_class"`
	CauseArchetype     string      `json:"cause_archetype"`
	Prevention         string      `json:"prevention"`
	PreventionText     string      `json:"prevention_text"`
	AdditionalMeasures string      `json:"additional_measures"`
	Findings           string      `json:"findings"`
	Lessons            []LessonRef `json:"lessons"`
	UpdatedBy          string      `json:"updated_by"`
	UpdatedAt          time.Time   `json:"updated_at"`
	FinalisedBy        string      `json:"finalised_by,omitempty"`
	FinalisedAt        *time.Time  `json:"finalised_at,omitempty"`
}

func (v *Verification) content() map[string]any {
	return map[string]any{"status": v.Status, "cause_class": v.CauseClass, "cause_archetype": v.CauseArchetype, "prevention": v.Prevention,
		"prevention_text": v.PreventionText, "additional_measures": v.AdditionalMeasures, "findings": v.Findings,
		"lessons": storedLessons(v.Lessons)}
}

func (s *Service) verification(db *gorm.DB, id int64, index map[string]*Lesson) (*Verification, error) {
	var rows []struct {
		CaseID             int64
		Version            int
		Status             string
		CauseClass         string
		CauseArchetype     string
		Prevention         string
		PreventionText     string
		AdditionalMeasures string
		Findings           string
		Lessons            []byte
		UpdatedBy          string
		UpdatedAt          time.Time
		FinalisedBy        string
		FinalisedAt        *time.Time
	}
	if err := db.Raw(`SELECT case_id, version, status, cause_class, cause_archetype, prevention, prevention_text, additional_measures,
		findings, lessons, updated_by, updated_at, finalised_by, finalised_at FROM verifications WHERE case_id = ?`, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	r := rows[0]
	v := &Verification{CaseID: r.CaseID, Version: r.Version, Status: r.Status, CauseClass: r.CauseClass, CauseArchetype: r.CauseArchetype,
		Prevention: r.Prevention, PreventionText: r.PreventionText, AdditionalMeasures: r.AdditionalMeasures, Findings: r.Findings,
		UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt, FinalisedBy: r.FinalisedBy, FinalisedAt: r.FinalisedAt, Lessons: []LessonRef{}}
	if err := json.Unmarshal(r.Lessons, &v.Lessons); err != nil {
		return nil, fmt.Errorf("verification of case %d: lessons: %w", id, err)
	}
	if index != nil {
		v.Lessons = resolve(v.Lessons, index)
	}
	return v, nil
}

// Vote is how many counted annotations gave one value.
type Vote struct {
	Value   string   `json:"value"`
	Count   int      `json:"count"`
	Experts []string `json:"experts"`
}

// Tally is the panel's votes on each classification.
type Tally struct {
	Counted        int    `json:"counted"`
	CauseClass     []Vote `json:"cause_class"`
	CauseArchetype []Vote `json:"cause_archetype"`
	Prevention     []Vote `json:"prevention"`
}

// Consolidation is the secretariat's page that turns the panel's
// annotations into the committee's verification result: the panel, every
// annotation (whether it counts), the tally of their classifications, a
// prefill from them, the result saved so far and the comments.
type Consolidation struct {
	Case        CaseHeader    `json:"case"`
	Judgement   *Judgement    `json:"judgement,omitempty"`
	Decision    *Decision     `json:"decision,omitempty"`
	Needs       []Need        `json:"needs"`
	Panel       []Member      `json:"panel"`
	Annotations []*Annotation `json:"annotations"`
	Tally       Tally         `json:"tally"`
	// Prefill is the result as the counted annotations suggest it: the
	// majority of each classification, the texts of all, the union of the
	// lessons (with who proposed each).
	Prefill      VerificationInput `json:"prefill"`
	Verification *Verification     `json:"verification,omitempty"`
	Comments     []Comment         `json:"comments"`
	Catalogue    []ThemeBrief      `json:"catalogue"`
	Actions      []access.Action   `json:"actions"`
}

// Consolidation is the consolidation page of case id: committee tier (an
// expert reads it too), the actions for the secretariat. Audited.
func (s *Service) Consolidation(ctx context.Context, sub access.Subject, id int64) (*Consolidation, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	db := s.DB.WithContext(ctx)
	v := &Consolidation{Case: header(c.rec), Judgement: s.judge(c.rec), Needs: s.Config.Expertise.Needs(&c.rec.Case),
		Panel: []Member{}, Annotations: []*Annotation{}, Actions: []access.Action{}}
	if v.Decision, err = current(db, id); err != nil {
		return nil, err
	}
	rows, err := assignments(db, id)
	if err != nil {
		return nil, err
	}
	members := map[int64]Member{}
	for _, r := range rows {
		m := s.member(r, c)
		if r.RemovedAt == nil {
			v.Panel = append(v.Panel, m)
			members[m.UserID] = m
		}
	}
	index, err := s.lessonIndex(db)
	if err != nil {
		return nil, err
	}
	all, err := annotationsOf(db, id)
	if err != nil {
		return nil, err
	}
	secretariat := s.can(sub, c, access.Consolidate)
	var counted []*Annotation
	for _, a := range all {
		m, on := members[a.Expert.UserID]
		ok, why := true, ""
		switch {
		case !on:
			ok, why = false, "not on the panel"
		case m.Conflicted:
			ok, why = false, "declared a conflict with an operator of the case"
		case a.Status != StatusSubmitted:
			ok, why = false, "draft"
		}
		if a.Status != StatusSubmitted && !secretariat && a.Expert.UserID != sub.UserID() {
			continue // drafts are their author's and the secretariat's
		}
		a.Lessons = resolve(a.Lessons, index)
		a.Counted, a.Why = &ok, why
		v.Annotations = append(v.Annotations, a)
		if ok {
			counted = append(counted, a)
		}
	}
	v.Tally, v.Prefill = prefill(counted, index)
	if v.Verification, err = s.verification(db, id, index); err != nil {
		return nil, err
	}
	if v.Comments, err = s.comments(db, id); err != nil {
		return nil, err
	}
	if v.Catalogue, err = s.briefCatalogue(db); err != nil {
		return nil, err
	}
	if secretariat && c.rec.MergedInto == 0 {
		v.Actions = append(v.Actions, access.Consolidate)
	}
	if s.mayComment(db, sub, c) {
		v.Actions = append(v.Actions, access.Comment)
	}
	return v, s.auditRead(ctx, sub, id, "verification")
}

// prefill tallies the counted annotations and suggests the result: each
// classification by majority (a tie goes to the earliest submission; the
// prevention assessment to the sterner), the texts of every expert under
// their name, and every lesson once.
func prefill(counted []*Annotation, index map[string]*Lesson) (Tally, VerificationInput) {
	t := Tally{Counted: len(counted), CauseClass: []Vote{}, CauseArchetype: []Vote{}, Prevention: []Vote{}}
	in := VerificationInput{Lessons: []LessonRef{}}
	vote := func(votes *[]Vote, value, who string) {
		if value == "" {
			return
		}
		for i := range *votes {
			if (*votes)[i].Value == value {
				(*votes)[i].Count++
				(*votes)[i].Experts = append((*votes)[i].Experts, who)
				return
			}
		}
		*votes = append(*votes, Vote{Value: value, Count: 1, Experts: []string{who}})
	}
	var prevention, measures []string
	for _, a := range counted {
		who := a.Expert.Name
		vote(&t.CauseClass, a.CauseClass, a.Expert.Login)
		vote(&t.CauseArchetype, a.CauseArchetype, a.Expert.Login)
		vote(&t.Prevention, a.Prevention, a.Expert.Login)
		if a.PreventionText != "" {
			prevention = append(prevention, "【"+who+"】"+a.PreventionText)
		}
		if a.AdditionalMeasures != "" {
			measures = append(measures, "【"+who+"】"+a.AdditionalMeasures)
		}
		for _, l := range a.Lessons {
			i := slices.IndexFunc(in.Lessons, func(x LessonRef) bool {
				return (l.LessonID != "" && x.LessonID == l.LessonID) || (l.LessonID == "" && x.LessonID == "" && x.TextJA == l.TextJA)
			})
			if i < 0 {
				l.ProposedBy = nil
				in.Lessons = append(in.Lessons, l)
				i = len(in.Lessons) - 1
			}
			in.Lessons[i].ProposedBy = append(in.Lessons[i].ProposedBy, a.Expert.Login)
		}
	}
	// Majority first; the order of first appearance (submission) breaks ties.
	for _, votes := range []*[]Vote{&t.CauseClass, &t.CauseArchetype} {
		slices.SortStableFunc(*votes, func(a, b Vote) int { return cmp.Compare(b.Count, a.Count) })
	}
	slices.SortStableFunc(t.Prevention, func(a, b Vote) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(slices.Index(Preventions, b.Value), slices.Index(Preventions, a.Value))
	})
	top := func(votes []Vote) string {
		if len(votes) == 0 {
			return ""
		}
		return votes[0].Value
	}
	in.CauseClass, in.CauseArchetype, in.Prevention = top(t.CauseClass), top(t.CauseArchetype), top(t.Prevention)
	in.PreventionText, in.AdditionalMeasures = strings.Join(prevention, "\n"), strings.Join(measures, "\n")
	in.Lessons = resolve(in.Lessons, index)
	return t, in
}

// SaveVerification saves the committee's verification result of case id
// as a draft (the secretariat). in.Version is the version loaded (0: the
// first save); a stale one is a ConflictError naming what changed; saving
// what is there changes nothing. A final result is reopened first.
func (s *Service) SaveVerification(ctx context.Context, sub access.Subject, id int64, in VerificationInput) (*Verification, error) {
	if _, err := s.consolidator(ctx, sub, id); err != nil {
		return nil, err
	}
	next := &Verification{CaseID: id, Status: VerificationDraft, CauseClass: strings.TrimSpace(in.CauseClass),
		CauseArchetype: strings.TrimSpace(in.CauseArchetype), Prevention: strings.TrimSpace(in.Prevention),
		PreventionText: strings.TrimSpace(in.PreventionText), AdditionalMeasures: strings.TrimSpace(in.AdditionalMeasures),
		Findings: strings.TrimSpace(in.Findings)}
	if err := checkCodes(next.CauseClass, next.CauseArchetype, next.Prevention, map[string]string{"prevention_text": next.PreventionText,
		"additional_measures": next.AdditionalMeasures, "findings": next.Findings}); err != nil {
		return nil, err
	}
	if in.Version < 0 {
		return nil, input("version", "version.invalid", "want the version you loaded, 0 for the first save")
	}
	db := s.DB.WithContext(ctx)
	var err error
	if next.Lessons, err = s.checkLessons(db, "lessons", in.Lessons, false); err != nil {
		return nil, err
	}
	var out *Verification
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, id); err != nil {
			return err
		}
		cur, err := s.verification(tx, id, nil)
		if err != nil {
			return err
		}
		now := s.now()
		if cur == nil {
			if in.Version != 0 {
				return input("version", "version.none", "the case has no verification result yet: send version 0")
			}
			next.Version = 1
			body, _ := json.Marshal(next.Lessons)
			if err := tx.Exec(`INSERT INTO verifications (case_id, version, status, cause_class, cause_archetype, prevention, prevention_text,
				additional_measures, findings, lessons, updated_by, updated_at) VALUES (?, 1, 'draft', ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)`,
				id, next.CauseClass, next.CauseArchetype, next.Prevention, next.PreventionText, next.AdditionalMeasures, next.Findings,
				string(body), actor(sub), now).Error; err != nil {
				return err
			}
		} else {
			if cur.Status == VerificationFinal {
				return input("status", "verification.final", "the verification is final: reopen it to change it")
			}
			// A proposal finalised before keeps the id it was given.
			if sameMap(next.content(), cur.content()) {
				out = cur
				return nil
			}
			if in.Version != cur.Version {
				return conflict(tx, recordVerification, id, in.Version, cur.Version, cur.content(), cur.UpdatedBy, cur.UpdatedAt)
			}
			next.Version = cur.Version + 1
			body, _ := json.Marshal(next.Lessons)
			if err := tx.Exec(`UPDATE verifications SET version = ?, cause_class = ?, cause_archetype = ?, prevention = ?, prevention_text = ?,
				additional_measures = ?, findings = ?, lessons = ?::jsonb, updated_by = ?, updated_at = ? WHERE case_id = ?`,
				next.Version, next.CauseClass, next.CauseArchetype, next.Prevention, next.PreventionText, next.AdditionalMeasures,
				next.Findings, string(body), actor(sub), now, id).Error; err != nil {
				return err
			}
		}
		if err := saveRevision(tx, recordVerification, id, next.Version, next.content(), actor(sub)); err != nil {
			return err
		}
		before := map[string]string{}
		if cur != nil {
			before = flat(cur.content())
		}
		if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionVerificationSave,
			Object: access.CaseKey(id) + "/verification", CaseID: id,
			Detail: map[string]any{"version": next.Version, "changes": audit.Diff(before, flat(next.content()), codeField)}}); err != nil {
			return err
		}
		out, err = s.verification(tx, id, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.resolvedVerification(db, out)
}

func (s *Service) resolvedVerification(db *gorm.DB, v *Verification) (*Verification, error) {
	if v == nil {
		return nil, nil
	}
	index, err := s.lessonIndex(db)
	if err != nil {
		return nil, err
	}
	v.Lessons = resolve(v.Lessons, index)
	return v, nil
}

// consolidator opens case id for the secretariat's consolidation.
func (s *Service) consolidator(ctx context.Context, sub access.Subject, id int64) (*theCase, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if !s.can(sub, c, access.Consolidate) {
		return nil, casefile.ErrForbidden
	}
	return c, notMerged(c)
}

// FinaliseVerification makes the verification of case id at version the
// committee's result: complete (classification, assessment, findings,
// every new lesson in both languages), its lessons become the case's
// lesson links — a catalogue lesson recurring or new for the case's fiscal
// year, a proposed one a new lesson of the catalogue (id CODE-YYYY-NN,
// first drawn in the case's fiscal year) — and the panel's open
// assignments close. Finalising a final result again changes nothing.
func (s *Service) FinaliseVerification(ctx context.Context, sub access.Subject, id int64, version int) (*Verification, error) {
	c, err := s.consolidator(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	db := s.DB.WithContext(ctx)
	var out *Verification
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, id); err != nil {
			return err
		}
		cur, err := s.verification(tx, id, nil)
		if err != nil {
			return err
		}
		switch {
		case cur == nil:
			return input("version", "verification.none", "there is no verification result to finalise: save one first")
		case cur.Version != version:
			return conflict(tx, recordVerification, id, version, cur.Version, cur.content(), cur.UpdatedBy, cur.UpdatedAt)
		case cur.Status == VerificationFinal:
			out = cur
			return nil
		}
		if err := complete(cur.CauseClass, cur.CauseArchetype, cur.Prevention, cur.PreventionText); err != nil {
			return err
		}
		if cur.Findings == "" {
			return input("findings", "findings.required", "required: the committee's findings on the case")
		}
		if _, err := s.checkLessons(tx, "lessons", cur.Lessons, true); err != nil {
			return err
		}
		fy := c.rec.FiscalYear
		var created []string
		for i, l := range cur.Lessons {
			if l.LessonID != "" {
				continue
			}
			t := s.Config.Lessons.Theme(l.Theme)
			lid, err := nextLessonID(tx, t.Code, fy)
			if err != nil {
				return err
			}
			if err := tx.Exec(`INSERT INTO lessons (id, theme, text_ja, text_en, first_year, origin_case_id, created_by)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, lid, l.Theme, l.TextJA, l.TextEN, fy, id, actor(sub)).Error; err != nil {
				return err
			}
			if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionLessonCreate, Object: "lessons/" + lid,
				CaseID: id, Detail: map[string]any{"lesson": lid, "theme": l.Theme, "first_year": fy}}); err != nil {
				return err
			}
			cur.Lessons[i] = LessonRef{LessonID: lid, Note: l.Note, Created: true}
			created = append(created, lid)
		}
		index, err := s.lessonIndex(tx)
		if err != nil {
			return err
		}
		var ids []string
		for _, l := range cur.Lessons {
			ids = append(ids, l.LessonID)
		}
		added, removed, err := linkLessons(tx, id, fy, ids, index, "verification", actor(sub))
		if err != nil {
			return err
		}
		now := s.now()
		cur.Status, cur.Version = VerificationFinal, cur.Version+1
		body, _ := json.Marshal(storedLessons(cur.Lessons))
		if err := tx.Exec(`UPDATE verifications SET status = 'final', version = ?, lessons = ?::jsonb, finalised_by = ?, finalised_at = ?,
			updated_by = ?, updated_at = ? WHERE case_id = ?`, cur.Version, string(body), actor(sub), now, actor(sub), now, id).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE review_assignments SET completed_at = ? WHERE case_id = ? AND removed_at IS NULL AND completed_at IS NULL`,
			now, id).Error; err != nil {
			return err
		}
		if err := saveRevision(tx, recordVerification, id, cur.Version, cur.content(), actor(sub)); err != nil {
			return err
		}
		if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionVerificationFinal,
			Object: access.CaseKey(id) + "/verification", CaseID: id,
			Detail: map[string]any{"version": cur.Version, "lessons": ids, "created": created, "linked": added, "unlinked": removed}}); err != nil {
			return err
		}
		out, err = s.verification(tx, id, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.resolvedVerification(db, out)
}

// ReopenVerification returns the final verification of case id at version
// to draft, with a reason (audited): its lesson links stay until it is
// finalised again, which puts them in step with it.
func (s *Service) ReopenVerification(ctx context.Context, sub access.Subject, id int64, version int, reason string) (*Verification, error) {
	if _, err := s.consolidator(ctx, sub, id); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, input("reason", "reason.required", "required: why the committee's result is reopened (recorded and audited)")
	}
	db := s.DB.WithContext(ctx)
	var out *Verification
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, id); err != nil {
			return err
		}
		cur, err := s.verification(tx, id, nil)
		if err != nil {
			return err
		}
		switch {
		case cur == nil:
			return input("version", "verification.none", "there is no verification result")
		case cur.Version != version:
			return conflict(tx, recordVerification, id, version, cur.Version, cur.content(), cur.UpdatedBy, cur.UpdatedAt)
		case cur.Status != VerificationFinal:
			out = cur
			return nil
		}
		cur.Status, cur.Version = VerificationDraft, cur.Version+1
		if err := tx.Exec(`UPDATE verifications SET status = 'draft', version = ?, finalised_by = '', finalised_at = NULL, updated_by = ?,
			updated_at = ? WHERE case_id = ?`, cur.Version, actor(sub), s.now(), id).Error; err != nil {
			return err
		}
		if err := saveRevision(tx, recordVerification, id, cur.Version, cur.content(), actor(sub)); err != nil {
			return err
		}
		if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionVerificationReopen,
			Object: access.CaseKey(id) + "/verification", CaseID: id,
			Detail: map[string]any{"version": cur.Version, "reason": reason}}); err != nil {
			return err
		}
		out, err = s.verification(tx, id, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.resolvedVerification(db, out)
}
