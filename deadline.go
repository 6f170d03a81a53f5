package fenliu

import "time"

// Deadlines (时限): the one rule that fixes an order's deadlines, used by
// dispatch, re-route and reopen. Limits count from `from` in clock time, or
// in the city's working time (Calendar) when the category says so.

// SetDeadlines gives o the deadlines of limits l counted from `from` — a
// new order at dispatch, or the new unit's order at a re-route (the new unit
// gets its full limits). A zero limit sets no deadline.
func SetDeadlines(o *Order, l Limits, cal *Calendar, working bool, from time.Time) {
	o.LimitsFrom = from
	o.SignDue = due(l.Sign, cal, working, from)
	o.ArriveDue = due(l.Arrive, cal, working, from)
	o.FeedbackDue = due(l.Feedback, cal, working, from)
	o.CloseDue = due(l.Close, cal, working, from)
}

// ReopenDeadlines gives a reopened order (重办) fresh limits from `from`:
// the unit must arrive (when the category expects it), feed back and close
// again within its limits. The sign deadline stays as it was (it is signed).
func ReopenDeadlines(o *Order, l Limits, cal *Calendar, working bool, from time.Time) {
	o.LimitsFrom = from
	o.ArriveDue = due(l.Arrive, cal, working, from)
	o.FeedbackDue = due(l.Feedback, cal, working, from)
	o.CloseDue = due(l.Close, cal, working, from)
}

func due(d Duration, cal *Calendar, working bool, from time.Time) *time.Time {
	if d <= 0 {
		return nil
	}
	t := cal.After(from, time.Duration(d), working)
	return &t
}

// After returns the time d after t: working time when working is set (and
// the calendar has working hours), clock time otherwise. A nil calendar
// counts clock time.
func (c *Calendar) After(t time.Time, d time.Duration, working bool) time.Time {
	if c == nil || !working {
		return t.Add(d)
	}
	return c.AddWorking(t, d)
}
