// Command kensho is Kenshō's one binary: server, migrations, import and
// export, and the judgement tools. See `kensho --help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"kensho/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kensho: "+app.OneLine(err))
		os.Exit(app.ExitCode(err))
	}
}
