package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what a view holds. Callers check them first to show a message
// beside the field; the store refuses anything beyond them with ErrInvalid.
const (
	// DefaultMaxViewsPerAccount: how many views one account may own.
	DefaultMaxViewsPerAccount = 200
	// MaxNameLen: a view's name, in characters.
	MaxNameLen = 80
	// MaxDescriptionLen: a view's one-line description, in characters.
	MaxDescriptionLen = 200
	// MaxPathLen: the stored list URL (path and query), in bytes.
	MaxPathLen = 2048
	// MaxAccountLen: an owner's account name, in bytes.
	MaxAccountLen = 256
)

// View is a saved list: a name and the list's canonical URL, owned by the
// Explorer account that saved it and seen by that account alone or, when
// Shared, by everyone signed in to this jobboard.
type View struct {
	ID          int64
	Slug        string // the short link's /v/<slug>, unique in the instance
	Name        string
	Description string
	Owner       string // the Explorer account name of the creator
	Shared      bool
	Path        string // the list's canonical path and query, e.g. /jobs?status=failed
	Version     int64  // 1 when created, +1 on every update
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// VisibleTo reports whether account may see v: its owner, or anyone when
// it is shared.
func (v View) VisibleTo(account string) bool { return v.Shared || v.Owner == account }

// SlugTakenError is the error (matching ErrSlugTaken) for a slug another
// view has; Suggestion is the next free one ("name-2", "name-3", ...),
// free when the error was made.
type SlugTakenError struct {
	Slug       string
	Suggestion string
}

func (e *SlugTakenError) Error() string {
	return fmt.Sprintf("store: slug %q is taken; %q is free", e.Slug, e.Suggestion)
}

// Is makes errors.Is(err, ErrSlugTaken) true.
func (e *SlugTakenError) Is(target error) bool { return target == ErrSlugTaken }

// ConflictError is the error (matching ErrConflict) of an update whose
// expected version is not the stored one; Current is the stored view, so
// the caller can show both versions.
type ConflictError struct {
	Current View
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("store: view %d changed since it was read (now version %d)", e.Current.ID, e.Current.Version)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// validateView checks the fields a caller sets.
func validateView(v View) error {
	switch {
	case v.Owner == "" || len(v.Owner) > MaxAccountLen:
		return fmt.Errorf("%w: owner must be 1 to %d bytes", ErrInvalid, MaxAccountLen)
	case !ValidSlug(v.Slug):
		return fmt.Errorf("%w: slug %q: 1 to %d lower-case letters, digits and single hyphens", ErrInvalid, v.Slug, MaxSlugLen)
	case strings.TrimSpace(v.Name) == "" || utf8.RuneCountInString(v.Name) > MaxNameLen:
		return fmt.Errorf("%w: name must be 1 to %d characters", ErrInvalid, MaxNameLen)
	case utf8.RuneCountInString(v.Description) > MaxDescriptionLen:
		return fmt.Errorf("%w: description must be at most %d characters", ErrInvalid, MaxDescriptionLen)
	case !strings.HasPrefix(v.Path, "/") || len(v.Path) > MaxPathLen:
		return fmt.Errorf("%w: path must start with / and be at most %d bytes", ErrInvalid, MaxPathLen)
	case !utf8.ValidString(v.Name) || !utf8.ValidString(v.Description) || !utf8.ValidString(v.Path) || !utf8.ValidString(v.Owner):
		return fmt.Errorf("%w: text must be UTF-8", ErrInvalid)
	case strings.ContainsFunc(v.Name+v.Description+v.Path, unicode.IsControl):
		// Names and descriptions are one line; a control character in
		// them would break the line in CSV, headers and the page.
		return fmt.Errorf("%w: name, description and path must be one line without control characters", ErrInvalid)
	}
	return nil
}

const viewColumns = "id, slug, name, description, owner, shared, path, version, created_at_us, updated_at_us"

// visible is the condition "account $1 may see the view".
const visible = "(owner = $1 OR shared = TRUE)"

type scanner interface{ Scan(dest ...any) error }

func scanView(r scanner) (View, error) {
	var v View
	var created, updated int64
	err := r.Scan(&v.ID, &v.Slug, &v.Name, &v.Description, &v.Owner, &v.Shared, &v.Path, &v.Version, &created, &updated)
	v.CreatedAt, v.UpdatedAt = fromUS(created), fromUS(updated)
	return v, err
}

func collectViews(rows *sql.Rows, err error) ([]View, error) {
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []View
	for rows.Next() {
		v, err := scanView(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CreateView stores a new view with the slug v.Slug and returns it with
// its ID, version 1 and times. A slug another view has gives a
// *SlugTakenError (ErrSlugTaken) with the next free slug; an owner with
// MaxViewsPerAccount views already gives ErrLimit. ID, Version and the
// times in v are ignored.
func (s *Store) CreateView(ctx context.Context, v View) (View, error) {
	return s.createView(ctx, v, false)
}

// CreateViewUniqueSlug is CreateView that never fails for the slug: it
// stores the view under v.Slug (Slugify(v.Name) when empty) or, when
// taken, the first free of slug-2, slug-3, ... Concurrent calls with the
// same name all succeed, each with its own slug.
func (s *Store) CreateViewUniqueSlug(ctx context.Context, v View) (View, error) {
	if v.Slug == "" {
		v.Slug = Slugify(v.Name)
	}
	return s.createView(ctx, v, true)
}

func (s *Store) createView(ctx context.Context, v View, pickFree bool) (View, error) {
	if err := validateView(v); err != nil {
		return View{}, fmt.Errorf("store: create view: %w", err)
	}
	now := s.now()
	v.Version, v.CreatedAt, v.UpdatedAt = 1, fromUS(us(now)), fromUS(us(now))
	base := v.Slug
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := lockAccount(ctx, tx, v.Owner, now); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM views WHERE owner = $1", v.Owner).Scan(&n); err != nil {
			return fmt.Errorf("count views: %w", err)
		}
		if n >= s.maxViews {
			return fmt.Errorf("%w: %s owns %d views (at most %d)", ErrLimit, v.Owner, n, s.maxViews)
		}
		// ON CONFLICT DO NOTHING rather than catching the unique
		// violation: on PostgreSQL a failed statement aborts the whole
		// transaction, so a retry with the next slug could not follow.
		for range 100 {
			err := tx.QueryRowContext(ctx, `INSERT INTO views
				(slug, name, description, owner, shared, path, version, created_at_us, updated_at_us)
				VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)
				ON CONFLICT (slug) DO NOTHING RETURNING id`,
				v.Slug, v.Name, v.Description, v.Owner, v.Shared, v.Path, us(now)).Scan(&v.ID)
			if err == nil {
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("insert: %w", err)
			}
			free, err := nextFreeSlug(ctx, tx, base)
			if err != nil {
				return err
			}
			if !pickFree {
				return &SlugTakenError{Slug: v.Slug, Suggestion: free}
			}
			v.Slug = free
		}
		return fmt.Errorf("no free slug found for %q", base)
	})
	if err != nil {
		return View{}, fmt.Errorf("store: create view: %w", err)
	}
	return v, nil
}

// NextFreeSlug returns base when no view has it, else the first of
// base-2, base-3, ... that none has (base cut to fit MaxSlugLen). base must
// be a valid slug.
func (s *Store) NextFreeSlug(ctx context.Context, base string) (string, error) {
	if !ValidSlug(base) {
		return "", fmt.Errorf("store: next free slug: %w: slug %q", ErrInvalid, base)
	}
	free, err := nextFreeSlug(ctx, s.db, base)
	if err != nil {
		return "", fmt.Errorf("store: next free slug: %w", err)
	}
	return free, nil
}

func nextFreeSlug(ctx context.Context, q querier, base string) (string, error) {
	// Slugs hold no LIKE wildcards (% and _ are not slug characters).
	rows, err := q.QueryContext(ctx, "SELECT slug FROM views WHERE slug = $1 OR slug LIKE $2", base, base+"-%")
	if err != nil {
		return "", fmt.Errorf("look up slugs: %w", err)
	}
	taken := map[string]bool{}
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			_ = rows.Close()
			return "", fmt.Errorf("look up slugs: %w", err)
		}
		taken[slug] = true
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("look up slugs: %w", err)
	}
	if !taken[base] {
		return base, nil
	}
	for n := 2; ; n++ {
		c := slugWithSuffix(base, n)
		if taken[c] {
			continue
		}
		if strings.HasPrefix(c, base+"-") {
			return c, nil
		}
		// A long base was cut to make room for the suffix, so the
		// candidate was not among the slugs looked up.
		var one int
		err := q.QueryRowContext(ctx, "SELECT 1 FROM views WHERE slug = $1", c).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return c, nil
		}
		if err != nil {
			return "", fmt.Errorf("look up slug: %w", err)
		}
	}
}

// ViewBySlug returns the view with that slug if account may see it;
// ErrNotFound when there is none or it is another account's private view.
func (s *Store) ViewBySlug(ctx context.Context, account, slug string) (View, error) {
	v, err := scanView(s.db.QueryRowContext(ctx,
		"SELECT "+viewColumns+" FROM views WHERE slug = $2 AND "+visible, account, slug))
	if err != nil {
		return View{}, fmt.Errorf("store: view %q: %w", slug, notFound(err))
	}
	return v, nil
}

// ViewByID is ViewBySlug by ID.
func (s *Store) ViewByID(ctx context.Context, account string, id int64) (View, error) {
	v, err := scanView(s.db.QueryRowContext(ctx,
		"SELECT "+viewColumns+" FROM views WHERE id = $2 AND "+visible, account, id))
	if err != nil {
		return View{}, fmt.Errorf("store: view %d: %w", id, notFound(err))
	}
	return v, nil
}

// ViewsVisibleTo returns the account's own views and everyone's shared
// ones, by name (case-insensitively), then by ID: an order that does not
// depend on the database's collation.
func (s *Store) ViewsVisibleTo(ctx context.Context, account string) ([]View, error) {
	views, err := collectViews(s.db.QueryContext(ctx,
		"SELECT "+viewColumns+" FROM views WHERE "+visible, account))
	if err != nil {
		return nil, fmt.Errorf("store: views visible to %s: %w", account, err)
	}
	sortViews(views)
	return views, nil
}

func sortViews(views []View) {
	slices.SortFunc(views, func(a, b View) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
}

// CountViewsOwnedBy returns how many views the account owns (compare with
// MaxViewsPerAccount before offering "Save view").
func (s *Store) CountViewsOwnedBy(ctx context.Context, account string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM views WHERE owner = $1", account).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count views of %s: %w", account, err)
	}
	return n, nil
}

// MaxViewsPerAccount is the limit CreateView enforces.
func (s *Store) MaxViewsPerAccount() int { return s.maxViews }

// UpdateView replaces the slug, name, description, visibility and path of
// view v.ID, as account, if its stored version is expectedVersion, and
// returns it with the version incremented. Only the owner may update:
// another account gets ErrForbidden for a shared view and ErrNotFound for a
// private one. A stored version other than expectedVersion gives a
// *ConflictError (ErrConflict), and the returned View is then the stored
// one. A slug another view has gives a *SlugTakenError. Owner, Version and
// the times in v are ignored.
func (s *Store) UpdateView(ctx context.Context, account string, v View, expectedVersion int64) (View, error) {
	v.Owner = account
	if err := validateView(v); err != nil {
		return View{}, fmt.Errorf("store: update view %d: %w", v.ID, err)
	}
	now := us(s.now())
	updated, err := scanView(s.db.QueryRowContext(ctx, `UPDATE views
		SET slug = $1, name = $2, description = $3, shared = $4, path = $5,
			version = version + 1, updated_at_us = $6
		WHERE id = $7 AND owner = $8 AND version = $9
		RETURNING `+viewColumns,
		v.Slug, v.Name, v.Description, v.Shared, v.Path, now, v.ID, account, expectedVersion))
	switch {
	case err == nil:
		return updated, nil
	case isUniqueViolation(err):
		free, ferr := nextFreeSlug(ctx, s.db, v.Slug)
		if ferr != nil {
			return View{}, fmt.Errorf("store: update view %d: %w", v.ID, ferr)
		}
		return View{}, fmt.Errorf("store: update view %d: %w", v.ID, &SlugTakenError{Slug: v.Slug, Suggestion: free})
	case !errors.Is(err, sql.ErrNoRows):
		return View{}, fmt.Errorf("store: update view %d: %w", v.ID, err)
	}
	current, err := s.ownedView(ctx, account, v.ID)
	if err != nil {
		return View{}, fmt.Errorf("store: update view %d: %w", v.ID, err)
	}
	return current, fmt.Errorf("store: update view %d: %w", v.ID, &ConflictError{Current: current})
}

// ownedView returns view id if account owns it; ErrForbidden when account
// may only see it, ErrNotFound when it may not even see it.
func (s *Store) ownedView(ctx context.Context, account string, id int64) (View, error) {
	v, err := s.ViewByID(ctx, account, id)
	if err != nil {
		return View{}, err
	}
	if v.Owner != account {
		return View{}, ErrForbidden
	}
	return v, nil
}

// DeleteView deletes view id, as account, and the pins of it. Only the
// owner may delete: another account gets ErrForbidden for a shared view and
// ErrNotFound for a private one; a view that does not exist is ErrNotFound.
func (s *Store) DeleteView(ctx context.Context, account string, id int64) error {
	n, err := affected(s.db.ExecContext(ctx, "DELETE FROM views WHERE id = $1 AND owner = $2", id, account))
	if err != nil {
		return fmt.Errorf("store: delete view %d: %w", id, err)
	}
	if n == 1 {
		return nil
	}
	if _, err := s.ownedView(ctx, account, id); err != nil {
		return fmt.Errorf("store: delete view %d: %w", id, err)
	}
	// Owned, yet not deleted: it was deleted and made again between the
	// two statements, which cannot happen with IDs never reused; report
	// it as gone.
	return fmt.Errorf("store: delete view %d: %w", id, ErrNotFound)
}

// PinView pins view id for account (idempotent). ErrNotFound when the
// account may not see the view.
func (s *Store) PinView(ctx context.Context, account string, id int64) error {
	if _, err := s.ViewByID(ctx, account, id); err != nil {
		return fmt.Errorf("store: pin view: %w", err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO view_pins (account, view_id, pinned_at_us) VALUES ($1, $2, $3)
		ON CONFLICT (account, view_id) DO NOTHING`, account, id, us(s.now()))
	if isForeignKeyViolation(err) { // deleted since the look-up
		return fmt.Errorf("store: pin view %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: pin view %d: %w", id, err)
	}
	return nil
}

// UnpinView removes account's pin of view id (idempotent).
func (s *Store) UnpinView(ctx context.Context, account string, id int64) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM view_pins WHERE account = $1 AND view_id = $2", account, id); err != nil {
		return fmt.Errorf("store: unpin view %d: %w", id, err)
	}
	return nil
}

// PinnedViews returns the views account pinned and may still see (a view
// made private by its owner drops out), in the order they were pinned.
func (s *Store) PinnedViews(ctx context.Context, account string) ([]View, error) {
	views, err := collectViews(s.db.QueryContext(ctx, `SELECT v.id, v.slug, v.name, v.description, v.owner, v.shared,
			v.path, v.version, v.created_at_us, v.updated_at_us
		FROM view_pins p JOIN views v ON v.id = p.view_id
		WHERE p.account = $1 AND (v.owner = $1 OR v.shared = TRUE)
		ORDER BY p.pinned_at_us, v.id`, account))
	if err != nil {
		return nil, fmt.Errorf("store: pinned views of %s: %w", account, err)
	}
	return views, nil
}

// notFound turns "no rows" into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
