package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/httpapi"
	"kensho/internal/stacktest"
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := httpapi.OpenAPI()
	require.NoError(t, err)
	spec, err := openapi3.NewLoader().LoadFromData(doc)
	require.NoError(t, err)
	require.NoError(t, spec.Validate(context.Background()), "the document is valid OpenAPI 3")
	return spec
}

// Every API route is documented, and every documented operation is a route.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	st := stacktest.New(t)
	spec := loadSpec(t)
	param := regexp.MustCompile(`:([a-z]+)`)
	var routes []string
	for _, r := range st.Echo.Routes() {
		if !(strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" || r.Path == "/readyz") ||
			strings.HasSuffix(r.Path, "*") || r.Method == "echo_route_any" {
			continue
		}
		routes = append(routes, r.Method+" "+param.ReplaceAllString(r.Path, "{$1}"))
	}
	var documented []string
	for path, item := range spec.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	slices.Sort(routes)
	routes = slices.Compact(routes)
	slices.Sort(documented)
	assert.Greater(t, len(routes), 20)
	assert.Equal(t, routes, documented)

	status, body := st.Do(t, "", "GET", "/api/v1/openapi.json", "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"openapi":"3.0.3"`)
}

// Real answers match the documented schemas, so the document cannot drift
// from the code.
func TestAnswersMatchTheDocument(t *testing.T) {
	st := stacktest.New(t)
	spec := loadSpec(t)
	schema := func(name string) *openapi3.Schema { return spec.Components.Schemas[name].Value }
	check := func(name, who, path string) {
		t.Helper()
		status, body := st.Do(t, who, "GET", path, "")
		require.Less(t, status, 500, body)
		var v any
		require.NoError(t, json.Unmarshal([]byte(body), &v), body)
		assert.NoError(t, schema(name).VisitJSON(v), "%s %s as %s", name, path, who)
	}
	for _, who := range []string{"secretariat", "kddi", "docomo", "expert"} {
		for _, ref := range []string{"2019-001", "DEMO-NM-2023-001", "DEMO-NM-2024-001", "2020-004"} {
			status, _ := st.Do(t, who, "GET", fmt.Sprintf("/api/v1/cases/%d", st.Cases[ref]), "")
			if status == http.StatusOK {
				check("CaseView", who, fmt.Sprintf("/api/v1/cases/%d", st.Cases[ref]))
			} else {
				check("Error", who, fmt.Sprintf("/api/v1/cases/%d", st.Cases[ref]))
			}
		}
		check("Page", who, "/api/v1/cases?limit=5")
	}
	check("VerifyResult", "auditor", "/api/v1/audit/verify")
	check("Error", "", "/api/v1/cases")
	check("Error", "secretariat", "/api/v1/audit")

	_, body := st.Do(t, "", "GET", "/api/v1/public/near-misses", "")
	var pub struct{ Items []any }
	require.NoError(t, json.Unmarshal([]byte(body), &pub))
	require.NotEmpty(t, pub.Items)
	for _, it := range pub.Items {
		assert.NoError(t, schema("PublicNearMiss").VisitJSON(it))
	}
	_, body = st.Do(t, "auditor", "GET", "/api/v1/audit?limit=20", "")
	var audit struct{ Items []any }
	require.NoError(t, json.Unmarshal([]byte(body), &audit))
	require.NotEmpty(t, audit.Items)
	for _, it := range audit.Items {
		assert.NoError(t, schema("AuditEntry").VisitJSON(it))
	}
}
