// Package workdays is the working-day calendar behind Beian's SLAs and
// estimated approval dates: working time is 09:00–18:00 China Standard Time
// on working days, which are Monday to Friday plus the official make-up days
// (调休), minus the public holidays. The official calendar comes from
// github.com/6tail/lunar-go (it covers 2001 through 2027); an operator
// override table supplies later years, or corrects a published change.
package workdays

import (
	"fmt"
	"log/slog"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// CST is China Standard Time. A fixed zone, so the calendar does not depend
// on the tz database being installed (China has no daylight saving time).
var CST = time.FixedZone("CST", 8*3600)

// Working hours of a working day, in CST.
const (
	OpenHour  = 9
	CloseHour = 18
	// HoursPerDay is the length of one working day: 9 working hours.
	HoursPerDay = CloseHour - OpenHour
)

// Override values in the operator table.
const (
	Holiday = "holiday"
	Workday = "workday"
)

// day is one entry of the official table.
type day struct {
	work bool   // a make-up working day (调休) rather than a day off
	name string // e.g. 国庆节
}

var (
	officialOnce sync.Once
	official     map[int]day // dateKey → entry
	officialLast int         // last year the library covers
)

// loadOfficial reads the library's table once; it is immutable data.
func loadOfficial() {
	officialOnce.Do(func() {
		official = map[int]day{}
		for y := 2001; y <= 2100; y++ {
			l := HolidayUtil.GetHolidaysByYear(y)
			for e := l.Front(); e != nil; e = e.Next() {
				h := e.Value.(*HolidayUtil.Holiday)
				t, err := time.ParseInLocation(time.DateOnly, h.GetDay(), CST)
				if err != nil {
					continue // the library's own data; never malformed in practice
				}
				official[dateKey(t)] = day{work: h.IsWork(), name: h.GetName()}
				officialLast = y
			}
		}
	})
}

// Calendar answers working-day questions. The zero value is not usable;
// build one with New. A Calendar is safe for concurrent use.
type Calendar struct {
	overrides     map[int]bool // dateKey → is a working day
	overrideYears map[int]bool // years the operator table speaks for
	log           *slog.Logger
	warned        sync.Map // year → struct{}: the fallback was logged
}

// dateKey is the CST calendar date of t as yyyymmdd, a cheap map key.
func dateKey(t time.Time) int {
	y, m, d := t.In(CST).Date()
	return y*10000 + int(m)*100 + d
}

// New builds a calendar from the operator overrides ("2028-01-01":
// "holiday" | "workday", config Provider.HolidayOverrides). An override
// wins over the library's official data for its date.
func New(overrides map[string]string) (*Calendar, error) {
	loadOfficial()
	c := &Calendar{overrides: make(map[int]bool, len(overrides)), overrideYears: map[int]bool{}, log: slog.Default()}
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the first bad entry deterministically
	for _, k := range keys {
		t, err := time.ParseInLocation(time.DateOnly, k, CST)
		if err != nil {
			return nil, fmt.Errorf("holiday override %q: not a YYYY-MM-DD date", k)
		}
		c.overrideYears[t.Year()] = true
		switch overrides[k] {
		case Holiday:
			c.overrides[dateKey(t)] = false
		case Workday:
			c.overrides[dateKey(t)] = true
		default:
			return nil, fmt.Errorf("holiday override %s: %q must be %q or %q", k, overrides[k], Holiday, Workday)
		}
	}
	return c, nil
}

// WithLog sets where the calendar says that it fell back to weekends only
// for a year without official data; it returns c for chaining.
func (c *Calendar) WithLog(log *slog.Logger) *Calendar {
	if log != nil {
		c.log = log
	}
	return c
}

// CoveredThrough is the last year for which the library has official data;
// years after it need operator overrides for their holidays.
func CoveredThrough() int {
	loadOfficial()
	return officialLast
}

// Date formats t as a CST calendar date, YYYY-MM-DD.
func Date(t time.Time) string { return t.In(CST).Format(time.DateOnly) }

// IsWorkday reports whether the CST calendar date of t is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	key := dateKey(t)
	if w, ok := c.overrides[key]; ok {
		return w
	}
	if d, ok := official[key]; ok {
		return d.work
	}
	if y := key / 10000; y > officialLast && !c.overrideYears[y] {
		c.uncovered(y)
	}
	wd := t.In(CST).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// uncovered says once per year and calendar that the year's holidays are
// unknown, so only weekends are days off: SLAs and ETAs there ignore
// holidays until an operator adds them (config holiday_overrides).
func (c *Calendar) uncovered(year int) {
	if _, seen := c.warned.LoadOrStore(year, struct{}{}); seen {
		return
	}
	c.log.Warn("working-day calendar: no official holidays for this year; counting weekends only (add holiday_overrides to the provider file)",
		"year", year, "official_data_through", officialLast)
}

// HolidayName names the official holiday or make-up day of t's CST date
// ("国庆节"), or "" for an ordinary day.
func (c *Calendar) HolidayName(t time.Time) string {
	return official[dateKey(t)].name
}

// opening and closing of the CST day containing t.
func bounds(t time.Time) (open, close time.Time) {
	t = t.In(CST)
	y, m, d := t.Date()
	return time.Date(y, m, d, OpenHour, 0, 0, 0, CST), time.Date(y, m, d, CloseHour, 0, 0, 0, CST)
}

// maxDays bounds every walk through the calendar (about 270 years), so a
// nonsensical amount cannot loop for ever.
const maxDays = 100_000

// NextOpening is t itself when t is within working time, otherwise the
// start of the next working period.
func (c *Calendar) NextOpening(t time.Time) time.Time { return c.toWorkingTime(t, true) }

// prevClosing is t itself when t is within working time (or exactly at a
// closing), otherwise the end of the previous working period.
func (c *Calendar) prevClosing(t time.Time) time.Time { return c.toWorkingTime(t, false) }

// toWorkingTime walks from t to working time, forward (to an opening) or
// back (to a closing): t when it is already there.
func (c *Calendar) toWorkingTime(t time.Time, forward bool) time.Time {
	t = t.In(CST)
	for range maxDays {
		open, close := bounds(t)
		inside := t.Before(close)
		if !forward {
			inside = t.After(open)
		}
		if c.IsWorkday(t) && inside {
			return clampTime(t, open, close)
		}
		if forward {
			t = open.AddDate(0, 0, 1)
		} else {
			t = close.AddDate(0, 0, -1)
		}
	}
	return t
}

// clampTime is t moved into [lo, hi].
func clampTime(t, lo, hi time.Time) time.Time {
	switch {
	case t.Before(lo):
		return lo
	case t.After(hi):
		return hi
	}
	return t
}

// hoursToDuration converts fractional hours, rounded to the millisecond.
func hoursToDuration(h float64) time.Duration {
	return time.Duration(math.Round(h*float64(time.Hour)/float64(time.Millisecond))) * time.Millisecond
}

// AddWorkingHours moves t forward by h working hours (backward when h is
// negative). Counting forward from outside working time starts at the next
// opening; counting backward starts at the previous closing. A result that
// lands exactly on a boundary stays there: Monday 10:00 plus 8 hours is
// Monday 18:00, not Tuesday 09:00. The result is in CST.
func (c *Calendar) AddWorkingHours(t time.Time, h float64) time.Time {
	if h == 0 || math.IsNaN(h) {
		return t.In(CST)
	}
	if math.IsInf(h, 0) {
		h = math.Copysign(HoursPerDay*maxDays, h)
	}
	left := hoursToDuration(math.Abs(h))
	if h > 0 {
		t = c.NextOpening(t)
		for i := 0; i < maxDays; i++ {
			_, close := bounds(t)
			if avail := close.Sub(t); left <= avail {
				return t.Add(left)
			} else {
				left -= avail
			}
			t = c.NextOpening(close.Add(time.Nanosecond))
		}
		return t
	}
	t = c.prevClosing(t)
	for i := 0; i < maxDays; i++ {
		open, _ := bounds(t)
		if avail := t.Sub(open); left <= avail {
			return t.Add(-left)
		} else {
			left -= avail
		}
		t = c.prevClosing(open.Add(-time.Nanosecond))
	}
	return t
}

// AddWorkingDays moves t by d working days of 9 working hours each
// (fractions allowed: 1.5 days is 13.5 hours; negative d subtracts).
func (c *Calendar) AddWorkingDays(t time.Time, d float64) time.Time {
	return c.AddWorkingHours(t, d*HoursPerDay)
}

// WorkingHoursBetween is the working time from a to b, in hours; negative
// when b is before a.
func (c *Calendar) WorkingHoursBetween(a, b time.Time) float64 {
	if b.Before(a) {
		return -c.WorkingHoursBetween(b, a)
	}
	var total time.Duration
	t := a.In(CST)
	for i := 0; i < maxDays && t.Before(b); i++ {
		open, close := bounds(t)
		if c.IsWorkday(t) {
			from, to := maxTime(t, open), minTime(b, close)
			if to.After(from) {
				total += to.Sub(from)
			}
		}
		t = open.AddDate(0, 0, 1)
	}
	return total.Hours()
}

// WorkingDaysBetween is WorkingHoursBetween in working days of 9 hours.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) float64 {
	return c.WorkingHoursBetween(a, b) / HoursPerDay
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
