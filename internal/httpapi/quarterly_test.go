package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"kensho/internal/httpapi"
	"kensho/internal/quarterly"
	"kensho/internal/stacktest"
)

// sendRaw makes a request with a body of its own content type as login.
func sendRaw(t *testing.T, s *stacktest.Stack, login, method, path, contentType string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.Server.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if login != "" {
		req.Header.Set("Authorization", "Bearer "+s.Tokens[login])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, res.Header, b
}

// quarterlyForm is a form with the file in its "file" part.
func quarterlyForm(t *testing.T, name string, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("file", name)
	require.NoError(t, err)
	_, err = part.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return w.FormDataContentType(), buf.Bytes()
}

const qHead = "organisation,fiscal_year,quarter,form,equipment_type,prefecture,count,ref,occurred_at,recovered_at,service,users,duration_minutes,cause_class,cause_archetype,summary\n"

var kddiFile = qHead +
	",2024,1,simple,base_station,tokyo,12,,,,,,,,,\n" +
	",2024,1,simple,dslam,osaka,2,,,,,,,,,\n" +
	"KDDI,2024,1,detailed,switching,nationwide,,K-1,2024-05-01 10:00,2024-05-01 12:30,voice,35000,,equipment,software_bug,交換機の不具合\n"

func TestQuarterlyAPI(t *testing.T) {
	s := stacktest.New(t)
	spec := loadSpec(t)
	schema := func(name string) *openapi3.Schema { return spec.Components.Schemas[name].Value }
	matches := func(name string, body []byte) {
		t.Helper()
		var v any
		require.NoError(t, json.Unmarshal(body, &v), string(body))
		assert.NoError(t, schema(name).VisitJSON(v), "%s: %s", name, body)
	}
	rows := func() int64 {
		var n int64
		require.NoError(t, s.DB.Raw("SELECT count(*) FROM quarterly_rows").Scan(&n).Error)
		return n
	}
	result := func(body []byte) quarterly.Result {
		var r quarterly.Result
		require.NoError(t, json.Unmarshal(body, &r), string(body))
		return r
	}
	type problem struct {
		Row    int    `json:"row"`
		Column string `json:"column"`
		Code   string `json:"code"`
	}
	problems := func(body []byte) []problem {
		var e struct {
			Errors []problem `json:"errors"`
		}
		require.NoError(t, json.Unmarshal(body, &e), string(body))
		return e.Errors
	}
	const up = "/api/v1/quarterly/uploads"

	// A reporter's good file, raw CSV: 201, every row added.
	status, _, body := sendRaw(t, s, "kddi", "POST", up+"?filename=q1.csv", "text/csv", []byte(kddiFile))
	require.Equal(t, http.StatusCreated, status, string(body))
	matches("QuarterlyUploadResult", body)
	r := result(body)
	assert.Equal(t, [3]int{3, 0, 0}, [3]int{r.Added, r.Updated, r.Unchanged})
	assert.NotZero(t, r.UploadID)

	// The same file again, as a multipart form: 200, nothing added.
	ct, form := quarterlyForm(t, "q1.csv", []byte(kddiFile))
	status, _, body = sendRaw(t, s, "kddi", "POST", up, ct, form)
	require.Equal(t, http.StatusOK, status, string(body))
	matches("QuarterlyUploadResult", body)
	r = result(body)
	assert.Equal(t, [3]int{0, 0, 3}, [3]int{r.Added, r.Updated, r.Unchanged})
	assert.EqualValues(t, 3, rows())

	for _, tc := range []struct {
		name, login, file string
		status            int
		want              []problem
	}{
		{"bad row", "kddi", kddiFile + ",2024,1,simple,base_station,narnia,1,,,,,,,,,\n", 422,
			[]problem{{5, "prefecture", "code.unknown"}}},
		{"another organisation's rows", "kddi", kddiFile + "ドコモ,2024,1,simple,dslam,tokyo,1,,,,,,,,,\n", 422,
			[]problem{{5, "organisation", "organisation.forbidden"}}},
		{"secretariat without organisation", "secretariat", kddiFile, 422,
			[]problem{{2, "organisation", "organisation.required"}, {3, "organisation", "organisation.required"}}},
		{"committee members do not upload", "expert", kddiFile, 403, nil},
		{"editors neither", "editor", kddiFile, 403, nil},
		{"anonymous", "", kddiFile, 401, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := sendRaw(t, s, tc.login, "POST", up, "text/csv", []byte(tc.file))
			require.Equal(t, tc.status, status, string(body))
			matches("Error", body)
			if tc.want != nil {
				assert.Equal(t, tc.want, problems(body))
			}
			assert.EqualValues(t, 3, rows(), "nothing written")
		})
	}
	status, _, body = sendRaw(t, s, "kddi", "POST", up, "text/csv", []byte(kddiFile+",2024,1,simple,base_station,narnia,1,,,,,,,,,\n"))
	require.Equal(t, 422, status)
	assert.Contains(t, string(body), "row 5, column prefecture: must be one of")

	// The secretariat's multi-organisation JSON file, with a correction.
	doc := `{"format":"kensho-quarterly/v1","rows":[
		{"organisation":"KDDI株式会社","fiscal_year":2024,"quarter":1,"form":"simple","equipment_type":"base_station","prefecture":"tokyo","count":13},
		{"organisation":"ドコモ","fiscal_year":2024,"quarter":2,"form":"simple","equipment_type":"remote_terminal","prefecture":"東京都","count":4}]}`
	status, _, body = sendRaw(t, s, "secretariat", "POST", up, "application/json", []byte(doc))
	require.Equal(t, http.StatusCreated, status, string(body))
	r = result(body)
	assert.Equal(t, [3]int{1, 1, 0}, [3]int{r.Added, r.Updated, r.Unchanged})

	// Reading: a reporter its own organisation's rows, the secretariat all.
	status, _, body = sendRaw(t, s, "kddi", "GET", "/api/v1/quarterly/rows?fiscal_year=2024", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	matches("QuarterlyPage", body)
	var page quarterly.Page
	require.NoError(t, json.Unmarshal(body, &page))
	assert.Len(t, page.Items, 3)
	status, _, body = sendRaw(t, s, "secretariat", "GET", "/api/v1/quarterly/rows?fiscal_year=2024&quarter=2", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	require.NoError(t, json.Unmarshal(body, &page))
	require.Len(t, page.Items, 1)
	assert.Equal(t, "株式会社NTTドコモ", page.Items[0].Organisation)
	status, _, body = sendRaw(t, s, "docomo", "GET", "/api/v1/quarterly/rows?fiscal_year=2024&quarter=1", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	require.NoError(t, json.Unmarshal(body, &page))
	assert.Empty(t, page.Items, "docomo sees nothing of KDDI's")
	status, _, body = sendRaw(t, s, "secretariat", "GET", "/api/v1/quarterly/rows?quarter=x", "", nil)
	assert.Equal(t, 422, status)
	matches("Error", body)
	status, _, _ = sendRaw(t, s, "auditor", "GET", "/api/v1/quarterly/rows?fiscal_year=2024", "", nil)
	assert.Equal(t, 403, status)
	status, _, _ = sendRaw(t, s, "", "GET", "/api/v1/quarterly/rows?fiscal_year=2024", "", nil)
	assert.Equal(t, 401, status)

	// The template: a workbook with pull-downs.
	status, hdr, body := sendRaw(t, s, "kddi", "GET", "/api/v1/quarterly/template.xlsx", "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, httpapi.XLSXType, hdr.Get("Content-Type"))
	assert.Contains(t, hdr.Get("Content-Disposition"), "kensho-quarterly-template.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(body))
	require.NoError(t, err)
	defer f.Close()
	dvs, err := f.GetDataValidations(quarterly.SheetRows)
	require.NoError(t, err)
	var lists []string
	for _, dv := range dvs {
		if dv.Type == "list" {
			lists = append(lists, dv.Formula1)
		}
	}
	assert.GreaterOrEqual(t, len(lists), 7, "form, quarter, equipment, prefecture, service, cause class and archetype")
	assert.Contains(t, strings.Join(lists, " "), "list_prefectures")
	status, _, _ = sendRaw(t, s, "", "GET", "/api/v1/quarterly/template.xlsx", "", nil)
	assert.Equal(t, 401, status)

	// Filled in with the pull-downs' Japanese labels, it goes back in.
	require.NoError(t, f.SetSheetRow(quarterly.SheetRows, "A2", &[]any{"", 2024, 3, "簡易様式", "基地局", "沖縄県", 5}))
	buf, err := f.WriteToBuffer()
	require.NoError(t, err)
	status, _, body = sendRaw(t, s, "kddi", "POST", up+"?filename=q3.xlsx", httpapi.XLSXType, buf.Bytes())
	require.Equal(t, http.StatusCreated, status, string(body))
	r = result(body)
	assert.Equal(t, "xlsx", r.Format)
	assert.Equal(t, 1, r.Added)
}
