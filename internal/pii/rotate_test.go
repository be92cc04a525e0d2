package pii

import (
	"bytes"
	"strings"
	"testing"
)

func TestRotation(t *testing.T) {
	a, b, c := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32)
	s1, _ := New(a)
	v1 := s1.Seal("13800138000")
	h1 := s1.Hash("13800138000")

	s3, err := NewRotated(a, b, c)
	if err != nil {
		t.Fatal(err)
	}
	if s3.KeyID() != "k3" {
		t.Fatalf("current id %s", s3.KeyID())
	}
	if got, err := s3.Open(v1); err != nil || got != "13800138000" {
		t.Fatalf("old value: %q %v", got, err)
	}
	if s3.Hash("13800138000") != h1 {
		t.Error("the keyed hash changed with the rotation")
	}
	v3 := s3.Seal("13800138000")
	if !strings.HasPrefix(v3, "k3:") {
		t.Errorf("sealed with %s", v3[:3])
	}
	r, changed, err := s3.Reseal(v1)
	if err != nil || !changed || !strings.HasPrefix(r, "k3:") {
		t.Fatalf("reseal: %q %v %v", r, changed, err)
	}
	if _, changed, _ := s3.Reseal(v3); changed {
		t.Error("a current value was re-sealed")
	}
	if _, _, err := s3.Reseal("k1:garbage"); err == nil {
		t.Error("garbage re-sealed")
	}
	if _, err := s1.Open(v3); err == nil {
		t.Error("the old key alone opens a value of the new one")
	}
	if _, err := ParseKeys("abc"); err == nil {
		t.Error("short key accepted")
	}
	if ks, err := ParseKeys(" " + strings.Repeat("01", 32) + ", " + strings.Repeat("02", 32)); err != nil || len(ks) != 2 {
		t.Errorf("parse: %v %v", ks, err)
	}
}
