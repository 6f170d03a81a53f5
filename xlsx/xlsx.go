// Package xlsx writes simple Office Open XML spreadsheets (.xlsx): sheets of
// text and numbers under an optional title, a bold header row that stays in
// view (frozen), column widths and number formats (percent, one decimal).
// Enough for bulletins and exports; no dependency.
package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Sheet is one worksheet: a header row and data rows. A cell is a string,
// an int, an int64, a float64, or nil (empty).
type Sheet struct {
	Name   string
	Title  string   // optional: a bold first row across the columns
	Notes  []string // optional: lines under the title (the period, the source)
	Header []string
	Rows   [][]any
	// Widths are the columns' widths in characters (0 or missing: the
	// default width).
	Widths []float64
	// Formats are the columns' number formats: FormatPercent shows 0.925
	// as 92.5%, FormatDecimal as 0.0; "" is general.
	Formats []string
}

// Number formats of a column.
const (
	FormatPercent = "0.0%"
	FormatDecimal = "0.0"
)

// cell styles (styles.xml cellXfs): 0 general, 1 bold header, 2 percent,
// 3 one decimal, 4 the title.
const (
	styleHeader  = 1
	stylePercent = 2
	styleDecimal = 3
	styleTitle   = 4
)

// Write writes a workbook of the sheets to w.
func Write(w io.Writer, sheets ...Sheet) error {
	if len(sheets) == 0 {
		return fmt.Errorf("xlsx: no sheets")
	}
	z := zip.NewWriter(w)
	add := func(name, body string) error {
		f, err := z.Create(name)
		if err != nil {
			return err
		}
		_, err = io.WriteString(f, xml.Header+body)
		return err
	}
	var ct, wbSheets, rels strings.Builder
	ct.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	for i, s := range sheets {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, esc(sheetName(s.Name, n)), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
	}
	ct.WriteString(`</Types>`)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, len(sheets)+1)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", ct.String()},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` + wbSheets.String() + `</sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`},
		{"xl/styles.xml", `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="0.0"/></numFmts><fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="14"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="5"><xf fontId="0"/><xf fontId="1" applyFont="1"/><xf fontId="0" numFmtId="164" applyNumberFormat="1"/><xf fontId="0" numFmtId="165" applyNumberFormat="1"/><xf fontId="2" applyFont="1"/></cellXfs></styleSheet>`},
	}
	for _, p := range parts {
		if err := add(p.name, p.body); err != nil {
			return err
		}
	}
	for i, s := range sheets {
		if err := add(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), sheetXML(s)); err != nil {
			return err
		}
	}
	return z.Close()
}

func sheetName(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if s == "" {
		s = "Sheet" + strconv.Itoa(n)
	}
	return s
}

func sheetXML(s Sheet) string {
	var b strings.Builder
	b.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	top := 0 // rows above the header
	if s.Title != "" {
		top++
	}
	top += len(s.Notes)
	if len(s.Header) > 0 {
		// The header (and what is above it) stays in view.
		fmt.Fprintf(&b, `<sheetViews><sheetView workbookViewId="0"><pane ySplit="%d" topLeftCell="A%d" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`, top+1, top+2)
	}
	if len(s.Widths) > 0 {
		b.WriteString(`<cols>`)
		for i, w := range s.Widths {
			if w > 0 {
				fmt.Fprintf(&b, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, i+1, i+1, strconv.FormatFloat(w, 'f', -1, 64))
			}
		}
		b.WriteString(`</cols>`)
	}
	b.WriteString(`<sheetData>`)
	format := func(c int) string {
		if c < len(s.Formats) {
			switch s.Formats[c] {
			case FormatPercent:
				return fmt.Sprintf(` s="%d"`, stylePercent)
			case FormatDecimal:
				return fmt.Sprintf(` s="%d"`, styleDecimal)
			}
		}
		return ""
	}
	row := func(r int, cells []any, style string) {
		fmt.Fprintf(&b, `<row r="%d">`, r)
		for c, v := range cells {
			ref := col(c) + strconv.Itoa(r)
			st := style
			if st == "" {
				st = format(c)
			}
			switch x := v.(type) {
			case nil:
			case string:
				fmt.Fprintf(&b, `<c r="%s" t="inlineStr"%s><is><t xml:space="preserve">%s</t></is></c>`, ref, style, esc(x))
			case int:
				fmt.Fprintf(&b, `<c r="%s"%s><v>%d</v></c>`, ref, st, x)
			case int64:
				fmt.Fprintf(&b, `<c r="%s"%s><v>%d</v></c>`, ref, st, x)
			case float64:
				fmt.Fprintf(&b, `<c r="%s"%s><v>%s</v></c>`, ref, st, strconv.FormatFloat(x, 'f', -1, 64))
			default:
				fmt.Fprintf(&b, `<c r="%s" t="inlineStr"%s><is><t>%s</t></is></c>`, ref, style, esc(fmt.Sprint(x)))
			}
		}
		b.WriteString(`</row>`)
	}
	r := 1
	if s.Title != "" {
		row(r, []any{s.Title}, fmt.Sprintf(` s="%d"`, styleTitle))
		r++
	}
	for _, n := range s.Notes {
		row(r, []any{n}, "")
		r++
	}
	if len(s.Header) > 0 {
		h := make([]any, len(s.Header))
		for i, v := range s.Header {
			h[i] = v
		}
		row(r, h, fmt.Sprintf(` s="%d"`, styleHeader))
		r++
	}
	for _, cells := range s.Rows {
		row(r, cells, "")
		r++
	}
	b.WriteString(`</sheetData>`)
	if s.Title != "" && len(s.Header) > 1 {
		fmt.Fprintf(&b, `<mergeCells count="1"><mergeCell ref="A1:%s1"/></mergeCells>`, col(len(s.Header)-1))
	}
	b.WriteString(`</worksheet>`)
	return b.String()
}

// col is the column letters of a 0-based index (0 → A, 26 → AA).
func col(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(strings.ToValidUTF8(s, "�")))
	return b.String()
}

// Read returns the cells of a workbook's first sheet as text (numbers as
// written); it reads what Write writes.
func Read(b []byte) ([][]string, error) { return ReadSheet(b, 1) }

// SheetNames returns the names of a workbook's sheets, in order.
func SheetNames(b []byte) ([]string, error) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	f, err := z.Open("xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	data, _ := io.ReadAll(f)
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(data, &wb); err != nil {
		return nil, err
	}
	var out []string
	for _, s := range wb.Sheets {
		out = append(out, s.Name)
	}
	return out, nil
}

// ReadSheet returns the cells of the workbook's n-th sheet (from 1) as text.
func ReadSheet(b []byte, n int) ([][]string, error) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	f, err := z.Open(fmt.Sprintf("xl/worksheets/sheet%d.xml", n))
	if err != nil {
		return nil, err
	}
	data, _ := io.ReadAll(f)
	var ws struct {
		Rows []struct {
			Cells []struct {
				R string `xml:"r,attr"`
				V string `xml:"v"`
				T string `xml:"is>t"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.Unmarshal(data, &ws); err != nil {
		return nil, err
	}
	var out [][]string
	for _, r := range ws.Rows {
		var row []string
		for _, c := range r.Cells {
			row = append(row, c.V+c.T)
		}
		out = append(out, row)
	}
	return out, nil
}
