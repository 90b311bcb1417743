//go:build !unix

package store

import "context"

// lockMigrations does nothing where flock is missing: migrations there are
// not guarded against two processes opening one new file at once.
func lockMigrations(context.Context, string) (func(), error) { return func() {}, nil }
