package apiclient

import (
	"errors"
	"fmt"
	"net"
)

// Envelope codes documented by Explorer.
const (
	CodeSuccess            = 0
	CodeBadRequest         = 40004000
	CodeParam              = 40004001
	CodeUnauthorized       = 40104000
	CodeSession            = 40104001
	CodeForbidden          = 40304000
	CodeNotFound           = 40404000
	CodeInternalServer     = 50004000
	CodeInternalDatabase   = 50004001
	CodeInternalController = 50004002
	CodeInternalLicense    = 50004003
	CodeUnknown            = 90004000
)

// Sentinel errors, usable with errors.Is on anything a Client method returns.
var (
	// ErrUnauthorized: the token is missing, invalid, revoked or expired
	// (envelope codes 40104000 and 40104001, or an empty/malformed token
	// refused before sending), or connect rejected the account.
	ErrUnauthorized = errors.New("apiclient: not signed in or session expired")
	// ErrNotFound: no such workflow, job or task (40404000).
	ErrNotFound = errors.New("apiclient: not found")
	// ErrBadParam: Explorer rejected a request parameter (40004000, 40004001),
	// or the client refused an argument before sending (non-positive ID,
	// empty task ID, negative page, bad input value, bad port...).
	ErrBadParam = errors.New("apiclient: bad request parameter")
	// ErrForbidden: Explorer denied the call (40304000).
	ErrForbidden = errors.New("apiclient: forbidden")
	// ErrUpstream: Explorer reported an internal error (5000400x, 90004000
	// and any other unknown non-zero code).
	ErrUpstream = errors.New("apiclient: explorer internal error")
	// ErrBadResponse: the body was not a valid envelope (not JSON, empty,
	// truncated, wrong shape) or exceeded the size cap.
	ErrBadResponse = errors.New("apiclient: malformed response from explorer")
	// ErrTimeout: Explorer did not answer within the deadline.
	ErrTimeout = errors.New("apiclient: explorer did not answer in time")
	// ErrUnreachable: the connection to Explorer failed (refused, reset, DNS).
	ErrUnreachable = errors.New("apiclient: explorer unreachable")
)

// NotSent reports whether err, from a Client method, says the call
// certainly never reached Explorer: the circuit was open, or no
// connection could be made (refused, no such host). After any other
// failure (a connection reset or closed once the request was written, a
// timeout, an unreadable answer) Explorer may have acted on a write it
// could not confirm.
func NotSent(err error) bool {
	if errors.Is(err, ErrCircuitOpen) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// APIError is a non-zero envelope code returned by Explorer. It matches the
// sentinel for its code with errors.Is. Its message never holds the token.
type APIError struct {
	Endpoint   string // e.g. "list workflow jobs"
	HTTPStatus int
	Code       int
	Message    string // Explorer's message, possibly Chinese; may be empty
}

// Error describes the failure without any request credentials.
func (e *APIError) Error() string {
	return fmt.Sprintf("apiclient: %s: explorer code %d (%s), HTTP %d", e.Endpoint, e.Code, e.Message, e.HTTPStatus)
}

// Is maps the envelope code to the package's sentinel errors.
func (e *APIError) Is(target error) bool {
	return target == sentinelFor(e.Code)
}

func sentinelFor(code int) error {
	switch code {
	case CodeUnauthorized, CodeSession:
		return ErrUnauthorized
	case CodeNotFound:
		return ErrNotFound
	case CodeBadRequest, CodeParam:
		return ErrBadParam
	case CodeForbidden:
		return ErrForbidden
	default:
		return ErrUpstream
	}
}
