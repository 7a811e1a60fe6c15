package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// ErrEmptyFullSync is returned by [Store.SyncFull] when the source read
// nothing at all while the store holds complaints from it.
var ErrEmptyFullSync = errors.New("the source returned no complaints")

// SyncFull reads everything src has (it fetches from the beginning, not
// from the stored cursor), committing batch by batch like Sync, and when
// the whole fetch has succeeded marks the source's complaints it did not
// see as missing: deleted in the helpdesk, or moved out of the synced
// scope. Missing complaints are kept, not deleted, and reads leave them out
// unless Query.IncludeMissing; one that comes back is present again. It
// returns the IDs newly marked missing, sorted.
//
// A fetch that fails or is cancelled marks nothing: an incomplete list of
// what the source has must not be taken for deletions. Nor does a fetch
// that returns no complaint at all while the store has some from src: a
// wrong address, filter or permission looks just like that, so SyncFull
// commits nothing and returns an error matching [ErrEmptyFullSync]. (Empty
// batches are held back until the first complaint for that reason.)
func (s *Store) SyncFull(ctx context.Context, src connectors.Source, progress func(connectors.Batch)) ([]string, error) {
	name := src.Name()
	seen := map[string]struct{}{}
	var held []connectors.Batch // empty batches before the first complaint
	put := func(b connectors.Batch) error {
		if err := s.Put(ctx, name, b); err != nil {
			return err
		}
		for i := range b.Complaints {
			seen[b.Complaints[i].ID] = struct{}{}
		}
		if progress != nil {
			progress(b)
		}
		return nil
	}
	err := src.Fetch(ctx, "", func(b connectors.Batch) error {
		if len(seen) == 0 && len(b.Complaints) == 0 {
			held = append(held, b)
			return nil
		}
		for _, h := range held {
			if err := put(h); err != nil {
				return err
			}
		}
		held = nil
		return put(b)
	})
	if err != nil {
		return nil, err
	}
	if len(seen) == 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM complaints WHERE origin = ? AND missing_since IS NULL", name).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: count complaints of %s: %w", name, err)
		}
		if n > 0 {
			return nil, fmt.Errorf("store: full sync of %s: refusing to mark all %d stored complaints missing, nothing was changed (check the source's address, filter and the account's permissions): %w", name, n, ErrEmptyFullSync)
		}
		for _, h := range held {
			if err := put(h); err != nil {
				return nil, err
			}
		}
	}
	return s.MarkMissing(ctx, name, seen, s.now())
}

// MarkMissing marks the complaints stored under source whose IDs are not
// in seen as missing since at, in one transaction, and returns their IDs.
func (s *Store) MarkMissing(ctx context.Context, source string, seen map[string]struct{}, at time.Time) ([]string, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: mark missing for %s: %w", source, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "CREATE TEMP TABLE IF NOT EXISTS seen_ids (id TEXT PRIMARY KEY)"); err != nil {
		return nil, fmt.Errorf("store: mark missing for %s: %w", source, err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM temp.seen_ids"); err != nil {
		return nil, fmt.Errorf("store: mark missing for %s: %w", source, err)
	}
	ins, err := tx.PrepareContext(ctx, "INSERT OR IGNORE INTO temp.seen_ids (id) VALUES (?)")
	if err != nil {
		return nil, fmt.Errorf("store: mark missing for %s: %w", source, err)
	}
	for id := range seen {
		if _, err := ins.ExecContext(ctx, id); err != nil {
			ins.Close()
			return nil, fmt.Errorf("store: mark missing for %s: %w", source, err)
		}
	}
	ins.Close()
	rows, err := tx.QueryContext(ctx, `UPDATE complaints SET missing_since = ?
		WHERE origin = ? AND missing_since IS NULL AND id NOT IN (SELECT id FROM temp.seen_ids)
		RETURNING id`, at.UnixMilli(), source)
	if err != nil {
		return nil, fmt.Errorf("store: mark missing for %s: %w", source, err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: mark missing for %s: %w", source, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("store: mark missing for %s: %w", source, err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM temp.seen_ids"); err != nil {
		return nil, fmt.Errorf("store: mark missing for %s: %w", source, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: mark missing for %s: %w", source, err)
	}
	slices.Sort(ids)
	return ids, nil
}
