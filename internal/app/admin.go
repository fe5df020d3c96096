package app

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"kensho/configs"
	"kensho/internal/db"
	"kensho/internal/intake"
)

func (a *app) dbCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "db", Short: "Database administration"}
	cmd.AddCommand(&cobra.Command{
		Use:   "create",
		Short: "Create the configured database (UTF-8) if it does not exist",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			created, err := db.CreateDatabase(cmd.Context(), a.cfg.Database.URL)
			if err != nil {
				return err
			}
			_, name, _ := db.AdminURL(a.cfg.Database.URL)
			if created {
				fmt.Fprintf(a.stdout, "created database %s\n", name)
			} else {
				fmt.Fprintf(a.stdout, "database %s exists\n", name)
			}
			return nil
		},
	})
	return cmd
}

func (a *app) orgsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "orgs", Short: "The organisation registry"}
	cmd.AddCommand(&cobra.Command{
		Use:   "load [FILE]",
		Short: "Load the organisation registry (default: the built-in configs/organisations.yaml)",
		Long: `Creates missing organisations, updates names and the designated-public-
institution flag, and adds aliases. Never removes anything; safe to repeat.`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			var data []byte
			var err error
			if len(argv) == 1 {
				data, err = os.ReadFile(argv[0])
				if err != nil {
					return usageError{err}
				}
			} else if data, err = configs.FS.ReadFile("organisations.yaml"); err != nil {
				return err
			}
			reg, err := intake.ParseRegistry(data)
			if err != nil {
				return usageError{err}
			}
			store, closeDB, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer closeDB()
			res, err := intake.New(store, a.log).As(cliActor()).LoadRegistry(cmd.Context(), reg)
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, res)
		},
	})
	return cmd
}

func (a *app) configCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration as JSON, secrets masked",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writeJSON(a.stdout, a.cfg.Redacted())
		},
	}
}
