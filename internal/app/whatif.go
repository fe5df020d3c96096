package app

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"kensho/internal/jpdate"
	"kensho/internal/report"
)

func (a *app) whatifCmd() *cobra.Command {
	var ruleSet, from, to string
	cmd := &cobra.Command{
		Use:   "whatif --rules ID [--from DATE] [--to DATE]",
		Short: "Compare serious accidents per fiscal year under the rule sets in force and under another",
		Long: `For each fiscal year (April–March, JST) from --from to --to (both inclusive;
default: the whole case base) prints fiscal_year, cases, in_force (serious under
the rule set in force when each case happened), under (serious under --rules),
difference, and the refs added and removed.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if ruleSet == "" {
				return usageError{fmt.Errorf("--rules is required")}
			}
			var f, t time.Time
			var err error
			if from != "" {
				if f, err = jpdate.ParseDate(from); err != nil {
					return usageError{fmt.Errorf("--from: %w", err)}
				}
			}
			if to != "" {
				if t, err = jpdate.ParseDate(to); err != nil {
					return usageError{fmt.Errorf("--to: %w", err)}
				}
			}
			if !f.IsZero() && !t.IsZero() && t.Before(f) {
				return usageError{fmt.Errorf("--to %s is before --from %s", to, from)}
			}
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			if _, err := cat.Get(ruleSet); err != nil {
				return err
			}
			store, closeDB, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer closeDB()
			years, err := report.New(store, cat).WhatIf(cmd.Context(), ruleSet, f, t)
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, years)
		},
	}
	cmd.Flags().StringVar(&ruleSet, "rules", "", "the rule set to compare with (required)")
	cmd.Flags().StringVar(&from, "from", "", "first occurrence date (JST, 2006-01-02)")
	cmd.Flags().StringVar(&to, "to", "", "last occurrence date (JST, 2006-01-02)")
	return cmd
}
