package app

import (
	"errors"

	"github.com/spf13/cobra"

	"kensho/internal/casefile"
)

func (a *app) lessonsCmd() *cobra.Command {
	var theme string
	cmd := &cobra.Command{
		Use:   "lessons",
		Short: "The lessons catalogue with how often each lesson was drawn and recurred, as JSON",
		Long: `Lists every theme of the lessons catalogue (configs/lessons.yaml, and the
lessons the committee accepted since, ids THEME-YYYY-NN) with each lesson's
id, text in Japanese and English, first fiscal year, the number of cases
linked to it, how many of them recurred (a fiscal year after its first) and
the cases per fiscal year. --theme keeps one theme.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			return a.withServices(cmd.Context(), func(s *services) error {
				deadlines, err := newDeadlines(s.db, a.cfg, cat, s.access, a.log)
				if err != nil {
					return err
				}
				rev, err := newReview(s.db, cat, s, deadlines, nil, a.log)
				if err != nil {
					return err
				}
				v, err := rev.CatalogueStats(cmd.Context(), theme)
				var ie *casefile.InputError
				if errors.As(err, &ie) {
					return usageError{errors.New("--theme: " + ie.Message)}
				}
				if err != nil {
					return err
				}
				return writeJSON(a.stdout, v)
			})
		},
	}
	cmd.Flags().StringVar(&theme, "theme", "", "one theme of the catalogue, e.g. inter_operator_cooperation")
	return cmd
}
