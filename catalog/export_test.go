package catalog

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

const roundTripYAML = `version: "rt-1"
groups:
  - code: city
    name_zh: 市容环境
    name_en: City appearance
    categories:
      - code: city.vendor
        name_zh: 占道经营、流动摊贩
        name_en: Street vendors, "quoted", with commas
        disposition: divert
        units: [urban_management, subdistrict]
        urgency: normal
        limits: {sign: 30m, arrive: 2h, feedback: 1d, close: 1d12h}
        auto_dispatch: true
        keywords: [摆摊, 占道, "小贩,地摊"]
        examples:
          - "小区门口天天有人摆摊卖菜，占了半条路"
          - "多行
            文字"
  - code: legal
    name_zh: 法律服务
    name_en: Legal services
    categories:
      - code: legal.notarization
        name_zh: 公证咨询
        name_en: Notarization questions
        disposition: redirect
        units: [legal_services]
        hotline: "12348"
        script: 您咨询的公证问题请拨打12348公共法律服务热线。
        urgency: low
        limits: {sign: 0, arrive: 0, feedback: 0, close: 0}
        keywords: [公证]
        examples: []
      - code: legal.fight
        name_zh: 打架
        name_en: Fight
        disposition: police
        units: [police]
        urgency: critical
        limits: {sign: 1m, arrive: 15m, feedback: 1h, close: 1d}
        keywords: [打架]
`

func TestExportRoundTrip(t *testing.T) {
	c, err := Parse([]byte(roundTripYAML))
	if err != nil {
		t.Fatal(err)
	}
	var y bytes.Buffer
	if err := c.WriteYAML(&y); err != nil {
		t.Fatal(err)
	}
	c2, err := Parse(y.Bytes())
	if err != nil {
		t.Fatalf("YAML written does not parse: %v\n%s", err, y.String())
	}
	same(t, "yaml", c, c2)

	var csvBuf bytes.Buffer
	if err := c.WriteCSV(&csvBuf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csvBuf.String(), "urban_management|subdistrict") {
		t.Errorf("lists not joined with '|':\n%s", csvBuf.String())
	}
	c3, err := ParseCSV(bytes.NewReader(csvBuf.Bytes()))
	if err != nil {
		t.Fatalf("CSV written does not parse: %v\n%s", err, csvBuf.String())
	}
	same(t, "csv", c, c3)

	// and the default catalogue, whatever it holds
	if d, err := Default(); err == nil {
		var b bytes.Buffer
		if err := d.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		d2, err := ParseCSV(&b)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "default csv", d, d2)
		b.Reset()
		if err := d.WriteYAML(&b); err != nil {
			t.Fatal(err)
		}
		d3, err := Parse(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		same(t, "default yaml", d, d3)
	}
}

func same(t *testing.T, what string, a, b *Catalog) {
	t.Helper()
	if a.Version != b.Version {
		t.Errorf("%s: version %q, want %q", what, b.Version, a.Version)
	}
	norm := func(c *Catalog) []Group {
		gs := append([]Group(nil), c.Groups...)
		for gi := range gs {
			cats := append([]Category(nil), gs[gi].Categories...)
			for ci := range cats {
				if len(cats[ci].Examples) == 0 {
					cats[ci].Examples = nil
				}
				if len(cats[ci].Keywords) == 0 {
					cats[ci].Keywords = nil
				}
			}
			gs[gi].Categories = cats
		}
		return gs
	}
	if !reflect.DeepEqual(norm(a), norm(b)) {
		t.Errorf("%s: round trip changed the catalogue:\n got %+v\nwant %+v", what, norm(b), norm(a))
	}
}

func TestParseCSVErrors(t *testing.T) {
	for name, in := range map[string]string{
		"unknown column":   "group,code,name_zh,name_en,disposition,units,colour\n",
		"missing column":   "group,code,name_zh\n",
		"bad duration":     "group,group_name_zh,code,name_zh,name_en,disposition,units,urgency,sign\ng,组,g.a,甲,A,divert,municipal,normal,xx\n",
		"bad unit":         "group,group_name_zh,code,name_zh,name_en,disposition,units,urgency,sign,feedback,close,keywords\ng,组,g.a,甲,A,divert,plumber,normal,1h,1d,3d,路\n",
		"bad auto":         "group,group_name_zh,code,name_zh,name_en,disposition,units,urgency,auto_dispatch\ng,组,g.a,甲,A,divert,municipal,normal,maybe\n",
		"police no police": "group,group_name_zh,code,name_zh,name_en,disposition,units,urgency,sign,feedback,close,keywords\ng,组,g.a,甲,A,police,municipal,critical,1m,1h,1d,打\n",
	} {
		if _, err := ParseCSV(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestCSVCellsNotFormulas: a cell that would be read as a formula is
// written as text, and read back as it was.
func TestCSVCellsNotFormulas(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := &c.Groups[0].Categories[0]
	cat.Script = "=HYPERLINK(\"http://evil.example\",\"点我\")"
	cat.Keywords = append(cat.Keywords, "@SUM(A1)", "+1", "-2")
	var b bytes.Buffer
	if err := c.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{",=HYPERLINK", ",\"=HYPERLINK", ",@SUM", ",+1"} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("the CSV has a formula cell: %q", bad)
		}
	}
	back, err := ParseCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	got := back.Category(cat.Code)
	if got.Script != cat.Script || strings.Join(got.Keywords, "|") != strings.Join(cat.Keywords, "|") {
		t.Errorf("read back: %q %q", got.Script, got.Keywords)
	}
}
