package triage

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fenliu/fenliu"
)

// HistoryLine is one past work order of a city (TRIAGE_CONTRACT.md,
// "Learning from a city's history"): the text, and any of the unit types
// that were right (ordered, any of them right as the first), the
// catalogue category and the disposition. Weight counts it more in
// training (the desk's corrections).
type HistoryLine struct {
	ID          string
	Text        string
	Units       []fenliu.UnitType
	Category    string
	Disposition fenliu.Disposition
	Weight      float64
}

// UnitResolver maps a unit named in a history line (a code or name of the
// city's directory) to its unit type; nil maps only unit-type codes.
type UnitResolver func(name string) (fenliu.UnitType, bool)

// ReadHistory reads history lines: JSON lines, or CSV with a header row
// (columns text, units — unit types joined by | or , — unit_type, unit,
// category, disposition, id; others are ignored). A line without a text,
// or with a unit type or disposition that does not exist, is skipped and
// named in skipped; a file that is neither is an error.
func ReadHistory(r io.Reader, resolve UnitResolver) (lines []HistoryLine, skipped []string, err error) {
	br := bufio.NewReaderSize(r, 1<<16)
	first, _ := br.Peek(64)
	head := strings.TrimLeft(strings.TrimPrefix(string(first), "\ufeff"), " \t\r\n")
	if strings.HasPrefix(head, "{") {
		return readHistoryJSON(br, resolve)
	}
	return readHistoryCSV(br, resolve)
}

// historyRecord is a history line as read, before checking.
type historyRecord struct {
	ID          json.RawMessage `json:"id"`
	Text        string          `json:"text"`
	Units       []string        `json:"units"`
	UnitType    string          `json:"unit_type"`
	Unit        string          `json:"unit"`
	Category    string          `json:"category"`
	Disposition string          `json:"disposition"`
}

func readHistoryJSON(r *bufio.Reader, resolve UnitResolver) (lines []HistoryLine, skipped []string, err error) {
	for n := 1; ; n++ {
		b, rerr := r.ReadBytes('\n')
		if rerr != nil && rerr != io.EOF {
			return lines, skipped, rerr
		}
		if s := strings.TrimSpace(string(b)); s != "" {
			var rec historyRecord
			if err := json.Unmarshal([]byte(s), &rec); err != nil {
				skipped = append(skipped, fmt.Sprintf("line %d: %v", n, err))
			} else if h, why := rec.line(resolve); why != "" {
				skipped = append(skipped, fmt.Sprintf("line %d: %s", n, why))
			} else {
				if h.ID == "" {
					h.ID = "line-" + strconv.Itoa(n)
				}
				lines = append(lines, h)
			}
		}
		if rerr == io.EOF {
			return lines, skipped, nil
		}
	}
}

func readHistoryCSV(r *bufio.Reader, resolve UnitResolver) (lines []HistoryLine, skipped []string, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("history: neither JSON lines nor CSV with a header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := col["text"]; !ok {
		return nil, nil, fmt.Errorf("history: the CSV header %q has no text column", strings.Join(header, ","))
	}
	get := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	for n := 2; ; n++ {
		row, err := cr.Read()
		if err == io.EOF {
			return lines, skipped, nil
		}
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		rec := historyRecord{Text: get(row, "text"), UnitType: get(row, "unit_type"), Unit: get(row, "unit"),
			Category: get(row, "category"), Disposition: get(row, "disposition")}
		if u := get(row, "units"); u != "" {
			rec.Units = strings.FieldsFunc(u, func(r rune) bool { return r == '|' || r == ',' || r == ';' || r == ' ' })
		}
		h, why := rec.line(resolve)
		if why != "" {
			skipped = append(skipped, fmt.Sprintf("line %d: %s", n, why))
			continue
		}
		h.ID = get(row, "id")
		if h.ID == "" {
			h.ID = "line-" + strconv.Itoa(n)
		}
		lines = append(lines, h)
	}
}

// line checks a record; why says what is wrong with it.
func (rec historyRecord) line(resolve UnitResolver) (h HistoryLine, why string) {
	h = HistoryLine{Text: strings.TrimSpace(rec.Text), Category: strings.TrimSpace(rec.Category)}
	if len(rec.ID) > 0 {
		var s string
		if json.Unmarshal(rec.ID, &s) == nil {
			h.ID = s
		} else {
			h.ID = string(rec.ID)
		}
	}
	if h.Text == "" {
		return h, "no text"
	}
	names := append([]string(nil), rec.Units...)
	if rec.UnitType != "" {
		names = append(names, rec.UnitType)
	}
	for _, n := range names {
		u := fenliu.UnitType(strings.TrimSpace(n))
		if !u.Valid() {
			return h, fmt.Sprintf("unknown unit type %q", n)
		}
		if !containsUnit(h.Units, u) {
			h.Units = append(h.Units, u)
		}
	}
	if rec.Unit != "" {
		u := fenliu.UnitType(rec.Unit)
		ok := u.Valid()
		if !ok && resolve != nil {
			u, ok = resolve(rec.Unit)
		}
		if !ok {
			return h, fmt.Sprintf("unit %q is neither a unit type nor a unit of the directory", rec.Unit)
		}
		if !containsUnit(h.Units, u) {
			h.Units = append(h.Units, u)
		}
	}
	if rec.Disposition != "" {
		h.Disposition = fenliu.Disposition(rec.Disposition)
		if !h.Disposition.Valid() {
			return h, fmt.Sprintf("unknown disposition %q", rec.Disposition)
		}
	}
	if len(h.Units) == 0 && h.Category == "" && h.Disposition == "" {
		return h, "no units, unit_type, category or disposition"
	}
	return h, ""
}

// Example returns the line as a labelled example to score an engine on:
// its units are the units_ok; with no disposition it is a police matter
// when police is its first unit, else a diverted one.
func (h HistoryLine) Example() Example {
	ex := Example{ID: h.ID, Text: h.Text, Disposition: h.Disposition, UnitsOK: h.Units, Category: h.Category, Weight: h.Weight}
	if ex.Disposition == "" {
		ex.Disposition = fenliu.DispDivert
		if len(h.Units) > 0 && h.Units[0] == fenliu.UTPolice {
			ex.Disposition = fenliu.DispPolice
		}
	}
	return ex
}
