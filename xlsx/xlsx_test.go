package xlsx

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

func TestWriteAndReadBack(t *testing.T) {
	var buf bytes.Buffer
	err := Write(&buf, Sheet{Name: "通报: 11月", Header: []string{"单位", "签收率", "工单"}, Rows: [][]any{
		{"江南区城管 <执法> & 大队", 0.925, 40},
		{"住建局", nil, int64(0)},
	}}, Sheet{Name: "", Rows: [][]any{{"x"}}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"单位", "签收率", "工单"}, {"江南区城管 <执法> & 大队", "0.925", "40"}, {"住建局", "0"}}
	if len(rows) != 3 || strings.Join(rows[1], "|") != strings.Join(want[1], "|") || strings.Join(rows[0], "|") != strings.Join(want[0], "|") || strings.Join(rows[2], "|") != strings.Join(want[2], "|") {
		t.Fatalf("read back %q", rows)
	}
	z, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	names := map[string]bool{}
	for _, f := range z.File {
		names[f.Name] = true
	}
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml"} {
		if !names[n] {
			t.Errorf("missing %s", n)
		}
	}
	if col(0) != "A" || col(25) != "Z" || col(26) != "AA" || col(27) != "AB" || col(701) != "ZZ" || col(702) != "AAA" {
		t.Error("column letters")
	}
	if sheetName("a/b[c]", 1) != "a_b_c_" {
		t.Error("sheet name")
	}
}

func TestTitleFormatsWidthsFrozen(t *testing.T) {
	var buf bytes.Buffer
	err := Write(&buf, Sheet{Name: "考核", Title: "临江市 考核", Notes: []string{"2026-11-01 至 2026-11-30"},
		Header: []string{"单位", "工单", "得分", "签收率"}, Widths: []float64{28, 8, 8, 10},
		Formats: []string{"", "", FormatDecimal, FormatPercent},
		Rows:    [][]any{{"江南区城管执法大队", 12, 91.5, 0.925}}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "临江市 考核" || rows[2][0] != "单位" || rows[3][3] != "0.925" {
		t.Fatalf("rows %q", rows)
	}
	names, err := SheetNames(buf.Bytes())
	if err != nil || len(names) != 1 || names[0] != "考核" {
		t.Fatalf("sheet names %q, %v", names, err)
	}
	z, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	var sheet, styles string
	for _, f := range z.File {
		r, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(r)
		switch f.Name {
		case "xl/worksheets/sheet1.xml":
			sheet = b.String()
		case "xl/styles.xml":
			styles = b.String()
		}
	}
	for _, want := range []string{`<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>`,
		`<col min="1" max="1" width="28" customWidth="1"/>`, `<c r="D4" s="2"><v>0.925</v></c>`, `<c r="C4" s="3"><v>91.5</v></c>`,
		`<mergeCell ref="A1:D1"/>`} {
		if !strings.Contains(sheet, want) {
			t.Errorf("sheet lacks %s", want)
		}
	}
	if !strings.Contains(styles, `formatCode="0.0%"`) {
		t.Error("no percent format")
	}
}
