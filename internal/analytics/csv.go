package analytics

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
)

// WriteCSV writes a table as CSV. Cells that a spreadsheet would run as a
// formula (starting with =, +, @, tab or CR) are prefixed with a quote.
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	for _, row := range t.Rows {
		out := make([]string, len(row))
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+@\t\r", rune(c[0])) {
				c = "'" + c
			}
			out[i] = c
		}
		if err := cw.Write(out); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ServeCSV answers a table as a CSV attachment named name.csv.
func ServeCSV(w http.ResponseWriter, name string, t Table) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="vitrine-`+name+`.csv"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	WriteCSV(w, t)
}
