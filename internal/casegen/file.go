package casegen

import (
	"bufio"
	"context"
	"io"
	"strconv"
	"time"

	"kensho/internal/caseformat"
	"kensho/internal/jpdate"
	"kensho/internal/quarterly"
)

// WriteCases writes cases [0, n) as a kensho-case/v1 file that `kensho
// import` takes: {"format":"kensho-case/v1","cases":[…]}, one case per
// line in its canonical encoding, so the report an import keeps of each
// case is exactly the bytes the bulk path (Load) stores.
func (g *Generator) WriteCases(ctx context.Context, w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.WriteString(`{"format":"` + caseformat.Format + `","cases":[`); err != nil {
		return err
	}
	first := true
	for b := range g.Batches(ctx, n, 0, 0) {
		for _, body := range b.Bodies {
			sep := ",\n"
			if first {
				sep, first = "\n", false
			}
			bw.WriteString(sep)
			if _, err := bw.Write(body); err != nil {
				return err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !first {
		bw.WriteString("\n")
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// QuarterlyFileName is the name the rows' file goes by in the upload
// record, from the file or from the bulk path alike.
func (g *Generator) QuarterlyFileName() string {
	return "GEN-quarterly-seed" + strconv.FormatUint(g.seed, 10) + ".json"
}

// WriteQuarterly writes detailed-form rows [0, m) as a kensho-quarterly/v1
// file that `kensho quarterly upload` takes, once the case file of the
// same seed and cases count is imported (the rows name its operators).
func (g *Generator) WriteQuarterly(w io.Writer, m, cases int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(quarterlyHead)
	var buf []byte
	for j := range m {
		buf = g.QuarterlyRow(j, cases).appendJSON(buf[:0])
		if j > 0 {
			bw.WriteString(",\n")
		} else {
			bw.WriteString("\n")
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	if m > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString(quarterlyTail)
	return bw.Flush()
}

const (
	quarterlyHead = `{"format":"` + quarterly.FormatID + `","rows":[`
	quarterlyTail = "]}\n"
)

// appendJSON writes the row keyed by the format's column ids.
func (q QuarterlyRow) appendJSON(b []byte) []byte {
	str := func(k, v string) {
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":`...)
		b, _ = appendQuoted(b, v)
		b = append(b, ',')
	}
	num := func(k string, v int64) {
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, v, 10)
		b = append(b, ',')
	}
	b = append(b, '{')
	str("organisation", q.Organisation)
	num("fiscal_year", int64(q.FiscalYear))
	num("quarter", int64(q.Quarter))
	str("form", quarterly.FormDetailed)
	str("equipment_type", q.EquipmentType)
	str("prefecture", q.Prefecture)
	str("ref", q.Ref)
	str("occurred_at", q.OccurredAt.In(jpdate.JST).Format(time.RFC3339))
	str("recovered_at", q.RecoveredAt.In(jpdate.JST).Format(time.RFC3339))
	str("service", string(q.Service))
	num("users", q.Users)
	num("duration_minutes", q.DurationMinutes)
	str("cause_class", q.CauseClass)
	str("cause_archetype", q.CauseArchetype)
	str("summary", q.Summary)
	b[len(b)-1] = '}'
	return b
}

// appendQuoted quotes s as JSON without HTML escaping.
func appendQuoted(b []byte, s string) ([]byte, error) {
	q, err := caseformat.Marshal(s)
	return append(b, q...), err
}
