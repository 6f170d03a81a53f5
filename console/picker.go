package console

import (
	"strconv"
	"strings"

	"github.com/fenliu/fenliu"
)

// The unit picker: one text field with the page's list of units
// (<datalist>), which the browser searches as the user types — compact,
// usable by keyboard, and working without script. The field holds a unit's
// name (or code); the handler turns it back into the unit's id.

// pickerArgs is what the "unitpicker" template draws.
type pickerArgs struct {
	P        *page
	Name     string // the form field
	List     string // the datalist's id
	Value    string // the unit shown at first
	Required bool
	ID       string // the input's id ("" for none)
}

// unitName is the unit's name, or "" for 0 or an unknown id.
func unitName(units []*fenliu.Unit, id int64) string {
	for _, u := range units {
		if u.ID == id {
			return u.Name
		}
	}
	return ""
}

// pickUnit reads a picked unit: its name or code as the list shows it, or
// an id. Empty is 0; a name that is no unit is an error naming it.
func pickUnit(units []*fenliu.Unit, field, v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	for _, u := range units {
		if u.Name == v || strings.EqualFold(u.Code, v) {
			return u.ID, nil
		}
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		for _, u := range units {
			if u.ID == id {
				return id, nil
			}
		}
	}
	return 0, fenliu.Errorf(fenliu.EUnprocessable, field, "没有名为「%s」的单位，请从列表中选择", "there is no unit named %q; pick one from the list", v)
}

// pickUnits reads several picked units (repeated fields, each possibly
// "name, name"), without duplicates and without those in skip.
func pickUnits(units []*fenliu.Unit, field string, vs []string, skip ...int64) ([]int64, error) {
	seen := map[int64]bool{}
	for _, s := range skip {
		seen[s] = true
	}
	var out []int64
	for _, v := range vs {
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
			id, err := pickUnit(units, field, part)
			if err != nil {
				return nil, err
			}
			if id != 0 && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}
