package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Key is the light view of a complaint that a first pass over the store
// needs (repeat complaints: who, about what, when), in the same ID order as
// Each.
type Key struct {
	ID, Customer, Category, Kind string
	CreatedAt                    time.Time
	Fields                       map[string]any // only with KeysOptions.Fields
}

// KeysOptions selects what Keys reads.
type KeysOptions struct {
	// Fields also reads each complaint's mapped fields (for customer
	// identity rules); most passes do without the JSON decoding.
	Fields bool
}

// Keys calls fn for every complaint's key, in ID order, reading only the
// few columns it needs: at a million complaints it costs a fraction of
// Each. Repeated customers and categories share one string each.
func (s *Store) Keys(ctx context.Context, opt KeysOptions, fn func(Key) error) error {
	// Read in table order and sort by ID here: ORDER BY id would walk the
	// id index and look every row up in the table, several times slower.
	// Go's string order is SQLite's BINARY collation, the order of Each.
	q := "SELECT id, customer, category, kind, created_at, NULL FROM complaints"
	if opt.Fields {
		q = "SELECT id, customer, category, kind, created_at, fields FROM complaints"
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("store: read keys: %w", err)
	}
	defer rows.Close()
	intern := map[string]string{}
	str := func(b []byte) string {
		if v, ok := intern[string(b)]; ok {
			return v
		}
		v := string(b)
		intern[v] = v
		return v
	}
	var (
		id                       string
		customer, category, kind sql.RawBytes
		created                  sql.NullInt64
		fields                   sql.RawBytes
	)
	var keys []Key
	for n := 0; rows.Next(); n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("store: read keys: %w", err)
			}
		}
		if err := rows.Scan(&id, &customer, &category, &kind, &created, &fields); err != nil {
			return fmt.Errorf("store: read keys: %w", err)
		}
		k := Key{ID: id, Customer: str(customer), Category: str(category), Kind: str(kind), CreatedAt: fromMillis(created)}
		if len(fields) > 0 {
			if err := json.Unmarshal(fields, &k.Fields); err != nil {
				return fmt.Errorf("store: read keys: fields of %s: %w", id, err)
			}
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read keys: %w", err)
	}
	rows.Close()
	slices.SortFunc(keys, func(a, b Key) int { return strings.Compare(a.ID, b.ID) })
	for _, k := range keys {
		if err := fn(k); err != nil {
			return err
		}
	}
	return nil
}
