package store

import (
	"context"
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
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: read keys: %w", err)
	}
	sc, err := s.scanner()
	if err != nil {
		return fmt.Errorf("store: read keys: %w", err)
	}
	defer s.release(sc)
	interrupted := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		sc.interrupt()
		close(interrupted)
	})
	defer func() {
		if !stop() {
			<-interrupted // before sc is given back
		}
	}()
	// Read in table order and sort by ID here: ORDER BY id would walk the
	// id index and look every row up in the table, several times slower.
	// Go's string order is SQLite's BINARY collation, the order of Each.
	q := "SELECT id, customer, category, kind, created_at, NULL FROM complaints WHERE missing_since IS NULL"
	if opt.Fields {
		q = "SELECT id, customer, category, kind, created_at, fields FROM complaints WHERE missing_since IS NULL"
	}
	st, err := sc.prepare(q)
	if err != nil {
		return fmt.Errorf("store: read keys: %w", err)
	}
	defer st.close()
	intern := map[string]string{}
	str := func(b []byte) string {
		if v, ok := intern[string(b)]; ok {
			return v
		}
		v := string(b)
		intern[v] = v
		return v
	}
	n, err := s.Count(ctx)
	if err != nil {
		return fmt.Errorf("store: read keys: %w", err)
	}
	keys := make([]Key, 0, n) // sized up front: growing a million would copy it twice over
	for {
		more, err := st.step()
		if err != nil {
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			return fmt.Errorf("store: read keys: %w", err)
		}
		if !more {
			break
		}
		id, _ := st.text(0)
		cust, _ := st.text(1)
		cat, _ := st.text(2)
		kind, _ := st.text(3)
		k := Key{ID: string(id), Customer: str(cust), Category: str(cat), Kind: str(kind)}
		if st.columnType(4) != typeNull {
			k.CreatedAt = time.UnixMilli(st.int64(4)).UTC()
		}
		if fields, ok := st.text(5); ok && len(fields) > 0 {
			if err := json.Unmarshal(fields, &k.Fields); err != nil {
				return fmt.Errorf("store: read keys: fields of %s: %w", k.ID, err)
			}
		}
		keys = append(keys, k)
	}
	byID := func(a, b Key) int { return strings.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(keys, byID) { // stores synced in ID order usually are
		slices.SortFunc(keys, byID)
	}
	for _, k := range keys {
		if err := fn(k); err != nil {
			return err
		}
	}
	return nil
}
