package ratelimit

import (
	"testing"
	"time"
)

func TestBurstThenRefusedThenRefilled(t *testing.T) {
	l := New(60, 3) // one a second after a burst of 3
	now := time.Unix(1_800_000_000, 0)
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a", now); !ok {
			t.Fatalf("event %d refused inside the burst", i)
		}
	}
	ok, retry := l.Allow("a", now)
	if ok || retry < 1 {
		t.Fatalf("4th event allowed=%v retry=%d; want refused with Retry-After", ok, retry)
	}
	if ok, _ := l.Allow("b", now); !ok {
		t.Fatal("another key must not be limited by a's events")
	}
	if ok, _ := l.Allow("a", now.Add(1100*time.Millisecond)); !ok {
		t.Fatal("a token must come back after a second")
	}
	l.Reset("a")
	if ok, _ := l.Allow("a", now.Add(1200*time.Millisecond)); !ok {
		t.Fatal("reset must restore the burst")
	}
}

func TestDisabledAndBoundedMemory(t *testing.T) {
	if ok, _ := Disabled().Allow("x", time.Now()); !ok {
		t.Fatal("disabled limiter refused")
	}
	l := New(60, 1)
	l.maxKeys = 100
	now := time.Now()
	for i := 0; i < 1000; i++ {
		l.Allow(string(rune('a'+i%26))+string(rune(i)), now.Add(time.Duration(i)*time.Millisecond))
	}
	if len(l.buckets) > 100 {
		t.Fatalf("%d buckets kept, limit 100", len(l.buckets))
	}
}
