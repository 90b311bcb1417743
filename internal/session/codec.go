package session

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MaxTokenLen and MaxAccountLen are the longest token and account name a
// session cookie is guaranteed to hold within browsers' 4096-byte limit
// (cookie name plus value; measured by TestCookieSizeLimit).
const (
	MaxTokenLen   = 2048
	MaxAccountLen = 64
)

// compactSerializer writes session values as a version byte followed by
// the fields in a fixed order: ID, token and account as uvarint-length
// strings, then created, last-seen and expiry as varints. gob, gorilla's
// default, spends over a hundred bytes on type names, which is what kept a
// 2 KB token from fitting in a 4 KB cookie once encrypted, MAC'd and
// base64-encoded twice. It implements securecookie.Serializer; what it
// reads has already passed the MAC check.
type compactSerializer struct{}

const codecVersion = 1

var (
	stringKeys = []string{keyID, keyToken, keyAccount}
	intKeys    = []string{keyCreated, keySeen, keyExpires}
)

// Serialize implements securecookie.Serializer.
func (compactSerializer) Serialize(src any) ([]byte, error) {
	m, ok := src.(map[any]any)
	if !ok {
		return nil, fmt.Errorf("session: cannot serialize %T", src)
	}
	if len(m) != len(stringKeys)+len(intKeys) {
		return nil, fmt.Errorf("session: %d values, want %d", len(m), len(stringKeys)+len(intKeys))
	}
	b := []byte{codecVersion}
	for _, k := range stringKeys {
		s, ok := m[k].(string)
		if !ok {
			return nil, fmt.Errorf("session: value %q is not a string", k)
		}
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, k := range intKeys {
		n, ok := m[k].(int64)
		if !ok {
			return nil, fmt.Errorf("session: value %q is not an int64", k)
		}
		b = binary.AppendVarint(b, n)
	}
	return b, nil
}

var errCorrupt = errors.New("session: corrupt session values")

// Deserialize implements securecookie.Serializer.
func (compactSerializer) Deserialize(src []byte, dst any) error {
	p, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("session: cannot deserialize into %T", dst)
	}
	if len(src) == 0 || src[0] != codecVersion {
		return errCorrupt
	}
	src = src[1:]
	m := make(map[any]any, len(stringKeys)+len(intKeys))
	for _, k := range stringKeys {
		n, w := binary.Uvarint(src)
		if w <= 0 || n > uint64(len(src)-w) {
			return errCorrupt
		}
		m[k] = string(src[w : w+int(n)])
		src = src[w+int(n):]
	}
	for _, k := range intKeys {
		n, w := binary.Varint(src)
		if w <= 0 {
			return errCorrupt
		}
		m[k] = n
		src = src[w:]
	}
	if len(src) != 0 {
		return errCorrupt
	}
	if *p == nil {
		*p = m
		return nil
	}
	for k, v := range m {
		(*p)[k] = v
	}
	return nil
}
