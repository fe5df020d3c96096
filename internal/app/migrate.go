package app

import (
	"fmt"

	"github.com/spf13/cobra"

	"kensho/internal/db"
	"kensho/internal/jpdate"
)

func (a *app) migrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Bring the database to the current schema",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			gdb, closeDB, err := a.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer closeDB()
			applied, err := db.Migrate(cmd.Context(), gdb)
			for _, m := range applied {
				fmt.Fprintf(a.stdout, "applied %s\n", m.Name)
			}
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				fmt.Fprintln(a.stdout, "the database schema is current")
			}
			return nil
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "List the migrations and whether each is applied",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			gdb, closeDB, err := a.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer closeDB()
			st, err := db.Status(cmd.Context(), gdb)
			if err != nil {
				return err
			}
			for _, m := range st {
				state := "pending"
				if m.Applied {
					state = "applied " + m.AppliedAt.In(jpdate.JST).Format("2006-01-02 15:04:05 MST")
				}
				fmt.Fprintf(a.stdout, "%-40s %s\n", m.Name, state)
			}
			return nil
		},
	})
	return cmd
}
