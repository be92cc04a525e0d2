package pii

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// NewRotated builds a sealer from the key history, oldest first. The last
// key is current: it seals. Every key opens what it sealed. Keyed hashes
// stay on the oldest key, so equality lookups (pre-check, duplicate
// mobiles) keep working across rotations. Key ids are positions in the
// history: "k1" is the oldest (the only key of New), "k2" the next, and so
// on — so operators must keep the order (BEIAN_SECRET_KEY_OLD, oldest
// first, then BEIAN_SECRET_KEY).
func NewRotated(history ...[]byte) (*Sealer, error) {
	if len(history) == 0 {
		return nil, errors.New("pii: no key")
	}
	s, err := New(history[0])
	if err != nil {
		return nil, err
	}
	for i, k := range history[1:] {
		next, err := New(k)
		if err != nil {
			return nil, fmt.Errorf("pii: key %d: %w", i+2, err)
		}
		s.old[s.id] = s.aead
		s.id, s.aead = fmt.Sprintf("k%d", i+2), next.aead
	}
	return s, nil
}

// KeyID is the id sealed values of the current key start with ("k1", "k2", …).
func (s *Sealer) KeyID() string { return s.id }

// Reseal re-encrypts a value sealed under an older key with the current
// one. changed is false (and the value returned as is) when it already
// uses the current key; an error means the value is not sealed by any
// known key.
func (s *Sealer) Reseal(sealed string) (out string, changed bool, err error) {
	if strings.HasPrefix(sealed, s.id+":") {
		return sealed, false, nil
	}
	plain, err := s.OpenBytes(sealed)
	if err != nil {
		return "", false, err
	}
	return s.SealBytes(plain), true, nil
}

// ParseKeys reads a comma-separated list of 64-hex-character keys (BEIAN_SECRET_KEY_OLD).
func ParseKeys(list string) ([][]byte, error) {
	var out [][]byte
	for i, h := range strings.Split(list, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		k, err := hex.DecodeString(h)
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("BEIAN_SECRET_KEY_OLD: key %d is not 64 hex characters", i+1)
		}
		out = append(out, k)
	}
	return out, nil
}
