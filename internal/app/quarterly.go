package app

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"kensho/internal/identity"
	"kensho/internal/quarterly"
)

func (a *app) quarterlyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "quarterly", Short: "Quarterly reports (四半期報告): upload files, the XLSX template"}
	var as string
	upload := &cobra.Command{
		Use:   "upload FILE",
		Short: "Upload a quarterly-report file (CSV, JSON or XLSX; - for stdin), all or nothing",
		Long: `Validates the whole file first: if anything is wrong nothing is written and
every problem is listed with its row and column. Rows already held with the
same values are unchanged; a known key with other values is a correction.
Without --as the command acts for the secretariat (every row names its
organisation); with --as LOGIN it acts as that user, under the access policy
(a reporter uploads its own organisation's rows only).
Prints {"added": N, "updated": M, "unchanged": K, "errors": [...]}.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			data, name, err := a.readInput(argv[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return a.withServices(ctx, func(s *services) error {
				svc, err := quarterly.New(s.db, s.access)
				if err != nil {
					return err
				}
				caller := quarterly.Caller{Actor: cliActor(), System: true}
				if as != "" {
					p, err := s.identity.ByLogin(ctx, as)
					if errors.Is(err, identity.ErrNoUser) {
						return usageError{fmt.Errorf("--as: %w", err)}
					}
					if err != nil {
						return err
					}
					caller = quarterly.Caller{Subject: p.Subject, Actor: p.Subject.Key}
				}
				res, err := svc.Upload(ctx, caller, quarterly.Upload{Filename: name, Data: data})
				var errs quarterly.Errors
				if res != nil && (err == nil || errors.As(err, &errs)) {
					if werr := writeJSON(a.stdout, res); werr != nil {
						return werr
					}
				}
				switch {
				case errors.As(err, &errs):
					return usageError{fmt.Errorf("nothing uploaded: %w", err)}
				case errors.Is(err, quarterly.ErrForbidden):
					return usageError{fmt.Errorf("--as %s: %w", as, err)}
				}
				return err
			})
		},
	}
	upload.Flags().StringVar(&as, "as", "", "upload as this user (login), under the access policy")
	template := &cobra.Command{
		Use:   "template",
		Short: "Write the XLSX template (header, instructions in Japanese and English, pull-down lists) to stdout",
		Args:  args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			cat, err := quarterly.DefaultCatalog()
			if err != nil {
				return err
			}
			data, err := cat.Template()
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(data)
			return err
		},
	}
	cmd.AddCommand(upload, template)
	return cmd
}
