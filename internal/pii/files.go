package pii

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Attachments are encrypted at rest with envelope encryption: every file
// has its own random data key (AES-256-GCM), and only that key, sealed by
// the personal-data key, is kept — in the database, beside the file's row.
// A copy of the files (a backup, the bucket) is ciphertext without the
// database and the master key; a key rotation re-seals the small data keys
// (`beian rekey` walks every sealed column) and never rewrites a file.
//
// A file is "BNF1", a 7-byte random nonce prefix, then the plaintext in
// segments of fileSegment bytes, each sealed with the nonce prefix, its
// 4-byte index and a last-segment flag (the STREAM construction), so a
// file is read with one segment in memory and cannot be truncated or
// reordered unnoticed.

const (
	fileMagic   = "BNF1"
	fileSegment = 64 << 10
	prefixLen   = 7
)

// ErrCorruptFile is a file that is not what EncryptFile wrote with this key.
var ErrCorruptFile = errors.New("pii: encrypted file corrupt or under another key")

// NewFileKey returns a fresh data key and the same sealed by the current key.
func (s *Sealer) NewFileKey() (key []byte, sealed string) {
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("pii: no randomness: " + err.Error())
	}
	return key, s.SealBytes(key)
}

// OpenFileKey unseals a data key.
func (s *Sealer) OpenFileKey(sealed string) ([]byte, error) {
	key, err := s.OpenBytes(sealed)
	if err != nil {
		return nil, err
	}
	if len(key) != 32 {
		return nil, errors.New("pii: a file key must be 32 bytes")
	}
	return key, nil
}

func fileAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func segmentNonce(prefix []byte, i uint32, last bool) []byte {
	n := make([]byte, 12)
	copy(n, prefix)
	binary.BigEndian.PutUint32(n[prefixLen:], i)
	if last {
		n[11] = 1
	}
	return n
}

// EncryptFile encrypts plain under key.
func EncryptFile(key, plain []byte) ([]byte, error) {
	aead, err := fileAEAD(key)
	if err != nil {
		return nil, err
	}
	prefix := make([]byte, prefixLen)
	if _, err := rand.Read(prefix); err != nil {
		return nil, err
	}
	out := bytes.NewBuffer(make([]byte, 0, len(fileMagic)+prefixLen+len(plain)+(len(plain)/fileSegment+1)*aead.Overhead()))
	out.WriteString(fileMagic)
	out.Write(prefix)
	for i := uint32(0); ; i++ {
		n := min(len(plain), fileSegment)
		last := n == len(plain)
		out.Write(aead.Seal(nil, segmentNonce(prefix, i, last), plain[:n], nil))
		plain = plain[n:]
		if last {
			return out.Bytes(), nil
		}
	}
}

// DecryptReader reads the plaintext of a file EncryptFile wrote under key;
// a Read fails with ErrCorruptFile when the file was changed, cut short or
// sealed under another key.
func DecryptReader(key []byte, r io.Reader) (io.Reader, error) {
	aead, err := fileAEAD(key)
	if err != nil {
		return nil, err
	}
	head := make([]byte, len(fileMagic)+prefixLen)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:len(fileMagic)]) != fileMagic {
		return nil, ErrCorruptFile
	}
	return &fileReader{aead: aead, prefix: head[len(fileMagic):], r: r,
		seg: make([]byte, fileSegment+aead.Overhead()+1)}, nil
}

type fileReader struct {
	aead   cipher.AEAD
	prefix []byte
	r      io.Reader
	seg    []byte // one sealed segment, plus one byte to see whether another follows
	have   int    // bytes of the next segment already read into seg
	plain  []byte
	i      uint32
	done   bool
}

func (f *fileReader) Read(p []byte) (int, error) {
	for len(f.plain) == 0 {
		if f.done {
			return 0, io.EOF
		}
		if err := f.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, f.plain)
	f.plain = f.plain[n:]
	return n, nil
}

// next opens the next segment. It reads one byte beyond a full segment:
// only a segment with nothing after it may carry the last flag.
func (f *fileReader) next() error {
	full := fileSegment + f.aead.Overhead()
	n, err := io.ReadFull(f.r, f.seg[f.have:full+1])
	n += f.have
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("pii: read encrypted file: %w", err)
	}
	last := n <= full
	size := min(n, full)
	plain, oerr := f.aead.Open(f.seg[:0], segmentNonce(f.prefix, f.i, last), f.seg[:size], nil)
	if oerr != nil {
		return ErrCorruptFile
	}
	f.plain, f.i, f.done = plain, f.i+1, last
	if !last {
		// The byte read ahead starts the next segment.
		next := f.seg[full]
		f.seg = make([]byte, len(f.seg))
		f.seg[0], f.have = next, 1
	}
	return nil
}
