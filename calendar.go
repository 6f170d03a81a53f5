package fenliu

import (
	"sort"
	"time"
)

// Calendar says when the city works: daily hours on Monday to Friday, public
// holidays off, and weekend days worked instead (调休). Time limits counted
// in working time only run inside working hours. It is data a city keeps.
type Calendar struct {
	DayStart time.Duration   `json:"day_start"` // since local midnight, e.g. 8h30m
	DayEnd   time.Duration   `json:"day_end"`   // e.g. 17h30m
	Holidays []string        `json:"holidays"`  // "2026-10-01": days off
	Workdays []string        `json:"workdays"`  // "2026-10-10": weekend days worked
	Location *time.Location  `json:"-"`
	off, on  map[string]bool // indexes of the lists
}

// DefaultCalendar is 08:30–17:30, Monday to Friday, in loc, without holidays.
func DefaultCalendar(loc *time.Location) *Calendar {
	return &Calendar{DayStart: 8*time.Hour + 30*time.Minute, DayEnd: 17*time.Hour + 30*time.Minute, Location: loc}
}

func (c *Calendar) index() {
	if c.off != nil {
		return
	}
	c.off, c.on = map[string]bool{}, map[string]bool{}
	for _, d := range c.Holidays {
		c.off[d] = true
	}
	for _, d := range c.Workdays {
		c.on[d] = true
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
}

// Workday reports whether the local date of t is a working day.
func (c *Calendar) Workday(t time.Time) bool {
	c.index()
	d := t.In(c.Location).Format("2006-01-02")
	if c.on[d] {
		return true
	}
	if c.off[d] {
		return false
	}
	wd := t.In(c.Location).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// InWorkingHours reports whether t falls in working time: a working day,
// between the day's start and end. Routing uses it for units that keep no
// duty roster, so they count as off duty exactly when limits stop running.
func (c *Calendar) InWorkingHours(t time.Time) bool {
	c.index()
	if c.DayEnd <= c.DayStart {
		return true // no working hours set: always
	}
	lt := t.In(c.Location)
	since := time.Duration(lt.Hour())*time.Hour + time.Duration(lt.Minute())*time.Minute + time.Duration(lt.Second())*time.Second
	return c.Workday(lt) && since >= c.DayStart && since < c.DayEnd
}

// AddWorking returns the time when d of working time has passed after t.
func (c *Calendar) AddWorking(t time.Time, d time.Duration) time.Time {
	c.index()
	if c.DayEnd <= c.DayStart {
		return t.Add(d) // no working hours set: clock time
	}
	cur := t.In(c.Location)
	for i := 0; i < 3700 && d > 0; i++ { // at most ten years of days
		day := time.Date(cur.Year(), cur.Month(), cur.Day(), 0, 0, 0, 0, c.Location)
		start, end := day.Add(c.DayStart), day.Add(c.DayEnd)
		if c.Workday(day) && cur.Before(end) {
			if cur.Before(start) {
				cur = start
			}
			if left := end.Sub(cur); d <= left {
				return cur.Add(d)
			} else {
				d -= left
			}
		}
		cur = day.AddDate(0, 0, 1)
	}
	return cur
}

// Sorted returns the calendar with its lists sorted and de-duplicated.
func (c *Calendar) Sorted() *Calendar {
	uniq := func(xs []string) []string {
		sort.Strings(xs)
		out := xs[:0]
		for i, x := range xs {
			if i == 0 || x != xs[i-1] {
				out = append(out, x)
			}
		}
		return out
	}
	c.Holidays, c.Workdays = uniq(c.Holidays), uniq(c.Workdays)
	c.off = nil
	return c
}
