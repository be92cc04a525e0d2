package pii

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestFileEnvelope(t *testing.T) {
	s, err := New(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	key, sealed := s.NewFileKey()
	if got, err := s.OpenFileKey(sealed); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("the sealed data key: %v", err)
	}
	for _, n := range []int{0, 1, fileSegment - 1, fileSegment, fileSegment + 1, 3*fileSegment + 17} {
		plain := make([]byte, n)
		for i := range plain {
			plain[i] = byte(i * 7)
		}
		if n > 0 {
			plain[0], plain[1%n] = 0xff, 0xd8 // a JPEG's first bytes
		}
		enc, err := EncryptFile(key, plain)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(enc, []byte{0xff, 0xd8}) || (n > 64 && bytes.Contains(enc, plain[:64])) {
			t.Errorf("%d bytes: the plaintext shows", n)
		}
		r, err := DecryptReader(key, bytes.NewReader(enc))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: round trip: %v", n, err)
		}
		// Cut short at a segment boundary, flipped, or under another key: refused.
		other, _ := s.NewFileKey()
		cases := map[string][]byte{"flipped": append([]byte(nil), enc...)}
		cases["flipped"][len(enc)-1] ^= 1
		if n > fileSegment {
			cases["truncated"] = enc[:len(fileMagic)+prefixLen+fileSegment+16]
		}
		for name, bad := range cases {
			r, err := DecryptReader(key, bytes.NewReader(bad))
			if err == nil {
				_, err = io.ReadAll(r)
			}
			if !errors.Is(err, ErrCorruptFile) {
				t.Errorf("%d bytes %s: %v", n, name, err)
			}
		}
		if r, err := DecryptReader(other, bytes.NewReader(enc)); err == nil {
			if _, err := io.ReadAll(r); !errors.Is(err, ErrCorruptFile) {
				t.Errorf("%d bytes under another key: %v", n, err)
			}
		}
	}
}
