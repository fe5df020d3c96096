package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kensho/internal/db"
)

// healthz answers while the process runs: a liveness probe.
func (h *handlers) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the database is reachable and its schema is
// current, so a load balancer sends no traffic to an instance that would fail.
func (h *handlers) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	notReady := func(reason string) error {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": reason})
	}
	sqlDB, err := h.DB.DB()
	if err != nil || sqlDB.PingContext(ctx) != nil {
		return notReady("database unreachable")
	}
	pending, err := db.Pending(ctx, h.DB)
	if err != nil {
		return notReady("migration state unknown")
	}
	if pending {
		return notReady("migrations pending: run kensho migrate")
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
