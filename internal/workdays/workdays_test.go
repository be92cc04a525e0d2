package workdays

import (
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

func cal(t *testing.T, o map[string]string) *Calendar {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, CST)
	if err != nil {
		panic(err)
	}
	return t
}

// The 2026 official calendar (State Council notice), as the library carries it.
func TestIsWorkday2026(t *testing.T) {
	c := cal(t, nil)
	tests := []struct {
		date string
		work bool
		why  string
	}{
		{"2026-01-01", false, "元旦 (Thursday)"},
		{"2026-01-02", false, "元旦 (Friday)"},
		{"2026-01-04", true, "make-up Sunday for 元旦"},
		{"2026-02-14", true, "make-up Saturday for 春节"},
		{"2026-02-16", false, "春节 eve (Monday)"},
		{"2026-02-17", false, "春节"},
		{"2026-02-23", false, "last day of 春节 (Monday)"},
		{"2026-02-24", true, "first working day after 春节"},
		{"2026-02-28", true, "make-up Saturday for 春节"},
		{"2026-04-06", false, "清明 (Monday)"},
		{"2026-05-05", false, "劳动节 (Tuesday)"},
		{"2026-05-09", true, "make-up Saturday for 劳动节"},
		{"2026-06-19", false, "端午 (Friday)"},
		{"2026-09-20", true, "make-up Sunday for 国庆"},
		{"2026-09-25", false, "中秋 (Friday)"},
		{"2026-10-01", false, "国庆"},
		{"2026-10-07", false, "last day of 国庆 (Wednesday)"},
		{"2026-10-08", true, "Thursday after 国庆"},
		{"2026-10-10", true, "make-up Saturday for 国庆"},
		{"2026-10-11", false, "ordinary Sunday"},
		{"2026-11-27", true, "ordinary Friday"},
		{"2026-11-28", false, "ordinary Saturday"},
	}
	for _, tt := range tests {
		d := at(tt.date + " 12:00")
		if got := c.IsWorkday(d); got != tt.work {
			t.Errorf("%s (%s): IsWorkday = %v, want %v", tt.date, tt.why, got, tt.work)
		}
		// Cross-check against the library itself, so the table cannot drift from the data.
		if h := HolidayUtil.GetHoliday(tt.date); h != nil && h.IsWork() != tt.work {
			t.Errorf("%s: library says work=%v, table says %v", tt.date, h.IsWork(), tt.work)
		}
	}
}

// Every official entry of 2026 and 2027 is honoured, not only the sampled ones.
func TestFollowsLibrary(t *testing.T) {
	c := cal(t, nil)
	n := 0
	for _, y := range []int{2026, 2027} {
		l := HolidayUtil.GetHolidaysByYear(y)
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			if got := c.IsWorkday(at(h.GetDay() + " 10:00")); got != h.IsWork() {
				t.Errorf("%s %s: IsWorkday = %v, library work = %v", h.GetDay(), h.GetName(), got, h.IsWork())
			}
			n++
		}
	}
	if n < 50 {
		t.Fatalf("only %d official entries for 2026–2027; library data missing?", n)
	}
	if CoveredThrough() < 2027 {
		t.Errorf("CoveredThrough = %d, want ≥ 2027", CoveredThrough())
	}
}

func TestOverrides(t *testing.T) {
	c := cal(t, map[string]string{"2028-01-03": Holiday, "2028-01-08": Workday, "2026-10-08": Holiday})
	if c.IsWorkday(at("2028-01-03 10:00")) {
		t.Error("override holiday on a Monday is a workday")
	}
	if !c.IsWorkday(at("2028-01-08 10:00")) {
		t.Error("override workday on a Saturday is not a workday")
	}
	if c.IsWorkday(at("2026-10-08 10:00")) {
		t.Error("override does not win over the library")
	}
	if !c.IsWorkday(at("2028-01-04 10:00")) {
		t.Error("ordinary Tuesday 2028 is not a workday")
	}
	for _, bad := range []map[string]string{{"2028-13-01": Holiday}, {"2028-01-01": "off"}, {"tomorrow": Workday}} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%v) accepted a bad override", bad)
		}
	}
}

func TestAddWorkingHours(t *testing.T) {
	c := cal(t, nil)
	tests := []struct {
		name  string
		from  string
		hours float64
		want  string
	}{
		{"within one day", "2026-11-30 10:00", 3, "2026-11-30 13:00"},
		{"lands on closing", "2026-11-30 10:00", 8, "2026-11-30 18:00"},
		{"rolls to next day", "2026-11-30 10:00", 8.5, "2026-12-01 09:30"},
		{"initial review SLA: 2 working days", "2026-11-30 10:00", 18, "2026-12-02 10:00"},
		{"material review SLA: 1.5 working days", "2026-11-30 10:00", 13.5, "2026-12-01 14:30"},
		{"starts on a Saturday at the next opening", "2026-11-28 12:00", 18, "2026-12-01 18:00"},
		{"starts before opening", "2026-11-30 07:00", 1, "2026-11-30 10:00"},
		{"starts after closing", "2026-11-30 20:00", 1, "2026-12-01 10:00"},
		{"across 国庆 (Oct 1–7)", "2026-09-30 10:00", 18, "2026-10-09 10:00"},
		{"into a make-up Sunday", "2026-09-18 17:00", 9, "2026-09-20 17:00"},
		{"across 春节 with make-up Saturday", "2026-02-13 17:00", 2, "2026-02-14 10:00"},
		{"across 春节 proper", "2026-02-14 17:00", 2, "2026-02-24 10:00"},
		{"subtract within a day", "2026-12-01 14:30", -13.5, "2026-11-30 10:00"},
		{"subtract lands on opening", "2026-11-30 18:00", -9, "2026-11-30 09:00"},
		{"subtract from a weekend", "2026-11-29 12:00", -1, "2026-11-27 17:00"},
		{"subtract across 国庆", "2026-10-09 10:00", -18, "2026-09-30 10:00"},
		{"zero leaves the time alone", "2026-11-28 12:00", 0, "2026-11-28 12:00"},
	}
	for _, tt := range tests {
		got := c.AddWorkingHours(at(tt.from), tt.hours)
		if want := at(tt.want); !got.Equal(want) {
			t.Errorf("%s: %s %+g h = %s, want %s", tt.name, tt.from, tt.hours, got.Format("2006-01-02 15:04 Mon"), tt.want)
		}
	}
}

func TestAddWorkingDaysUTCInput(t *testing.T) {
	c := cal(t, nil)
	// 02:00 UTC is 10:00 in Beijing.
	from := time.Date(2026, 9, 30, 2, 0, 0, 0, time.UTC)
	got := c.AddWorkingDays(from, 2)
	if want := at("2026-10-09 10:00"); !got.Equal(want) {
		t.Errorf("AddWorkingDays = %s, want %s", got, want)
	}
	if Date(got) != "2026-10-09" {
		t.Errorf("Date = %s", Date(got))
	}
	if got := c.AddWorkingDays(at("2026-12-01 14:30"), -1.5); !got.Equal(at("2026-11-30 10:00")) {
		t.Errorf("subtract 1.5 days = %s", got)
	}
}

func TestWorkingHoursBetween(t *testing.T) {
	c := cal(t, nil)
	tests := []struct {
		a, b string
		want float64
	}{
		{"2026-11-30 10:00", "2026-11-30 13:00", 3},
		{"2026-11-27 17:00", "2026-11-30 10:00", 2},  // over a weekend
		{"2026-09-30 00:00", "2026-10-09 00:00", 18}, // Sep 30 and Oct 8
		{"2026-11-28 00:00", "2026-11-29 23:59", 0},  // a weekend
		{"2026-11-30 13:00", "2026-11-30 10:00", -3}, // reversed
		// Feb 13 (Fri), Feb 14 (make-up Sat), Feb 24–27 (Tue–Fri), Feb 28 (make-up Sat): 7 days.
		{"2026-02-13 00:00", "2026-03-01 00:00", 7 * 9},
	}
	for _, tt := range tests {
		if got := c.WorkingHoursBetween(at(tt.a), at(tt.b)); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("WorkingHoursBetween(%s, %s) = %g, want %g", tt.a, tt.b, got, tt.want)
		}
	}
	if got := c.WorkingDaysBetween(at("2026-11-30 09:00"), at("2026-12-01 13:30")); got != 1.5 {
		t.Errorf("WorkingDaysBetween = %g, want 1.5", got)
	}
}

// Adding h hours and measuring the distance back gives h again, for random
// starts across 2026–2027 (holidays included).
func TestAddMeasureRoundTrip(t *testing.T) {
	c := cal(t, nil)
	r := rand.New(rand.NewPCG(1, 2))
	base := at("2026-01-01 00:00")
	for i := 0; i < 2000; i++ {
		from := base.Add(time.Duration(r.Int64N(int64(600 * 24 * time.Hour))))
		h := math.Round(r.Float64()*400*4) / 4 // quarter hours up to ~44 days
		to := c.AddWorkingHours(from, h)
		if got := c.WorkingHoursBetween(from, to); math.Abs(got-h) > 1e-6 {
			t.Fatalf("from %s +%g h = %s, but WorkingHoursBetween = %g", from, h, to, got)
		}
		if !c.IsWorkday(to) && h > 0 {
			t.Fatalf("from %s +%g h lands on a day off %s", from, h, to)
		}
		back := c.AddWorkingHours(to, -h)
		if got := c.WorkingHoursBetween(back, to); math.Abs(got-h) > 1e-6 {
			t.Fatalf("subtract: %s −%g h = %s, distance %g", to, h, back, got)
		}
	}
}

func TestNextOpening(t *testing.T) {
	c := cal(t, nil)
	for _, tt := range [][2]string{
		{"2026-11-30 10:00", "2026-11-30 10:00"},
		{"2026-11-30 18:00", "2026-12-01 09:00"},
		{"2026-09-30 19:00", "2026-10-08 09:00"},
		{"2026-10-09 20:00", "2026-10-10 09:00"},
	} {
		if got := c.NextOpening(at(tt[0])); !got.Equal(at(tt[1])) {
			t.Errorf("NextOpening(%s) = %s, want %s", tt[0], got, tt[1])
		}
	}
	if got := c.HolidayName(at("2026-10-03 10:00")); got != "国庆节" {
		t.Errorf("HolidayName = %q", got)
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c, _ := New(nil)
	from := at("2026-09-15 10:00")
	for b.Loop() {
		c.AddWorkingDays(from, 20)
	}
}

// A year without official data counts weekends only and says so once per
// year in the log; a year the operator table covers says nothing.
func TestUncoveredYearLoggedOnce(t *testing.T) {
	var buf strings.Builder
	log := slog.New(slog.NewTextHandler(&buf, nil))
	c, err := New(map[string]string{fmt.Sprintf("%d-01-01", CoveredThrough()+2): Holiday})
	if err != nil {
		t.Fatal(err)
	}
	c.WithLog(log)
	y := CoveredThrough() + 1
	monday := time.Date(y, 3, 1, 10, 0, 0, 0, CST)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, 1)
	}
	for i := range 14 {
		d := monday.AddDate(0, 0, i)
		want := d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
		if got := c.IsWorkday(d); got != want {
			t.Errorf("%s: workday %v, want %v", Date(d), got, want)
		}
	}
	if n := strings.Count(buf.String(), "no official holidays"); n != 1 {
		t.Fatalf("logged %d times, want once:\n%s", n, buf.String())
	}
	if !strings.Contains(buf.String(), fmt.Sprintf("year=%d", y)) {
		t.Errorf("log does not name the year: %s", buf.String())
	}
	// The year the operator covers, and a covered official year, log nothing.
	buf.Reset()
	c.IsWorkday(time.Date(y+1, 6, 3, 10, 0, 0, 0, CST))
	c.IsWorkday(time.Date(CoveredThrough(), 6, 3, 10, 0, 0, 0, CST))
	if buf.Len() != 0 {
		t.Errorf("logged for covered years: %s", buf.String())
	}
}
