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
