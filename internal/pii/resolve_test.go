package pii

import (
	"context"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
)

type memSettings struct {
	mu sync.Mutex
	m  map[string]string
}

func (m *memSettings) SettingOnce(_ context.Context, name, value string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.m[name]; ok {
		return v, nil
	}
	m.m[name] = value
	return value, nil
}

func TestResolveSharesTheKeyAndRefusesAnother(t *testing.T) {
	ctx := context.Background()
	db := &memSettings{m: map[string]string{}}
	// Two instances with different data dirs and no configured key agree.
	a, err := Resolve(ctx, "", "", t.TempDir(), db, true)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Resolve(ctx, "", "", t.TempDir(), db, true)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Open(a.Seal("13800138000")); err != nil || got != "13800138000" {
		t.Fatalf("instance B cannot open A's value: %q %v", got, err)
	}
	// A configured key that did not seal this database is refused at start.
	other := strings.Repeat("ab", 32)
	if _, err := Resolve(ctx, other, "", t.TempDir(), db, true); err == nil || !strings.Contains(err.Error(), "another key") {
		t.Fatalf("a wrong key was accepted: %v", err)
	}
	// After a rotation the old key, listed as old, still matches.
	oldHex := db.m[settingKey]
	if _, err := Resolve(ctx, other, oldHex, t.TempDir(), db, true); err != nil {
		t.Fatalf("rotated ring refused: %v", err)
	}
	// SQLite: the key file in the data dir, remembered the same way.
	lite := &memSettings{m: map[string]string{}}
	dir := t.TempDir()
	s1, err := Resolve(ctx, "", "", dir, lite, false)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Resolve(ctx, "", "", dir, lite, false)
	if err != nil || s2.Hash("x") != s1.Hash("x") {
		t.Fatalf("the key file was not reused: %v", err)
	}
	if _, ok := lite.m[settingKey]; ok {
		t.Fatal("SQLite must not keep the key in the database")
	}
	if _, err := hex.DecodeString(db.m[settingKey]); err != nil {
		t.Fatal(err)
	}
}
