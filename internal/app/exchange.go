package app

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/intake"
	"kensho/internal/jpdate"
)

func (a *app) importCmd() *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import a kensho-case/v1 file (FILE or - for stdin), all or nothing",
		Long: `Validates the whole file first: if anything is wrong nothing is written and
every problem is listed with its JSON path. A case already held (same
operators and ref) is skipped when its content is unchanged, updated when it
changed. Prints {"imported": N, "updated": U, "skipped": M, "errors": [...]}.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			data, name, err := a.readInput(argv[0])
			if err != nil {
				return err
			}
			if check {
				return a.checkFile(data)
			}
			store, closeDB, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer closeDB()
			res, err := intake.New(store, a.log).As(cliActor()).Import(cmd.Context(), data, name)
			var errs caseformat.Errors
			if err == nil || errors.As(err, &errs) {
				if werr := writeJSON(a.stdout, res); werr != nil {
					return werr
				}
			}
			if errors.As(err, &errs) {
				return fmt.Errorf("nothing imported: %w", err)
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, `only validate the file, touching no database; prints {"cases": N, "errors": [...]}`)
	return cmd
}

// checkFile validates a v1 file without a database.
func (a *app) checkFile(data []byte) error {
	res := struct {
		Cases  int      `json:"cases"`
		Errors []string `json:"errors"`
	}{Errors: []string{}}
	f, err := caseformat.DecodeFile(data)
	var errs caseformat.Errors
	switch {
	case errors.As(err, &errs):
		res.Errors = errs.Strings()
	case err == nil:
		res.Cases = len(f.Cases)
	}
	if werr := writeJSON(a.stdout, res); werr != nil {
		return werr
	}
	return err
}

func (a *app) readInput(arg string) ([]byte, string, error) {
	if arg == "-" {
		data, err := io.ReadAll(a.stdin)
		return data, "stdin", err
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return nil, "", usageError{err}
	}
	return data, filepath.Base(arg), nil
}

func (a *app) exportCmd() *cobra.Command {
	var from, to, output string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the case base as a kensho-case/v1 file (stdout, or --output)",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var f casestore.Filter
			var err error
			if from != "" {
				if f.From, err = jpdate.ParseDate(from); err != nil {
					return usageError{fmt.Errorf("--from: %w", err)}
				}
			}
			if to != "" {
				t, err := jpdate.ParseDate(to)
				if err != nil {
					return usageError{fmt.Errorf("--to: %w", err)}
				}
				f.To = t.AddDate(0, 0, 1)
			}
			store, closeDB, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer closeDB()
			w := a.stdout
			var file *os.File
			if output != "" && output != "-" {
				if file, err = os.Create(output); err != nil {
					return usageError{err}
				}
				defer file.Close()
				w = file
			}
			bw := bufio.NewWriterSize(w, 1<<16)
			n, err := intake.New(store, a.log).Export(cmd.Context(), bw, f)
			if err != nil {
				return err
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			if file != nil {
				if err := file.Close(); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "exported %d cases to %s\n", n, output)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "only cases that occurred on or after this date (JST, 2006-01-02)")
	cmd.Flags().StringVar(&to, "to", "", "only cases that occurred on or before this date (JST, 2006-01-02)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	return cmd
}
