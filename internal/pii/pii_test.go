package pii

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestSealRoundTripAndHash(t *testing.T) {
	s, err := New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	c1, c2 := s.Seal("11010519491231002X"), s.Seal("11010519491231002X")
	if c1 == c2 {
		t.Fatal("sealing is deterministic; it must use a fresh nonce")
	}
	if strings.Contains(c1, "1101") {
		t.Fatalf("sealed value leaks plain text: %s", c1)
	}
	got, err := s.Open(c1)
	if err != nil || got != "11010519491231002X" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if s.Hash("13800138000") != s.Hash("13800138000") || s.Hash("13800138000") == s.Hash("13800138001") {
		t.Fatal("hash must be deterministic and distinguish values")
	}
	if _, err := s.Open(c1[:len(c1)-2]); err == nil {
		t.Fatal("a corrupt value must not open")
	}
	other, _ := New([]byte("fedcba9876543210fedcba9876543210"))
	if _, err := other.Open(c1); err == nil {
		t.Fatal("another key must not open the value")
	}
}

func TestMask(t *testing.T) {
	cases := []struct {
		in, want string
		f        func(string) string
	}{
		{"13800138000", "138****8000", MaskMobile},
		{"11010519491231002X", "1101**********002X", MaskCert},
		{"zhangsan@example.com", "z***@example.com", MaskEmail},
		{"", "", MaskMobile},
	}
	for _, c := range cases {
		if got := c.f(c.in); got != c.want {
			t.Errorf("mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestHashReusesHashers: hashers taken from the pool start clean, also
// under concurrent use (go test -race), and give the keyed hash itself.
func TestHashReusesHashers(t *testing.T) {
	s, err := New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	want := func(v string) string {
		m := hmac.New(sha256.New, s.mac)
		m.Write([]byte(v))
		return hex.EncodeToString(m.Sum(nil))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				v := fmt.Sprintf("%d-%d", g, i)
				if got := s.Hash(v); got != want(v) {
					t.Errorf("Hash(%q) = %s, want %s", v, got, want(v))
					return
				}
			}
		}()
	}
	wg.Wait()
}
