package report_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/report"
	"kensho/internal/stacktest"
)

// plainOutputs stands in for the renderer where the workflow, not the
// files, is tested: the document is the report's JSON, which the scanner
// reads like any output; no workbook, a fixed PDF.
type plainOutputs struct{}

func (plainOutputs) XLSX(*report.Report) ([]byte, error) { return nil, nil }
func (plainOutputs) Document(r *report.Report, _, _ string) ([]byte, error) {
	return report.Encode(r)
}
func (plainOutputs) PDF(context.Context, []byte) ([]byte, error) { return []byte("%PDF-1.7 test"), nil }

func editions(t *testing.T, s *stacktest.Stack, out report.Renderer) *report.Editions {
	e, err := report.NewEditions(s.DB, s.Access, builder(t, s), out, s.Stack.Cases.Scanner, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	return e
}

// subject is the demo user login as the services see it.
func subject(t testing.TB, s *stacktest.Stack, login string) access.Subject {
	var id int64
	require.NoError(t, s.DB.Raw(`SELECT id FROM users WHERE login = ?`, login).Scan(&id).Error)
	require.NotZero(t, id, login)
	return access.UserSubject(id, 0)
}

func TestEditionWorkflow(t *testing.T) {
	s := fixture(t)
	ed := editions(t, s, plainOutputs{})
	ctx := context.Background()
	editor, sec, expert := subject(t, s, "editor"), subject(t, s, "secretariat"), subject(t, s, "expert")

	_, err := ed.Create(ctx, expert, report.CreateInput{FiscalYear: 2024})
	assert.ErrorIs(t, err, casefile.ErrForbidden)
	_, err = ed.Create(ctx, editor, report.CreateInput{FiscalYear: 2099})
	var input *casefile.InputError
	require.ErrorAs(t, err, &input)
	assert.Equal(t, "fiscal_year", input.Field)

	e, err := ed.Create(ctx, editor, report.CreateInput{FiscalYear: 2024, Foreword: "令和6年度の検証報告です。"})
	require.NoError(t, err)
	assert.Equal(t, 1, e.Edition)
	assert.Equal(t, report.StatusDraft, e.Status)
	assert.Equal(t, report.BuildQueued, e.Build.State)
	assert.Contains(t, e.Actions, "edit")
	assert.NotContains(t, e.Actions, "submit", "nothing to review before the build")
	_, err = ed.Create(ctx, editor, report.CreateInput{FiscalYear: 2024})
	var state *report.StateError
	assert.ErrorAs(t, err, &state, "one edition of a year in the making")

	// Unpublished: the public does not see it at all.
	_, err = ed.Get(ctx, access.Anonymous, e.ID)
	assert.ErrorIs(t, err, report.ErrNotFound)
	_, err = ed.Published(ctx, 2024, 0)
	assert.ErrorIs(t, err, report.ErrNotFound)
	_, err = ed.Output(ctx, access.Anonymous, e.ID, report.OutputJSON)
	assert.ErrorIs(t, err, report.ErrNotFound)

	require.NoError(t, ed.RunBuild(ctx, e.ID))
	e, err = ed.Get(ctx, editor, e.ID)
	require.NoError(t, err)
	assert.Equal(t, report.BuildDone, e.Build.State)
	assert.Equal(t, e.Build.Steps, e.Build.Step)
	require.NotNil(t, e.Notes)
	assert.Equal(t, []string{"FX-3"}, e.Notes.UnpublishedSerious)
	out, err := ed.Output(ctx, editor, e.ID, report.OutputJSON)
	require.NoError(t, err)
	r, _, err := builder(t, s).Build(ctx, report.Input{FiscalYear: 2024, Edition: 1, Foreword: "令和6年度の検証報告です。"}, nil)
	require.NoError(t, err)
	want, err := report.Encode(r)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(out.Body), "the snapshot is the build")
	assert.Equal(t, e.ContentSHA256, out.SHA256)
	for _, f := range e.Findings {
		assert.False(t, f.Blocking, "%+v", f)
	}

	_, err = ed.Submit(ctx, editor, e.ID, e.Version-1)
	assert.ErrorIs(t, err, casefile.ErrConflict)
	e, err = ed.Submit(ctx, editor, e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, report.StatusReview, e.Status)
	_, err = ed.AddComment(ctx, editor, e.ID, "統計表の注記を確認してください。")
	require.NoError(t, err)
	_, err = ed.AddComment(ctx, sec, e.ID, "確認しました。")
	require.NoError(t, err)
	_, err = ed.AddComment(ctx, expert, e.ID, "x")
	assert.ErrorIs(t, err, report.ErrNotFound, "an expert does not see editions in the making")
	_, err = ed.Approve(ctx, editor, e.ID, e.Version)
	assert.ErrorIs(t, err, casefile.ErrForbidden, "the secretariat approves")
	_, err = ed.Publish(ctx, editor, e.ID, e.Version)
	assert.ErrorAs(t, err, &state, "not before approval")
	e, err = ed.Approve(ctx, sec, e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, report.StatusApproved, e.Status)
	assert.Contains(t, e.Actions, "publish")
	e, err = ed.Publish(ctx, editor, e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, report.StatusPublished, e.Status)
	assert.Len(t, e.Comments, 2)
	assert.Equal(t, "編集 次郎", e.Comments[0].AuthorName)

	// Published: public, immutable.
	pub, err := ed.Published(ctx, 2024, 0)
	require.NoError(t, err)
	assert.Equal(t, e.ContentSHA256, pub.ContentSHA256)
	assert.Nil(t, pub.Comments, "the public sees no comments")
	out, err = ed.Output(ctx, access.Anonymous, e.ID, report.OutputJSON)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(out.Body))
	err = s.DB.Exec(`UPDATE report_editions SET foreword = 'changed' WHERE id = ?`, e.ID).Error
	assert.ErrorContains(t, err, "is published and cannot change")
	_, err = ed.Update(ctx, editor, e.ID, report.UpdateInput{Version: e.Version, Foreword: "x"})
	assert.ErrorAs(t, err, &state)

	// A correction is a new edition; the old one stays readable.
	_, err = ed.Create(ctx, editor, report.CreateInput{FiscalYear: 2024})
	require.ErrorAs(t, err, &input)
	assert.Equal(t, "corrects", input.Field)
	_, err = ed.Create(ctx, editor, report.CreateInput{FiscalYear: 2024, Corrects: e.ID})
	require.ErrorAs(t, err, &input)
	assert.Equal(t, "correction", input.Field)
	c2, err := ed.Create(ctx, editor, report.CreateInput{FiscalYear: 2024, Corrects: e.ID, Foreword: e.Foreword,
		Correction: "FX-2の影響利用者数を訂正しました。"})
	require.NoError(t, err)
	assert.Equal(t, 2, c2.Edition)
	assert.Equal(t, 1, c2.Corrects)
	require.NoError(t, ed.RunBuild(ctx, c2.ID))
	c2, err = ed.Get(ctx, editor, c2.ID)
	require.NoError(t, err)
	assert.NotEqual(t, e.ContentSHA256, c2.ContentSHA256, "the edition number and the note are content")
	c2, err = ed.Submit(ctx, editor, c2.ID, c2.Version)
	require.NoError(t, err)
	c2, err = ed.Approve(ctx, sec, c2.ID, c2.Version)
	require.NoError(t, err)
	_, err = ed.Publish(ctx, sec, c2.ID, c2.Version)
	require.NoError(t, err)
	latest, err := ed.Published(ctx, 2024, 0)
	require.NoError(t, err)
	assert.Equal(t, 2, latest.Edition)
	first, err := ed.Published(ctx, 2024, 1)
	require.NoError(t, err)
	assert.Equal(t, 2, first.SupersededBy)
	assert.Equal(t, e.ContentSHA256, first.ContentSHA256)
	list, err := ed.List(ctx, access.Anonymous)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, 2, list[0].Edition)
	assert.Equal(t, 2, list[1].SupersededBy)

	// Every step is in the audit trail.
	var actions []string
	require.NoError(t, s.DB.Raw(`SELECT action FROM audit_log WHERE object = ? ORDER BY id`, "reports/editions/"+strconv.FormatInt(e.ID, 10)).Scan(&actions).Error)
	assert.Equal(t, []string{"write", "write", "comment.add", "comment.add", "approve", "publish"}, actions)
}

// A name planted where the tier forbids it — an alias in the editors'
// foreword, a brand slipped into an approved near-miss summary — blocks
// publication, naming each span; the refusal is audited.
func TestPublicationBlockedByPlantedAlias(t *testing.T) {
	s := fixture(t)
	ed := editions(t, s, plainOutputs{})
	ctx := context.Background()
	editor, sec := subject(t, s, "editor"), subject(t, s, "secretariat")
	require.NoError(t, s.DB.Exec(`UPDATE near_miss_summaries SET text = text || ' 影響はauの利用者に及ばなかった。'
		WHERE status = 'approved' AND case_id = (SELECT id FROM cases WHERE ref = 'FX-NM1')`).Error)

	e, err := ed.Create(ctx, editor, report.CreateInput{FiscalYear: 2024, Foreword: "本年度はドコモの事案を含む。"})
	require.NoError(t, err)
	require.NoError(t, ed.RunBuild(ctx, e.ID))
	e, err = ed.Get(ctx, editor, e.ID)
	require.NoError(t, err)
	blocking := map[string]string{}
	for _, f := range e.Findings {
		if f.Blocking {
			blocking[f.Where] = f.Text
		}
	}
	assert.Equal(t, map[string]string{"foreword": "ドコモ", "near_misses[0].text": "au"}, blocking,
		"each planted name, where it is — although NTT Docomo is named in a public part")
	e, err = ed.Submit(ctx, editor, e.ID, e.Version)
	require.NoError(t, err)
	e, err = ed.Approve(ctx, sec, e.ID, e.Version)
	require.NoError(t, err)
	_, err = ed.Publish(ctx, sec, e.ID, e.Version)
	var leak *report.LeakError
	require.ErrorAs(t, err, &leak)
	assert.Contains(t, leak.Error(), `foreword: "ドコモ"`)
	after, err := ed.Get(ctx, sec, e.ID)
	require.NoError(t, err)
	assert.Equal(t, report.StatusApproved, after.Status, "nothing was published")
	_, err = ed.Published(ctx, 2024, 0)
	assert.ErrorIs(t, err, report.ErrNotFound)
	var blocked int
	require.NoError(t, s.DB.Raw(`SELECT count(*) FROM audit_log WHERE action = 'publish.blocked' AND object = ?`,
		"reports/editions/"+strconv.FormatInt(e.ID, 10)).Scan(&blocked).Error)
	assert.Equal(t, 1, blocked)

	// Fixed: back to draft, the text changed, built, approved, published.
	after, err = ed.Return(ctx, sec, e.ID, after.Version, "序文に事業者名があります")
	require.NoError(t, err)
	after, err = ed.Update(ctx, editor, e.ID, report.UpdateInput{Version: after.Version, Foreword: "本年度の検証報告です。"})
	require.NoError(t, err)
	require.NoError(t, s.DB.Exec(`UPDATE near_miss_summaries SET text = replace(text, 'auの', '')`).Error)
	require.NoError(t, ed.RunBuild(ctx, e.ID))
	after, err = ed.Get(ctx, editor, e.ID)
	require.NoError(t, err)
	after, err = ed.Submit(ctx, editor, e.ID, after.Version)
	require.NoError(t, err)
	after, err = ed.Approve(ctx, sec, e.ID, after.Version)
	require.NoError(t, err)
	_, err = ed.Publish(ctx, sec, e.ID, after.Version)
	require.NoError(t, err, "%v", errors.Unwrap(err))
}
