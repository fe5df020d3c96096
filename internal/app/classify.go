package app

import (
	"io"

	"github.com/spf13/cobra"

	"kensho/internal/caseformat"
)

func (a *app) classifyCmd() *cobra.Command {
	var ruleSet string
	cmd := &cobra.Command{
		Use:   "classify",
		Short: "Judge one kensho-case/v1 case read from stdin (no database needed)",
		Long: `Reads one case in kensho-case/v1 on stdin and prints its judgement as JSON:
rule_set, serious, quarterly, basis, met (the thresholds met), closest (the
nearest threshold missed), per-impact results and an explanation; for a
near_miss case also near_miss_reportable and near_miss_reason.

Without --rules the rule set in force on the occurrence date (JST) applies.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			cs, err := a.stdinCase()
			if err != nil {
				return err
			}
			res, err := cat.Classify(cs, ruleSet)
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, res)
		},
	}
	cmd.Flags().StringVar(&ruleSet, "rules", "", "judge under this rule set (1985, 2004, 2008, 2015, 2019, proposal-2025, uk, eu, de, fr, us)")
	return cmd
}

// stdinCase reads the one kensho-case/v1 case a command takes on stdin.
func (a *app) stdinCase() (caseformat.Case, error) {
	data, err := io.ReadAll(a.stdin)
	if err != nil {
		return caseformat.Case{}, err
	}
	return caseformat.DecodeCase(data)
}

func (a *app) rulesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rules",
		Short: "List the rule sets as JSON (id, status, in_force_from, categories, thresholds)",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, cat.RuleSets())
		},
	}
}
