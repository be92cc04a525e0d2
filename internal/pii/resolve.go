package pii

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Settings keeps small values every instance of one database sees.
type Settings interface {
	// SettingOnce stores value under name unless a value is there already,
	// and returns the stored one.
	SettingOnce(ctx context.Context, name, value string) (string, error)
}

// Setting names.
const (
	settingKey         = "pii.master_key"
	settingFingerprint = "pii.key_fingerprint"
)

// Resolve builds the sealer for a database and checks it is the right one.
//
// The current key is BEIAN_SECRET_KEY (hexKey) when set. Otherwise, when
// keyInDB (PostgreSQL, where several instances share the data), the first
// instance generates it and keeps it in the database, so instances agree
// with no configuration; else (SQLite) it is the key file in dir. Keeping
// the key beside the data protects less than a separate secret: operators
// set BEIAN_SECRET_KEY in production (docs/security.md).
//
// The database remembers a fingerprint of the key that first sealed data
// in it; a sealer none of whose keys matches it is refused, so an instance
// with the wrong key stops at start instead of answering 500s.
func Resolve(ctx context.Context, hexKey, oldKeys, dir string, st Settings, keyInDB bool) (*Sealer, error) {
	var key []byte
	var err error
	if hexKey == "" && keyInDB {
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return nil, err
		}
		stored, err := st.SettingOnce(ctx, settingKey, hex.EncodeToString(fresh))
		if err != nil {
			return nil, fmt.Errorf("shared key: %w", err)
		}
		if key, err = hex.DecodeString(stored); err != nil || len(key) != 32 {
			return nil, fmt.Errorf("shared key in the database is corrupt")
		}
	} else if key, err = LoadOrCreateKey(hexKey, dir); err != nil {
		return nil, err
	}
	old, err := ParseKeys(oldKeys)
	if err != nil {
		return nil, err
	}
	ring := append(old, key)
	s, err := NewRotated(ring...)
	if err != nil {
		return nil, err
	}
	stored, err := st.SettingOnce(ctx, settingFingerprint, Fingerprint(ring[0]))
	if err != nil {
		return nil, fmt.Errorf("key fingerprint: %w", err)
	}
	for _, k := range ring {
		if Fingerprint(k) == stored {
			return s, nil
		}
	}
	return nil, fmt.Errorf("the personal data in this database was sealed with another key (fingerprint %s): "+
		"set BEIAN_SECRET_KEY to that key (or restore its secret.key), or list it in BEIAN_SECRET_KEY_OLD after a rotation", stored)
}

// Fingerprint names a key without revealing it.
func Fingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("beian/pii/fingerprint"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}
