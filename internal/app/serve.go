package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"kensho/internal/db"
)

func (a *app) serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve the web UI and the HTTP API until interrupted",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context())
		},
	}
}

// serve runs the HTTP server until ctx ends, then lets in-flight requests
// finish within the shutdown timeout.
func (a *app) serve(ctx context.Context) error {
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	gdb, closeDB, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	if pending, err := db.Pending(ctx, gdb); err != nil {
		return err
	} else if pending {
		a.log.Warn("the database schema is not current: /readyz answers 503 until `kensho migrate` runs")
	}

	st, err := NewStack(ctx, gdb, a.cfg, cat, a.log)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			a.log.Error("stopping the PDF printer", "error", err)
		}
	}()
	// Grants changed by another instance or a command reach this one's
	// enforcer through NOTIFY.
	lctx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	go st.Access.Listen(lctx, a.cfg.Database.URL)
	// The similarity index is built in the background: the server answers
	// at once, and similar cases appear when the index is ready.
	st.Similarity.Start()
	go st.Similarity.Listen(lctx, a.cfg.Database.URL)
	// Background jobs (River: reminders, LLM opinions): stopped after the
	// HTTP server, before the database closes, within the shutdown timeout.
	if st.Opinions.Enabled() {
		a.log.Info("LLM second opinion on", "provider", a.cfg.LLM.Provider, "model", a.cfg.LLM.Model, "endpoint", st.Opinions.LLM.Host())
	}
	stopJobs, err := startJobs(ctx, st.JobServices(), a.cfg, a.log)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), a.cfg.HTTP.ShutdownTimeout)
		defer cancel()
		stopJobs(sctx)
	}()
	e := st.Echo

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", a.cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("http.addr %s: %w", a.cfg.HTTP.Addr, err)
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       a.cfg.HTTP.ReadTimeout,
		WriteTimeout:      a.cfg.HTTP.WriteTimeout,
		ErrorLog:          nil,
	}
	url := publicURL(ln.Addr())
	fmt.Fprintf(a.stdout, "Kenshō is serving on %s\n", url)
	a.log.Info("serving", "url", url, "rule_sets", len(cat.RuleSets()))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down", "timeout", a.cfg.HTTP.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.HTTP.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.log.Info("stopped")
	return nil
}

// publicURL is the address a person on this machine types in a browser.
func publicURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() || ip.IsLoopback() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
