package httpapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
	"go.yaml.in/yaml/v3"
)

// openAPIYAML is the API's description, kept beside the routes it
// describes; a test checks that every route is in it and every path in it
// is a route, and that real answers match its schemas.
//
//go:embed openapi.yaml
var openAPIYAML []byte

var openAPI = sync.OnceValues(func() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(openAPIYAML, &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return json.Marshal(doc)
})

// OpenAPI is the OpenAPI 3 document as JSON.
func OpenAPI() ([]byte, error) { return openAPI() }

func (h *handlers) openAPIDoc(c echo.Context) error {
	doc, err := OpenAPI()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, doc)
}
