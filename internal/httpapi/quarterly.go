package httpapi

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kensho/internal/quarterly"
)

// XLSXType is the media type of an XLSX workbook.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// quarterlyCaller is the authenticated caller as the quarterly service
// sees it.
func quarterlyCaller(c echo.Context) quarterly.Caller {
	sub := subject(c)
	return quarterly.Caller{Subject: sub, Actor: sub.Key}
}

// uploadQuarterly takes a quarterly-report file: a multipart form's "file"
// part, or the raw body (CSV, JSON or XLSX; the bytes tell which). 201
// when rows were added or corrected, 200 when the file changed nothing,
// 422 with every problem's row and column when nothing was written.
func (h *handlers) uploadQuarterly(c echo.Context) error {
	up, err := uploadedFile(c)
	if err != nil {
		return err
	}
	res, err := h.Quarterly.Upload(c.Request().Context(), quarterlyCaller(c), up)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.UploadID != 0 {
		status = http.StatusCreated
	}
	return c.JSON(status, res)
}

// uploadedFile reads the file of an upload request.
func uploadedFile(c echo.Context) (quarterly.Upload, error) {
	req := c.Request()
	if mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); mt == echo.MIMEMultipartForm {
		fh, err := c.FormFile("file")
		if err != nil {
			return quarterly.Upload{}, &quarterly.InputError{Field: "file", Message: "a multipart upload needs a part named file"}
		}
		f, err := fh.Open()
		if err != nil {
			return quarterly.Upload{}, err
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		return quarterly.Upload{Filename: fh.Filename, Data: data}, err
	}
	data, err := io.ReadAll(req.Body)
	if err != nil {
		return quarterly.Upload{}, err
	}
	return quarterly.Upload{Filename: c.QueryParam("filename"), Data: data}, nil
}

// quarterlyTemplate sends the XLSX template.
func (h *handlers) quarterlyTemplate(c echo.Context) error {
	data, err := h.Quarterly.Catalog.Template()
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="kensho-quarterly-template.xlsx"`)
	return c.Blob(http.StatusOK, XLSXType, data)
}

// quarterlyRows lists the stored rows of a fiscal year (and quarter) the
// caller may read.
func (h *handlers) quarterlyRows(c echo.Context) error {
	q := quarterly.Query{Cursor: c.QueryParam("cursor")}
	for name, dst := range map[string]*int{"fiscal_year": &q.FiscalYear, "quarter": &q.Quarter, "limit": &q.Limit} {
		if v := c.QueryParam(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return &quarterly.InputError{Field: name, Message: "must be a whole number"}
			}
			*dst = n
		}
	}
	page, err := h.Quarterly.Rows(c.Request().Context(), quarterlyCaller(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}
