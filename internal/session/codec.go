package session

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"jobboard/apiclient"
)

// MaxTokenLen and MaxAccountLen are the longest token and account name a
// session cookie is guaranteed to hold within browsers' 4096-byte limit
// (cookie name plus value; measured by TestCookieSizeLimit).
const (
	MaxTokenLen   = 2048
	MaxAccountLen = 64
)

// compactSerializer writes a *Data as a version byte followed by the
// fields in a fixed order: ID, token and account as uvarint-length
// strings, then created, last-seen and expiry as varints of unix seconds.
// gob, gorilla's default, spends over a hundred bytes on type names, which
// is what kept a 2 KB token from fitting in a 4 KB cookie once encrypted,
// MAC'd and base64-encoded twice. It reads straight into a *Data, not
// into gorilla's map of boxed values: every signed-in request decodes the
// cookie. It implements securecookie.Serializer; what it reads has
// already passed the MAC check.
type compactSerializer struct{}

const codecVersion = 1

// Serialize implements securecookie.Serializer.
func (compactSerializer) Serialize(src any) ([]byte, error) {
	d, ok := src.(*Data)
	if !ok {
		return nil, fmt.Errorf("session: cannot serialize %T", src)
	}
	strs := [...]string{d.ID, d.Token.Reveal(), d.Account}
	b := make([]byte, 0, 1+len(strs[0])+len(strs[1])+len(strs[2])+6*binary.MaxVarintLen64)
	b = append(b, codecVersion)
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, t := range [...]time.Time{d.Created, d.LastSeen, d.Expires} {
		b = binary.AppendVarint(b, t.Unix())
	}
	return b, nil
}

var errCorrupt = errors.New("session: corrupt session values")

// Deserialize implements securecookie.Serializer.
func (compactSerializer) Deserialize(src []byte, dst any) error {
	d, ok := dst.(*Data)
	if !ok {
		return fmt.Errorf("session: cannot deserialize into %T", dst)
	}
	if len(src) == 0 || src[0] != codecVersion {
		return errCorrupt
	}
	// The three strings are cut from one copy of the values: one
	// allocation, not three.
	all, i := string(src), 1
	var strs [3]string
	for k := range strs {
		n, w := binary.Uvarint(src[i:])
		if w <= 0 || n > uint64(len(src)-i-w) {
			return errCorrupt
		}
		i += w
		strs[k] = all[i : i+int(n)]
		i += int(n)
	}
	var secs [3]int64
	for k := range secs {
		n, w := binary.Varint(src[i:])
		if w <= 0 {
			return errCorrupt
		}
		secs[k] = n
		i += w
	}
	if i != len(src) {
		return errCorrupt
	}
	*d = Data{
		ID:       strs[0],
		Token:    apiclient.Token(strs[1]),
		Account:  strs[2],
		Created:  time.Unix(secs[0], 0),
		LastSeen: time.Unix(secs[1], 0),
		Expires:  time.Unix(secs[2], 0),
	}
	return nil
}
