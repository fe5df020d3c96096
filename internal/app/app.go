// Package app wires Kenshō together: configuration, logging, database, rule
// sets and services, behind one cobra command tree. main only calls Run.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/config"
	"kensho/internal/db"
	"kensho/internal/rules"
)

// Run runs the kensho command line with args (without the program name).
// Everything from outside comes in through the arguments, so tests can run
// the real program in-process.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	a := &app{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.root()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}

// app is one run of the program.
type app struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	cfg    config.Config
	log    *slog.Logger
}

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "kensho",
		Short: "Kenshō (検証): case management for the Telecommunications Accident Verification Committee",
		Long: `Kenshō (検証) keeps the case base of the Telecommunications Accident Verification
Committee: accident and near-miss reports, their judgement against the law in
force when they happened, and the studies and reports built from them.

Configuration: configs/kensho.yaml (built in), the file named by KENSHO_CONFIG,
then KENSHO_* environment variables (KENSHO_DATABASE_URL, KENSHO_ADDR, …).`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(a.getenv)
			if err != nil {
				return err
			}
			a.cfg = cfg
			a.log = newLogger(a.stderr, cfg.Log)
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(a.policyCmd(), a.userCmd(), a.tokenCmd(), a.auditCmd(), a.demoCmd(),
		a.serveCmd(), a.migrateCmd(), a.classifyCmd(), a.rulesCmd(), a.importCmd(), a.exportCmd(),
		a.whatifCmd(), a.reportCmd(), a.similarCmd(), a.dbCmd(), a.orgsCmd(), a.configCmd())
	root.AddCommand(a.deadlinesCmd())
	root.AddCommand(a.quarterlyCmd())
	root.AddCommand(a.lessonsCmd())
	return root
}

func newLogger(w io.Writer, c config.Log) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openDB connects to the configured database.
func (a *app) openDB(ctx context.Context) (*gorm.DB, func(), error) {
	gdb, err := db.Open(ctx, a.cfg.Database, a.log)
	if err != nil {
		return nil, nil, err
	}
	return gdb, func() { _ = db.Close(gdb) }, nil
}

// openStore connects and refuses a database whose schema is not current,
// with the command that fixes it.
func (a *app) openStore(ctx context.Context) (*casestore.Store, func(), error) {
	gdb, closeDB, err := a.openDB(ctx)
	if err != nil {
		return nil, nil, err
	}
	pending, err := db.Pending(ctx, gdb)
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	if pending {
		closeDB()
		return nil, nil, errors.New("the database schema is not current: run `kensho migrate` first")
	}
	return casestore.New(gdb), closeDB, nil
}

// catalog loads the rule sets: built in, or from rules.dir.
func (a *app) catalog() (*rules.Catalog, error) {
	var fsys fs.FS = configs.FS
	if a.cfg.Rules.Dir != "" {
		fsys = os.DirFS(a.cfg.Rules.Dir)
	}
	return rules.Load(fsys)
}

// writeJSON prints v indented, Japanese and symbols as written.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// usageError is a mistake in how the command was called.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// args wraps a cobra argument check so its failure counts as a usage error.
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := check(cmd, a); err != nil {
			return usageError{fmt.Errorf("%w (see kensho %s --help)", err, cmd.Name())}
		}
		return nil
	}
}

// ExitCode is the process status for an error from Run: 2 for bad input or
// usage, 1 for anything else.
func ExitCode(err error) int {
	var (
		u  usageError
		fe caseformat.Errors
		ur *rules.ErrUnknownRuleSet
		nr *rules.ErrNoRuleSetInForce
	)
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u), errors.As(err, &fe), errors.As(err, &ur), errors.As(err, &nr):
		return 2
	case strings.HasPrefix(err.Error(), "unknown command"), strings.HasPrefix(err.Error(), "config:"):
		return 2
	default:
		return 1
	}
}

// OneLine renders an error for stderr on a single line.
func OneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}
