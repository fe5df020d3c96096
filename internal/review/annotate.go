package review

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/caseformat"
	"kensho/internal/triage"
)

// The assessments of the operator's recurrence prevention, best first.
const (
	PreventionAdequate   = "adequate"
	PreventionPartly     = "partly"
	PreventionInadequate = "inadequate"
)

// Preventions are the assessments, best first.
var Preventions = []string{PreventionAdequate, PreventionPartly, PreventionInadequate}

// The statuses of an annotation.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
)

// AnnotationInput is what an expert saves.
type AnnotationInput struct {
	// Version is the version the expert loaded (0: a new annotation).
	Version        int    `json:"version"`
	CauseClass     string `json:"cause_class"`
	CauseArchetype string `json:"cause_archetype"`
	// Prevention assesses the operator's recurrence prevention: adequate,
	// partly or inadequate; PreventionText says why.
	Prevention         string      `json:"prevention"`
	PreventionText     string      `json:"prevention_text"`
	AdditionalMeasures string      `json:"additional_measures"`
	Lessons            []LessonRef `json:"lessons"`
}

// Annotation is one expert's annotation of a case.
type Annotation struct {
	ID                 int64       `json:"id"`
	CaseID             int64       `json:"case_id"`
	Expert             ExpertRef   `json:"expert"`
	Status             string      `json:"status"`
	Version            int         `json:"version"`
	CauseClass         string      `json:"cause_class"`
	CauseArchetype     string      `json:"cause_archetype"`
	Prevention         string      `json:"prevention"`
	PreventionText     string      `json:"prevention_text"`
	AdditionalMeasures string      `json:"additional_measures"`
	Lessons            []LessonRef `json:"lessons"`
	CreatedAt          time.Time   `json:"created_at"`
	UpdatedBy          string      `json:"updated_by"`
	UpdatedAt          time.Time   `json:"updated_at"`
	SubmittedAt        *time.Time  `json:"submitted_at,omitempty"`
	// Counted (consolidation): the annotation counts towards the
	// committee's result — submitted by a member still on the panel and
	// without a conflict; Why says why not.
	Counted *bool  `json:"counted,omitempty"`
	Why     string `json:"why,omitempty"`
}

// content is what a version of an annotation holds (revisions, conflicts,
// duplicates).
func (a *Annotation) content() map[string]any {
	return map[string]any{"status": a.Status, "cause_class": a.CauseClass, "cause_archetype": a.CauseArchetype,
		"prevention": a.Prevention, "prevention_text": a.PreventionText, "additional_measures": a.AdditionalMeasures,
		"lessons": storedLessons(a.Lessons)}
}

func storedLessons(ls []LessonRef) []LessonRef {
	out := make([]LessonRef, len(ls))
	for i, l := range ls {
		out[i] = l.stored()
	}
	return out
}

type annotationRow struct {
	ID                 int64
	CaseID             int64
	ExpertID           int64
	Status             string
	Version            int
	CauseClass         string
	CauseArchetype     string
	Prevention         string
	PreventionText     string
	AdditionalMeasures string
	Lessons            []byte
	CreatedAt          time.Time
	UpdatedBy          string
	UpdatedAt          time.Time
	SubmittedAt        *time.Time
	Login              string
	Name               string
}

func (r annotationRow) annotation() *Annotation {
	a := &Annotation{ID: r.ID, CaseID: r.CaseID, Expert: ExpertRef{UserID: r.ExpertID, Login: r.Login, Name: cmp.Or(r.Name, r.Login), Fields: []string{}},
		Status: r.Status, Version: r.Version, CauseClass: r.CauseClass, CauseArchetype: r.CauseArchetype, Prevention: r.Prevention,
		PreventionText: r.PreventionText, AdditionalMeasures: r.AdditionalMeasures, CreatedAt: r.CreatedAt, UpdatedBy: r.UpdatedBy,
		UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt, Lessons: []LessonRef{}}
	_ = json.Unmarshal(r.Lessons, &a.Lessons)
	return a
}

const annotationSelect = `SELECT n.id, n.case_id, n.expert_id, n.status, n.version, n.cause_class, n.cause_archetype, n.prevention,
	n.prevention_text, n.additional_measures, n.lessons, n.created_at, n.updated_by, n.updated_at, n.submitted_at,
	u.login, u.display_name AS name
	FROM annotations n JOIN users u ON u.id = n.expert_id`

func annotationsOf(db *gorm.DB, caseID int64) ([]*Annotation, error) {
	var rows []annotationRow
	if err := db.Raw(annotationSelect+` WHERE n.case_id = ? ORDER BY n.submitted_at NULLS LAST, n.id`, caseID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*Annotation, len(rows))
	for i, r := range rows {
		out[i] = r.annotation()
	}
	return out, nil
}

func annotationOf(db *gorm.DB, caseID, expertID int64) (*Annotation, error) {
	var rows []annotationRow
	if err := db.Raw(annotationSelect+` WHERE n.case_id = ? AND n.expert_id = ?`, caseID, expertID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return rows[0].annotation(), nil
}

// assignment is sub's active assignment to case id, if any.
func assignment(db *gorm.DB, caseID, userID int64) (*assignmentRow, error) {
	var rows []assignmentRow
	if err := db.Raw(assignmentSelect+` WHERE a.case_id = ? AND a.expert_id = ? AND a.removed_at IS NULL`, caseID, userID).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// annotator checks that sub may annotate case c: the policy allows it (an
// expert without a conflict) and sub is an active member of its panel.
func (s *Service) annotator(ctx context.Context, sub access.Subject, c *theCase) error {
	if !s.can(sub, c, access.Annotate) {
		return casefile.ErrForbidden
	}
	a, err := assignment(s.DB.WithContext(ctx), c.rec.ID, sub.UserID())
	if err != nil {
		return err
	}
	if a == nil {
		return casefile.ErrForbidden
	}
	return nil
}

// checkAnnotation validates the codes and texts an expert or the
// secretariat gives (the same fields on an annotation and a verification).
func checkCodes(class, archetype, prevention string, texts map[string]string) error {
	switch {
	case class != "" && !slices.Contains(caseformat.CauseClasses, class):
		return input("cause_class", "cause_class.unknown", "%q: want equipment, human or external", class)
	case archetype != "" && !slices.Contains(caseformat.CauseArchetypes, archetype):
		return input("cause_archetype", "cause_archetype.unknown", "%q: want one of %s", archetype, strings.Join(caseformat.CauseArchetypes, ", "))
	case prevention != "" && !slices.Contains(Preventions, prevention):
		return input("prevention", "prevention.unknown", "%q: want adequate, partly or inadequate", prevention)
	}
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := tooLong(k, texts[k], maxText); err != nil {
			return err
		}
	}
	return nil
}

// complete checks what submitting (or finalising) needs: the cause class
// and archetype, the assessment, and its text unless adequate.
func complete(class, archetype, prevention, text string) error {
	switch {
	case class == "":
		return input("cause_class", "cause_class.required", "required: equipment, human or external")
	case archetype == "":
		return input("cause_archetype", "cause_archetype.required", "required: the cause archetype")
	case prevention == "":
		return input("prevention", "prevention.required", "required: is the operator's recurrence prevention adequate, partly adequate or inadequate?")
	case prevention != PreventionAdequate && strings.TrimSpace(text) == "":
		return input("prevention_text", "prevention_text.required", "required: what is missing from the operator's recurrence prevention")
	}
	return nil
}

// SaveAnnotation saves sub's annotation of case id as a draft: sub must be
// an active member of its panel without a conflict. in.Version is the
// version sub loaded (0 for a first save); a stale one is a ConflictError
// naming what changed. Saving what is there already changes nothing;
// editing a submitted annotation makes it a draft again.
func (s *Service) SaveAnnotation(ctx context.Context, sub access.Subject, id int64, in AnnotationInput) (*Annotation, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if err := s.annotator(ctx, sub, c); err != nil {
		return nil, err
	}
	in.CauseClass, in.CauseArchetype, in.Prevention = strings.TrimSpace(in.CauseClass), strings.TrimSpace(in.CauseArchetype), strings.TrimSpace(in.Prevention)
	in.PreventionText, in.AdditionalMeasures = strings.TrimSpace(in.PreventionText), strings.TrimSpace(in.AdditionalMeasures)
	if err := checkCodes(in.CauseClass, in.CauseArchetype, in.Prevention,
		map[string]string{"prevention_text": in.PreventionText, "additional_measures": in.AdditionalMeasures}); err != nil {
		return nil, err
	}
	if in.Version < 0 {
		return nil, input("version", "version.invalid", "want the version you loaded, 0 for a new annotation")
	}
	db := s.DB.WithContext(ctx)
	lessons, err := s.checkLessons(db, "lessons", in.Lessons, false)
	if err != nil {
		return nil, err
	}
	var out *Annotation
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, id); err != nil {
			return err
		}
		if final, err := verificationFinal(tx, id); err != nil {
			return err
		} else if final {
			return input("status", "verification.final", "the committee's verification of this case is final: annotations are closed")
		}
		cur, err := annotationOf(tx, id, sub.UserID())
		if err != nil {
			return err
		}
		next := &Annotation{CaseID: id, Status: StatusDraft, CauseClass: in.CauseClass, CauseArchetype: in.CauseArchetype,
			Prevention: in.Prevention, PreventionText: in.PreventionText, AdditionalMeasures: in.AdditionalMeasures, Lessons: lessons}
		now := s.now()
		if cur == nil {
			if in.Version != 0 {
				return input("version", "version.none", "you have no annotation of this case yet: send version 0")
			}
			body, _ := json.Marshal(lessons)
			next.Version = 1
			if err := tx.Raw(`INSERT INTO annotations (case_id, expert_id, status, version, cause_class, cause_archetype, prevention,
				prevention_text, additional_measures, lessons, updated_by, created_at, updated_at)
				VALUES (?, ?, 'draft', 1, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?) RETURNING id`, id, sub.UserID(), next.CauseClass, next.CauseArchetype,
				next.Prevention, next.PreventionText, next.AdditionalMeasures, string(body), actor(sub), now, now).Scan(&next.ID).Error; err != nil {
				return err
			}
		} else {
			same := *next
			same.Status = cur.Status
			if sameMap(same.content(), cur.content()) {
				out = cur
				return nil
			}
			if in.Version != cur.Version {
				return conflict(tx, recordAnnotation, cur.ID, in.Version, cur.Version, cur.content(), cur.UpdatedBy, cur.UpdatedAt)
			}
			next.ID, next.Version = cur.ID, cur.Version+1
			body, _ := json.Marshal(lessons)
			res := tx.Exec(`UPDATE annotations SET status = 'draft', version = ?, cause_class = ?, cause_archetype = ?, prevention = ?,
				prevention_text = ?, additional_measures = ?, lessons = ?::jsonb, updated_by = ?, updated_at = ?, submitted_at = NULL
				WHERE id = ? AND version = ?`, next.Version, next.CauseClass, next.CauseArchetype, next.Prevention, next.PreventionText,
				next.AdditionalMeasures, string(body), actor(sub), now, cur.ID, cur.Version)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return errors.New("annotation changed under the case lock")
			}
			if cur.Status == StatusSubmitted {
				// Back to draft: the assignment is open again.
				if err := tx.Exec(`UPDATE review_assignments SET completed_at = NULL WHERE case_id = ? AND expert_id = ? AND removed_at IS NULL`,
					id, sub.UserID()).Error; err != nil {
					return err
				}
			}
		}
		if err := saveRevision(tx, recordAnnotation, next.ID, next.Version, next.content(), actor(sub)); err != nil {
			return err
		}
		before := map[string]string{}
		if cur != nil {
			before = flat(cur.content())
		}
		if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionAnnotationSave,
			Object: access.CaseKey(id) + "/annotations/" + access.UserKey(sub.UserID()), CaseID: id,
			Detail: map[string]any{"version": next.Version, "changes": audit.Diff(before, flat(next.content()), codeField)}}); err != nil {
			return err
		}
		got, err := annotationOf(tx, id, sub.UserID())
		out = got
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.resolved(db, out)
}

// codeField: codes are open in the audit trail's diffs, texts digests.
func codeField(f string) bool {
	return f == "status" || f == "cause_class" || f == "cause_archetype" || f == "prevention" || f == "depth"
}

// flat renders a record's content as strings for audit.Diff.
func flat(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
			continue
		}
		b, _ := json.Marshal(v)
		out[k] = string(b)
	}
	return out
}

func (s *Service) resolved(db *gorm.DB, a *Annotation) (*Annotation, error) {
	if a == nil {
		return nil, nil
	}
	index, err := s.lessonIndex(db)
	if err != nil {
		return nil, err
	}
	a.Lessons = resolve(a.Lessons, index)
	return a, nil
}

// SubmitAnnotation submits sub's annotation of case id at version: it
// must be complete (cause class and archetype, the assessment, and its
// text unless adequate). Submitting a submitted annotation again at its
// version changes nothing. The assignment is then complete.
func (s *Service) SubmitAnnotation(ctx context.Context, sub access.Subject, id int64, version int) (*Annotation, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	if err := s.annotator(ctx, sub, c); err != nil {
		return nil, err
	}
	db := s.DB.WithContext(ctx)
	var out *Annotation
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := lockCase(tx, id); err != nil {
			return err
		}
		cur, err := annotationOf(tx, id, sub.UserID())
		if err != nil {
			return err
		}
		switch {
		case cur == nil:
			return input("version", "annotation.none", "you have no annotation of this case yet: save one first")
		case cur.Version != version:
			return conflict(tx, recordAnnotation, cur.ID, version, cur.Version, cur.content(), cur.UpdatedBy, cur.UpdatedAt)
		case cur.Status == StatusSubmitted:
			out = cur
			return nil
		}
		if final, err := verificationFinal(tx, id); err != nil {
			return err
		} else if final {
			return input("status", "verification.final", "the committee's verification of this case is final: annotations are closed")
		}
		if err := complete(cur.CauseClass, cur.CauseArchetype, cur.Prevention, cur.PreventionText); err != nil {
			return err
		}
		now := s.now()
		if err := tx.Exec(`UPDATE annotations SET status = 'submitted', submitted_at = ? WHERE id = ?`, now, cur.ID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE review_assignments SET completed_at = ? WHERE case_id = ? AND expert_id = ? AND removed_at IS NULL
			AND completed_at IS NULL`, now, id, sub.UserID()).Error; err != nil {
			return err
		}
		cur.Status = StatusSubmitted
		if err := saveRevision(tx, recordAnnotation, cur.ID, cur.Version, cur.content(), actor(sub)); err != nil {
			return err
		}
		if _, err := audit.Append(ctx, tx, audit.Event{Actor: actor(sub), Action: audit.ActionAnnotationSubmit,
			Object: access.CaseKey(id) + "/annotations/" + access.UserKey(sub.UserID()), CaseID: id,
			Detail: map[string]any{"version": cur.Version, "lessons": len(cur.Lessons)}}); err != nil {
			return err
		}
		out, err = annotationOf(tx, id, sub.UserID())
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.resolved(db, out)
}

// Workspace is an expert's page on one case: the case as the caller sees
// it, what it needs, the caller's assignment and annotation, the panel,
// the annotations the caller may read, the comments, similar past cases
// and the lessons catalogue to pick from.
type Workspace struct {
	Case       CaseHeader     `json:"case"`
	View       *casefile.View `json:"view"`
	Judgement  *Judgement     `json:"judgement,omitempty"`
	Decision   *Decision      `json:"decision,omitempty"`
	Needs      []Need         `json:"needs"`
	Assignment *Member        `json:"assignment,omitempty"`
	Mine       *Annotation    `json:"mine,omitempty"`
	Panel      []Member       `json:"panel"`
	// Annotations are the others': submitted ones, and for the secretariat
	// drafts too.
	Annotations  []*Annotation   `json:"annotations"`
	Comments     []Comment       `json:"comments"`
	Similarity   *triage.Result  `json:"similarity,omitempty"`
	Verification *Verification   `json:"verification,omitempty"`
	Catalogue    []ThemeBrief    `json:"catalogue"`
	Actions      []access.Action `json:"actions"`
}

// ThemeBrief is a theme with its lessons' texts, to pick from.
type ThemeBrief struct {
	ID      string   `json:"id"`
	JA      string   `json:"ja"`
	EN      string   `json:"en"`
	Lessons []Lesson `json:"lessons"`
}

// Workspace is the expert workspace of case id for sub (committee tier:
// any expert without a conflict reads it; only a panel member annotates).
// Reading it is audited with the tiers shown.
func (s *Service) Workspace(ctx context.Context, sub access.Subject, id int64) (*Workspace, error) {
	c, err := s.open(ctx, sub, id)
	if err != nil {
		return nil, err
	}
	db := s.DB.WithContext(ctx)
	w := &Workspace{Case: header(c.rec), View: c.view, Judgement: s.judge(c.rec), Needs: s.Config.Expertise.Needs(&c.rec.Case),
		Panel: []Member{}, Annotations: []*Annotation{}, Actions: []access.Action{}}
	if w.Decision, err = current(db, id); err != nil {
		return nil, err
	}
	rows, err := assignments(db, id)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.RemovedAt != nil {
			continue
		}
		m := s.member(r, c)
		w.Panel = append(w.Panel, m)
		if r.ExpertID == sub.UserID() {
			mm := m
			w.Assignment = &mm
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
	for _, a := range all {
		a.Lessons = resolve(a.Lessons, index)
		switch {
		case a.Expert.UserID == sub.UserID():
			w.Mine = a
		case a.Status == StatusSubmitted || secretariat:
			w.Annotations = append(w.Annotations, a)
		}
	}
	if w.Comments, err = s.comments(db, id); err != nil {
		return nil, err
	}
	w.Similarity = s.similar(ctx, sub, id, decisionTopK)
	if w.Verification, err = s.verification(db, id, index); err != nil {
		return nil, err
	}
	w.Catalogue, err = s.briefCatalogue(db)
	if err != nil {
		return nil, err
	}
	final := w.Verification != nil && w.Verification.Status == VerificationFinal
	if w.Assignment != nil && !w.Assignment.Conflicted && s.can(sub, c, access.Annotate) && !final {
		w.Actions = append(w.Actions, access.Annotate)
	}
	if s.mayComment(db, sub, c) {
		w.Actions = append(w.Actions, access.Comment)
	}
	if secretariat {
		w.Actions = append(w.Actions, access.Consolidate)
	}
	return w, s.auditRead(ctx, sub, id, "workspace", c.view.Tiers()...)
}

// briefCatalogue is every theme with its lessons (the file's and the
// committee's), to pick a lesson from.
func (s *Service) briefCatalogue(db *gorm.DB) ([]ThemeBrief, error) {
	extra, _, err := committeeLessons(db)
	if err != nil {
		return nil, err
	}
	out := make([]ThemeBrief, 0, len(s.Config.Lessons.Themes))
	for _, t := range s.Config.Lessons.Themes {
		tb := ThemeBrief{ID: t.ID, JA: t.JA, EN: t.EN, Lessons: []Lesson{}}
		for _, l := range t.Lessons {
			tb.Lessons = append(tb.Lessons, *l)
		}
		for _, l := range extra {
			if l.Theme == t.ID {
				tb.Lessons = append(tb.Lessons, *l)
			}
		}
		out = append(out, tb)
	}
	return out, nil
}
