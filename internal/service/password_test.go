package service

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordWeak(t *testing.T) {
	for _, c := range []struct {
		pw   string
		weak bool
	}{
		{"", true},
		{"Ab1!", true},          // short
		{"abcdefghijkl", true},  // one class
		{"abcdefghij12", true},  // two classes
		{"Abcdefghij12", false}, // three classes
		{"abcdefgh1!", false},   // exactly 10, three classes
		{"密码密码密码密码Ab1", false},  // other + upper + lower + digit
		{"ABCDEFGHI1", true},    // two classes, 10 chars
	} {
		if got := passwordWeak(c.pw); got != c.weak {
			t.Errorf("passwordWeak(%q) = %v, want %v", c.pw, got, c.weak)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	s := &Service{hashSlot: make(chan struct{}, 1)}
	h := s.hashPassword("Str0ng-pass!")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	if h2 := s.hashPassword("Str0ng-pass!"); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !s.checkPassword("Str0ng-pass!", h) {
		t.Error("right password refused")
	}
	for _, wrong := range []string{"Str0ng-pass", "str0ng-pass!", ""} {
		if s.checkPassword(wrong, h) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$v=19$m=1,t=1,p=1$a$b", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdA$aGFzaA", dummyHash[:20]} {
		if s.checkPassword("x", bad) {
			t.Errorf("malformed hash %q matched", bad)
		}
	}
	if s.checkPassword("anything", dummyHash) {
		t.Error("dummy hash matched")
	}
}

func TestLockout(t *testing.T) {
	l := newLockout(3, time.Minute)
	t0 := time.Unix(1_000_000, 0)
	for i := range 3 {
		if w := l.check("a", t0); w != 0 {
			t.Fatalf("before failure %d: wait %d", i, w)
		}
		l.failed("a", t0.Add(time.Duration(i)*time.Second))
	}
	if w := l.check("a", t0.Add(3*time.Second)); w != 57 {
		t.Errorf("locked: wait %d, want 57", w)
	}
	if w := l.check("b", t0); w != 0 {
		t.Errorf("other key locked: %d", w)
	}
	if w := l.check("a", t0.Add(61*time.Second)); w != 0 {
		t.Errorf("after the window: %d", w)
	}
	l.failed("a", t0.Add(62*time.Second))
	l.reset("a")
	if w := l.check("a", t0.Add(62*time.Second)); w != 0 {
		t.Errorf("after reset: %d", w)
	}
	if off := newLockout(0, time.Minute); off.check("a", t0) != 0 {
		t.Error("disabled lockout locks")
	}
}

// BenchmarkPasswordHash measures one argon2id hash at the chosen parameters.
func BenchmarkPasswordHash(b *testing.B) {
	s := &Service{hashSlot: make(chan struct{}, 1)}
	for b.Loop() {
		s.hashPassword("Str0ng-pass!")
	}
}

// FuzzCheckPassword: no stored hash string, however broken, panics or matches a wrong password.
func FuzzCheckPassword(f *testing.F) {
	s := &Service{hashSlot: make(chan struct{}, 1)}
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0000000000000000000000000000000000000000000", "pw")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$$", "")
	f.Add("$$$$$", "x")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		if len(encoded) > 512 {
			return
		}
		_ = s.checkPassword(pw, encoded)
	})
}
