package report

import (
	"bytes"
	"context"
)

// Outputs is the Renderer of the editions: the workbook, the printable
// document (Japanese, the language of the report) and its PDF.
type Outputs struct {
	Printer *Printer
}

// XLSX is the statistics workbook of r.
func (o *Outputs) XLSX(r *Report) ([]byte, error) {
	var buf bytes.Buffer
	if err := XLSX(r, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Document is the standalone HTML of r that the PDF is printed from.
func (o *Outputs) Document(r *Report, contentHash, status string) ([]byte, error) {
	if status != StatusPublished {
		status = StatusDraft
	}
	return Document(r, HTMLOptions{Lang: "ja", ContentHash: contentHash, Status: status})
}

// PDF prints doc.
func (o *Outputs) PDF(ctx context.Context, doc []byte) ([]byte, error) {
	return o.Printer.PDF(ctx, doc)
}
