package catalog

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"gopkg.in/yaml.v3"
)

// WriteYAML writes the catalogue as one YAML file of the shape Parse reads.
func (c *Catalog) WriteYAML(w io.Writer) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(File{Version: c.Version, Groups: c.Groups}); err != nil {
		return err
	}
	return enc.Close()
}

// csvColumns are the columns of the spreadsheet form, one row a category.
// Lists (units, keywords, examples) are joined with '|'.
var csvColumns = []string{
	"group", "group_name_zh", "group_name_en",
	"code", "name_zh", "name_en", "disposition", "units", "hotline", "urgency",
	"sign", "arrive", "feedback", "close", "auto_dispatch",
	"keywords", "examples", "script", "catalog_version",
}

const listSep = "|"

// WriteCSV writes the catalogue as a spreadsheet (UTF-8 with a byte-order
// mark, so that spreadsheet programs read the Chinese right): a header row,
// then one row per category in catalogue order.
func (c *Catalog) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	for _, g := range c.Groups {
		for _, cat := range g.Categories {
			units := make([]string, len(cat.Units))
			for i, u := range cat.Units {
				units[i] = string(u)
			}
			row := []string{
				g.Code, g.NameZH, g.NameEN,
				cat.Code, cat.NameZH, cat.NameEN, string(cat.Disposition), strings.Join(units, listSep), cat.Hotline, string(cat.Urgency),
				FormatDuration(time.Duration(cat.Limits.Sign)), FormatDuration(time.Duration(cat.Limits.Arrive)),
				FormatDuration(time.Duration(cat.Limits.Feedback)), FormatDuration(time.Duration(cat.Limits.Close)),
				strconv.FormatBool(cat.AutoDispatch),
				strings.Join(cat.Keywords, listSep), strings.Join(cat.Examples, listSep), cat.Script, c.Version,
			}
			for i := range row {
				row[i] = NeutralCell(row[i])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// ParseCSV reads the spreadsheet form written by WriteCSV (columns may come
// in any order; unknown columns are an error, missing optional ones are
// empty) and validates it like Parse. Rows of a group need not be adjacent.
func ParseCSV(r io.Reader) (*Catalog, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("csv header: %w", err)
	}
	col := map[string]int{}
	known := map[string]bool{}
	for _, c := range csvColumns {
		known[c] = true
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !known[h] {
			return nil, fmt.Errorf("csv header: unknown column %q", h)
		}
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("csv header: column %q twice", h)
		}
		col[h] = i
	}
	for _, req := range []string{"group", "code", "name_zh", "name_en", "disposition", "units"} {
		if _, ok := col[req]; !ok {
			return nil, fmt.Errorf("csv header: column %q is required", req)
		}
	}
	var f File
	groupAt := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("csv: %w", err)
		}
		get := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(unneutral(rec[i]))
		}
		empty := true
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		where := fmt.Sprintf("csv line %d", line)
		if v := get("catalog_version"); v != "" && f.Version == "" {
			f.Version = v
		}
		gcode := get("group")
		gi, ok := groupAt[gcode]
		if !ok {
			gi = len(f.Groups)
			groupAt[gcode] = gi
			f.Groups = append(f.Groups, Group{Code: gcode, NameZH: get("group_name_zh"), NameEN: get("group_name_en")})
		}
		g := &f.Groups[gi]
		if g.NameZH == "" {
			g.NameZH = get("group_name_zh")
		}
		if g.NameEN == "" {
			g.NameEN = get("group_name_en")
		}
		cat := Category{
			Code: get("code"), NameZH: get("name_zh"), NameEN: get("name_en"),
			Disposition: fenliu.Disposition(get("disposition")), Hotline: get("hotline"), Urgency: Urgency(get("urgency")),
			Keywords: splitList(get("keywords")), Examples: splitList(get("examples")), Script: get("script"),
		}
		for _, u := range splitList(get("units")) {
			cat.Units = append(cat.Units, fenliu.UnitType(u))
		}
		for _, d := range []struct {
			name string
			to   *Duration
		}{{"sign", &cat.Limits.Sign}, {"arrive", &cat.Limits.Arrive}, {"feedback", &cat.Limits.Feedback}, {"close", &cat.Limits.Close}} {
			v, err := ParseDuration(get(d.name))
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", where, d.name, err)
			}
			*d.to = Duration(v)
		}
		if v := get("auto_dispatch"); v != "" {
			ad, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("%s: auto_dispatch %q is not true or false", where, v)
			}
			cat.AutoDispatch = ad
		}
		g.Categories = append(g.Categories, cat)
	}
	return New(f)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, listSep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// NeutralCell keeps a spreadsheet from reading a cell as a formula: text
// beginning with = + - @ (or a tab or carriage return) gets a leading
// apostrophe, which spreadsheet programs show as text (CSV injection).
func NeutralCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// unneutral undoes NeutralCell when the file is read back.
func unneutral(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}
