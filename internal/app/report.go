package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/identity"
	"kensho/internal/report"
	"kensho/internal/survey"
)

// reportCmd is `kensho report`: the annual report from the command line.
func (a *app) reportCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: "The annual verification report (電気通信事故に関する検証報告)"}
	var fy int
	var out string
	var noPDF bool
	build := &cobra.Command{
		Use:   "build --fy YEAR [--out DIR] [--no-pdf]",
		Short: "Build a fiscal year's report from the case base into files (no edition, nothing published)",
		Long: `Builds the report of fiscal year --fy as the editions do — statistics, published
serious accidents, approved near-miss summaries, lessons, guidance, surveys —
and writes report.json, report.xlsx, report.html and (without --no-pdf)
report.pdf into --out. Prints the hashes, the time of each stage and what the
leak scanner found. Publishing goes through the editions (web UI or API).`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if fy < 2000 || fy > 2200 {
				return usageError{errors.New("--fy: a fiscal year such as 2024 is required")}
			}
			return a.withStack(cmd.Context(), func(st *Stack) error {
				res, err := buildFiles(cmd.Context(), st, fy, out, !noPDF)
				if err != nil {
					return err
				}
				return writeJSON(a.stdout, res)
			})
		},
	}
	build.Flags().IntVar(&fy, "fy", 0, "the fiscal year (April–March)")
	build.Flags().StringVarP(&out, "out", "o", ".", "the directory the files go to")
	build.Flags().BoolVar(&noPDF, "no-pdf", false, "leave out the PDF (no browser needed)")
	cmd.AddCommand(build)
	return cmd
}

// withStack opens the database and builds the whole stack for a command.
func (a *app) withStack(ctx context.Context, fn func(*Stack) error) error {
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	return a.withDB(ctx, func(gdb *gorm.DB) error {
		st, err := NewStack(ctx, gdb, a.cfg, cat, a.log)
		if err != nil {
			return err
		}
		defer st.Close()
		return fn(st)
	})
}

// buildResult is what `kensho report build` prints.
type buildResult struct {
	FiscalYear    int              `json:"fiscal_year"`
	Files         []string         `json:"files"`
	ContentSHA256 string           `json:"content_sha256"`
	XLSXSHA256    string           `json:"xlsx_sha256"`
	PDFSHA256     string           `json:"pdf_sha256,omitempty"`
	Millis        int64            `json:"ms"`
	PDFMillis     int64            `json:"pdf_ms,omitempty"`
	Notes         *report.Notes    `json:"notes"`
	Findings      []report.Finding `json:"findings"`
}

func buildFiles(ctx context.Context, st *Stack, fy int, dir string, pdf bool) (*buildResult, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	t0 := time.Now()
	r, notes, err := st.Reports.Builder.Build(ctx, report.Input{FiscalYear: fy, Edition: 1}, nil)
	if err != nil {
		return nil, err
	}
	content, err := report.Encode(r)
	if err != nil {
		return nil, err
	}
	out := st.Reports.Render
	xlsx, err := out.XLSX(r)
	if err != nil {
		return nil, err
	}
	hash := report.HashOf(content)
	doc, err := out.Document(r, hash, report.StatusDraft)
	if err != nil {
		return nil, err
	}
	res := &buildResult{FiscalYear: fy, ContentSHA256: hash, XLSXSHA256: report.HashOf(xlsx), Notes: notes,
		Millis: time.Since(t0).Milliseconds()}
	sc, err := st.Reports.Scanner(ctx)
	if err != nil {
		return nil, err
	}
	if res.Findings, err = report.Scan(sc, r, map[string][]byte{report.OutputJSON: content, report.OutputXLSX: xlsx, "html": doc}); err != nil {
		return nil, err
	}
	files := map[string][]byte{"report.json": content, "report.xlsx": xlsx, "report.html": doc}
	if pdf {
		t1 := time.Now()
		b, err := out.PDF(ctx, doc)
		if err != nil {
			return nil, err
		}
		res.PDFMillis, res.PDFSHA256 = time.Since(t1).Milliseconds(), report.HashOf(b)
		files["report.pdf"] = b
	}
	for _, name := range []string{"report.json", "report.xlsx", "report.html", "report.pdf"} {
		b, ok := files[name]
		if !ok {
			continue
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
		res.Files = append(res.Files, p)
	}
	return res, nil
}

// demoReportYear is the fiscal year of the demo's published report: the
// last year of the real serious accidents in configs/demo.
const demoReportYear = 2020

// seedReport publishes the demo's annual report of fiscal 2020 once: the
// year's serious accidents (real, public accidents) are published, then an
// edition is built, reviewed, approved and published by the demo editor
// and secretariat, as they would on the pages.
func seedReport(ctx context.Context, st *Stack, stdout func(string, ...any)) error {
	list, err := st.Reports.List(ctx, access.Anonymous)
	if err != nil {
		return err
	}
	for _, e := range list {
		if e.FiscalYear == demoReportYear {
			return nil
		}
	}
	sec, err := st.Identity.ByLogin(ctx, "secretariat")
	if err != nil {
		return err
	}
	editor, err := st.Identity.ByLogin(ctx, "editor")
	if err != nil {
		return err
	}
	var ids []int64
	if err := st.DB.WithContext(ctx).Raw(`SELECT id FROM cases WHERE kind = 'accident' AND fiscal_year = ? AND published_at IS NULL
		ORDER BY occurred_at`, demoReportYear).Scan(&ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := st.Cases.Publish(ctx, sec.Subject, id); err != nil {
			return fmt.Errorf("publishing demo case %d: %w", id, err)
		}
	}
	if err := seedSurvey(ctx, st, sec.Subject); err != nil {
		return fmt.Errorf("the demo follow-up survey: %w", err)
	}
	e, err := st.Reports.Create(ctx, editor.Subject, report.CreateInput{FiscalYear: demoReportYear,
		Foreword: "本報告は、令和2年度に発生した重大な事故について、電気通信事故検証会議が検証した結果を取りまとめたものです（デモデータ）。"})
	if err != nil {
		return err
	}
	if err := st.Reports.RunBuild(ctx, e.ID); err != nil {
		return fmt.Errorf("building the demo report: %w", err)
	}
	steps := []func(*report.Edition) (*report.Edition, error){
		func(e *report.Edition) (*report.Edition, error) { return st.Reports.Get(ctx, editor.Subject, e.ID) },
		func(e *report.Edition) (*report.Edition, error) {
			return st.Reports.Submit(ctx, editor.Subject, e.ID, e.Version)
		},
		func(e *report.Edition) (*report.Edition, error) {
			return st.Reports.Approve(ctx, sec.Subject, e.ID, e.Version)
		},
		func(e *report.Edition) (*report.Edition, error) {
			return st.Reports.Publish(ctx, sec.Subject, e.ID, e.Version)
		},
	}
	for _, step := range steps {
		if e, err = step(e); err != nil {
			return fmt.Errorf("publishing the demo report: %w", err)
		}
	}
	stdout("Published the demo annual report of fiscal %d: /reports/%d (content %s)\n", demoReportYear, demoReportYear, e.ContentSHA256[:12])
	return nil
}

// demoAnswers are the demo reporters' answers to the demo survey: lesson,
// then per reporter the status and whether it was effective.
var demoAnswers = []struct {
	lesson  string
	answers map[string][2]string
}{
	{"PROC-01", map[string][2]string{"kddi": {survey.NewlyDone, "yes"}, "docomo": {survey.Revised, "yes"}, "optage": {survey.Revised, "yes"}}},
	{"CAP-01", map[string][2]string{"kddi": {survey.Revised, "yes"}, "docomo": {survey.NewlyDone, "no"}, "optage": {survey.Planned, ""}}},
	{"PROC-02", map[string][2]string{"kddi": {survey.Planned, ""}, "docomo": {survey.NewlyDone, "yes"}, "optage": {survey.WantedButHard, ""}}},
}

// seedSurvey runs the demo's follow-up survey of fiscal 2020 — three
// lessons, the three demo reporters' organisations — from creation to
// its close, so that the demo report shows its results.
func seedSurvey(ctx context.Context, st *Stack, sec access.Subject) error {
	list, err := st.Surveys.List(ctx, sec)
	if err != nil {
		return err
	}
	for _, it := range list {
		if it.FiscalYear == demoReportYear {
			return nil
		}
	}
	var orgs []int64
	var reporters []*identity.Principal
	for _, login := range []string{"kddi", "docomo", "optage"} {
		p, err := st.Identity.ByLogin(ctx, login)
		if err != nil {
			return err
		}
		reporters = append(reporters, p)
		orgs = append(orgs, p.OrgID)
	}
	lessons := make([]string, len(demoAnswers))
	for i, a := range demoAnswers {
		lessons[i] = a.lesson
	}
	sv, err := st.Surveys.Create(ctx, sec, survey.CreateInput{FiscalYear: demoReportYear, Title: "教訓の実施状況に関するフォローアップ調査（デモ）",
		Lessons: lessons, Recipients: orgs, Chosen: true})
	if err != nil {
		return err
	}
	if sv, err = st.Surveys.Open(ctx, sec, sv.ID, sv.Version); err != nil {
		return err
	}
	for _, p := range reporters {
		var in survey.AnswerInput
		for _, a := range demoAnswers {
			ans := a.answers[p.Login]
			item := survey.AnswerItem{LessonID: a.lesson, Status: ans[0]}
			if ans[1] != "" {
				yes := ans[1] == "yes"
				item.Effective = &yes
			}
			in.Answers = append(in.Answers, item)
		}
		if _, err := st.Surveys.Answer(ctx, p.Subject, sv.ID, in); err != nil {
			return fmt.Errorf("%s's answers: %w", p.Login, err)
		}
	}
	sv, err = st.Surveys.Get(ctx, sec, sv.ID)
	if err != nil {
		return err
	}
	_, err = st.Surveys.Close(ctx, sec, sv.ID, sv.Version)
	return err
}
