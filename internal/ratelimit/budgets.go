package ratelimit

// Budget is a per-client-IP allowance: burst at once, then perMinute.
type Budget struct {
	PerMinute float64
	Burst     int
}

// IPBudgets are the per-client-IP budgets of every door, in one table:
// generous for people (a whole office behind one address), tight for
// scripts. The JSON API and the HTML forms share one Set built from it, so
// a client cannot double its budget by switching doors.
var IPBudgets = map[string]Budget{
	"validate": {120, 60},
	"register": {10, 10},
	"reset":    {10, 10},
	"precheck": {120, 60},
	"public":   {120, 60}, // the public filing lookup
}

// Set is one limiter per budget of IPBudgets.
type Set struct{ limits map[string]*Limiter }

// NewSet builds the limiters; off allows everything (load benchmarks from
// one client, BEIAN_RATE_LIMITS=off).
func NewSet(off bool) *Set {
	s := &Set{limits: map[string]*Limiter{}}
	for name, b := range IPBudgets {
		if off {
			s.limits[name] = Disabled()
		} else {
			s.limits[name] = New(b.PerMinute, b.Burst)
		}
	}
	return s
}

// Get is the limiter of a budget; an unknown name panics, a wiring mistake.
func (s *Set) Get(name string) *Limiter {
	l, ok := s.limits[name]
	if !ok {
		panic("ratelimit: no budget " + name)
	}
	return l
}
