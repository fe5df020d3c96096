package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/spf13/cobra"

	"kensho/internal/casegen"
	"kensho/internal/quarterly"
)

func (a *app) demoGenerateCmd() *cobra.Command {
	var cases, rows, batch, workers int
	var seed uint64
	var out, qout string
	cmd := &cobra.Command{
		Use:   "generate --cases N [--seed S] [--out FILE|-] [--quarterly-rows M [--quarterly-out FILE]]",
		Short: "Generate realistic Japanese accident cases for benchmarks: into the database, or as a kensho-case/v1 file",
		Long: `Generates N cases (serious accidents, near-misses, quarterly-report accidents,
voluntary information) and M quarterly detailed-form rows, the same for the
same seed on every machine. Refs start with GEN-<seed>-.

Without --out the cases go straight into the configured database in one
transaction (COPY), exactly as ` + "`kensho import`" + ` of the file would store them, and
one import is audited; running it again with the same seed adds nothing.
Prints {"imported", "updated", "skipped", "quarterly", "rows", "seconds",
"cases_per_second", "rows_per_second", "database_bytes"}.

With --out FILE (- for stdout) it writes the kensho-case/v1 file instead, and
with --quarterly-out the rows as a kensho-quarterly/v1 file for
` + "`kensho quarterly upload`" + ` (import the case file first: the rows name its operators).
Never on a production database.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case cases < 0 || rows < 0:
				return usageError{errors.New("--cases and --quarterly-rows must not be negative")}
			case cases == 0 && rows == 0:
				return usageError{errors.New("nothing to generate: give --cases N (and/or --quarterly-rows M)")}
			case qout != "" && out == "":
				return usageError{errors.New("--quarterly-out goes with --out (without --out everything goes into the database)")}
			case out != "" && rows > 0 && qout == "":
				return usageError{errors.New("--quarterly-rows with --out needs --quarterly-out FILE: the rows are a kensho-quarterly/v1 file of their own")}
			case out == "-" && qout == "-":
				return usageError{errors.New("--out and --quarterly-out cannot both be stdout")}
			case qout != "" && rows > quarterly.MaxRows:
				return usageError{fmt.Errorf("--quarterly-rows: an upload file holds at most %d rows", quarterly.MaxRows)}
			}
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			g, err := casegen.New(seed, cat)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if out != "" {
				return a.generateFiles(ctx, g, cases, rows, out, qout)
			}
			return a.generateIntoDB(ctx, g, casegen.LoadOptions{Cases: cases, QuarterlyRows: rows, Actor: cliActor(),
				BatchSize: batch, Workers: workers})
		},
	}
	cmd.Flags().IntVar(&cases, "cases", 0, "how many cases")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "the seed: the same seed gives the same cases")
	cmd.Flags().StringVar(&out, "out", "", "write a kensho-case/v1 file (- for stdout) instead of the database")
	cmd.Flags().IntVar(&rows, "quarterly-rows", 0, "how many quarterly detailed-form rows")
	cmd.Flags().StringVar(&qout, "quarterly-out", "", "with --out: write the rows as a kensho-quarterly/v1 file")
	cmd.Flags().IntVar(&batch, "batch", 2000, "cases per COPY batch")
	cmd.Flags().IntVar(&workers, "workers", 0, "goroutines generating cases (0: one per CPU)")
	_ = cmd.Flags().MarkHidden("batch")
	_ = cmd.Flags().MarkHidden("workers")
	return cmd
}

// generateFiles writes the case file and, when asked, the rows' file.
func (a *app) generateFiles(ctx context.Context, g *casegen.Generator, cases, rows int, out, qout string) error {
	write := func(name string, fn func(io.Writer) error) error {
		if name == "-" {
			return fn(a.stdout)
		}
		f, err := os.Create(name)
		if err != nil {
			return usageError{err}
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	start := time.Now()
	if err := write(out, func(w io.Writer) error { return g.WriteCases(ctx, w, cases) }); err != nil {
		return err
	}
	if out != "-" {
		fmt.Fprintf(a.stderr, "wrote %d cases to %s in %s\n", cases, out, time.Since(start).Round(time.Millisecond))
	}
	if qout == "" {
		return nil
	}
	start = time.Now()
	if err := write(qout, func(w io.Writer) error { return g.WriteQuarterly(w, rows, cases) }); err != nil {
		return err
	}
	if qout != "-" {
		fmt.Fprintf(a.stderr, "wrote %d quarterly rows to %s in %s\n", rows, qout, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// generateResult is what `demo generate` prints after loading the database.
type generateResult struct {
	*casegen.LoadResult
	Seconds        float64 `json:"seconds"`
	CasesPerSecond float64 `json:"cases_per_second"`
	RowsPerSecond  float64 `json:"rows_per_second"`
	DatabaseBytes  int64   `json:"database_bytes"`
	// Phases says where the time went: waiting for cases to be generated,
	// checking for held cases and organisations, copying.
	Phases map[string]float64 `json:"phases_seconds"`
}

func (a *app) generateIntoDB(ctx context.Context, g *casegen.Generator, opt casegen.LoadOptions) error {
	store, closeDB, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	res, err := g.Load(ctx, store.DB(), opt)
	if err != nil {
		return err
	}
	out := generateResult{LoadResult: res, Seconds: round(res.Elapsed.Seconds(), 3), Phases: map[string]float64{
		"waiting_for_cases": round(res.Waited.Seconds(), 3), "checking": round(res.Checking.Seconds(), 3),
		"copying": round(res.Copying.Seconds(), 3)}}
	if s := res.Elapsed.Seconds(); s > 0 {
		out.CasesPerSecond = round(float64(res.Imported+res.Updated)/s, 0)
		out.RowsPerSecond = round(float64(res.Rows)/s, 0)
	}
	if err := store.DB().WithContext(ctx).Raw(`SELECT pg_database_size(current_database())`).Scan(&out.DatabaseBytes).Error; err != nil {
		return err
	}
	a.log.InfoContext(ctx, "demo generate", "seed", g.Seed(), "imported", res.Imported, "skipped", res.Skipped,
		"rows", res.Rows, "seconds", out.Seconds)
	return writeJSON(a.stdout, out)
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}
