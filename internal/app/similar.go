package app

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"kensho/internal/triage"
)

// similarItem is one line of `kensho similar`'s answer (CASE-FORMAT.md).
type similarItem struct {
	Ref   string          `json:"ref"`
	Kind  string          `json:"kind"`
	Score float64         `json:"score"`
	Title string          `json:"title,omitempty"`
	Why   []triage.Reason `json:"why"`
}

func (a *app) similarCmd() *cobra.Command {
	var top int
	cmd := &cobra.Command{
		Use:   "similar",
		Short: "List the stored cases most like one kensho-case/v1 case read from stdin",
		Long: `Reads one case in kensho-case/v1 on stdin, builds the similarity index from
the database (every case and detailed quarterly-report row) and prints a JSON
list, best first, of {"ref", "kind", "score" (0..1), "title", "why"}: the
grounds of each match (shared key words, same cause archetype, equipment,
service, cause class, near-miss situation). The command runs with the
database's credentials and so compares with the whole case base.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if top < 1 || top > triage.MaxTop {
				return usageError{fmt.Errorf("--top: must be 1..%d; got %d", triage.MaxTop, top)}
			}
			cs, err := a.stdinCase()
			if err != nil {
				return err
			}
			cfg, err := triage.LoadSimilarityConfig()
			if err != nil {
				return err
			}
			return a.withServices(cmd.Context(), func(s *services) error {
				e := triage.NewEngine(s.db, s.access, cfg, a.log)
				if err := e.Build(cmd.Context()); err != nil {
					return errors.Join(triage.ErrIndexUnavailable, err)
				}
				res, err := e.SimilarCaseAll(cmd.Context(), &cs, top)
				if err != nil {
					return err
				}
				out := make([]similarItem, 0, len(res.Matches))
				for _, m := range res.Matches {
					out = append(out, similarItem{Ref: m.Ref, Kind: m.Kind, Score: m.Score, Title: m.Title, Why: m.Why})
				}
				return writeJSON(a.stdout, out)
			})
		},
	}
	cmd.Flags().IntVar(&top, "top", 10, fmt.Sprintf("how many matches (1..%d)", triage.MaxTop))
	return cmd
}
