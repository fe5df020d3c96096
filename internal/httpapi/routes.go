// Package httpapi is Kenshō's JSON API over echo: thin handlers that decode,
// call a domain service and encode. Every route of the API is in this file;
// known domain errors map to status codes in errors.go, in one place.
package httpapi

import (
	"log/slog"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"kensho/internal/rules"
)

// Deps is what the API needs.
type Deps struct {
	Log     *slog.Logger
	DB      *gorm.DB
	Catalog *rules.Catalog
}

// Register adds the API's routes to e.
func Register(e *echo.Echo, d Deps) {
	h := &handlers{Deps: d}
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)

	v1 := e.Group("/api/v1")
	// Stateless and public: the thresholds are law, the classifier keeps nothing.
	v1.GET("/rules", h.listRules)
	v1.POST("/classify", h.classify)
}

type handlers struct{ Deps }
