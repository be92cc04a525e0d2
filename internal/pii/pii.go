// Package pii guards personal data: certificate numbers and mobiles are
// sealed (AES-256-GCM) before they reach the database, with a keyed hash
// (HMAC-SHA256) beside them for the lookups that need equality, and masked
// wherever they are shown without need.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"
)

// Sealer encrypts and hashes personal data with keys derived from one master key.
//
// Key rotation: sealed values carry a key id prefix ("k1:"). To rotate, an
// operator adds the new key as current and keeps the old one in Old; Open
// reads both, Seal writes with the current one. Hashes use the first key
// ever configured (HashKey), so lookups keep working across rotations.
type Sealer struct {
	id   string
	aead cipher.AEAD
	old  map[string]cipher.AEAD
	mac  []byte
	// macs keeps keyed hashers for reuse: building one (two SHA-256
	// states over the key) cost more than the hash of a short value.
	macs sync.Pool
}

// New builds a sealer from a 32-byte master key.
func New(master []byte) (*Sealer, error) {
	if len(master) != 32 {
		return nil, errors.New("pii: master key must be 32 bytes")
	}
	encKey := derive(master, "beian/pii/enc")
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{id: "k1", aead: aead, old: map[string]cipher.AEAD{}, mac: derive(master, "beian/pii/mac")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// LoadOrCreateKey returns the hex key given, or the one kept in dir/secret.key,
// creating it (mode 0600) on first start.
func LoadOrCreateKey(hexKey, dir string) ([]byte, error) {
	if hexKey != "" {
		k, err := hex.DecodeString(strings.TrimSpace(hexKey))
		if err != nil || len(k) != 32 {
			return nil, errors.New("BEIAN_SECRET_KEY must be 64 hex characters (32 bytes)")
		}
		return k, nil
	}
	path := filepath.Join(dir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("%s: not a 64-hex-character key", path)
		}
		return k, nil
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write key: %w", err)
	}
	return k, nil
}

// Seal encrypts plain; the empty string stays empty.
func (s *Sealer) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	return s.SealBytes([]byte(plain))
}

// SealBytes encrypts arbitrary bytes (e.g. a whole document).
func (s *Sealer) SealBytes(plain []byte) string {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("pii: no randomness: " + err.Error())
	}
	ct := s.aead.Seal(nonce, nonce, plain, nil)
	return s.id + ":" + base64.RawStdEncoding.EncodeToString(ct)
}

// Open decrypts a sealed value.
func (s *Sealer) Open(sealed string) (string, error) {
	b, err := s.OpenBytes(sealed)
	return string(b), err
}

// OpenBytes decrypts a value sealed with SealBytes.
func (s *Sealer) OpenBytes(sealed string) ([]byte, error) {
	if sealed == "" {
		return nil, nil
	}
	id, b64, ok := strings.Cut(sealed, ":")
	if !ok {
		return nil, errors.New("pii: not a sealed value")
	}
	aead := s.aead
	if id != s.id {
		if aead = s.old[id]; aead == nil {
			return nil, fmt.Errorf("pii: unknown key id %q", id)
		}
	}
	ct, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(ct) < aead.NonceSize() {
		return nil, errors.New("pii: corrupt sealed value")
	}
	plain, err := aead.Open(nil, ct[:aead.NonceSize()], ct[aead.NonceSize():], nil)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	return plain, nil
}

// Hash is the keyed hash used for equality lookups; the empty string stays empty.
func (s *Sealer) Hash(plain string) string {
	if plain == "" {
		return ""
	}
	m, _ := s.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, s.mac)
	}
	m.Reset()
	m.Write([]byte(plain))
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0]))
	s.macs.Put(m)
	return out
}

// MaskMobile shows the first 3 and last 4 digits: 138****8000.
func MaskMobile(m string) string {
	if utf8.RuneCountInString(m) < 8 {
		return strings.Repeat("*", utf8.RuneCountInString(m))
	}
	r := []rune(m)
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// MaskCert shows the first 4 and last 4 characters: 1101**********002X.
func MaskCert(c string) string {
	r := []rune(c)
	if len(r) <= 8 {
		if len(r) <= 2 {
			return strings.Repeat("*", len(r))
		}
		return string(r[:1]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1:])
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

// MaskEmail keeps the first character of the local part: z***@example.com.
func MaskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" {
		return "***"
	}
	r := []rune(local)
	return string(r[:1]) + "***@" + domain
}
