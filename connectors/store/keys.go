package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// Key is the light view of a complaint that [Store.Keys] reads.
type Key = connectors.Key

// KeysOptions selects what Keys reads.
type KeysOptions struct {
	// Fields also reads each complaint's mapped fields (for customer
	// identity rules); most passes do without the JSON decoding and the
	// table lookups it needs.
	Fields bool
}

// Keys reads every complaint's key, in ID order (the order of Each), from
// the covering index complaints_keys without touching the table unless
// opt.Fields: at a million complaints it costs a fraction of Each.
// Repeated categories and kinds share one string each.
func (s *Store) Keys(ctx context.Context, opt KeysOptions) ([]Key, error) {
	keys, err := s.keys(ctx, opt)
	if err != nil {
		return nil, fmt.Errorf("store: read keys: %w", err)
	}
	return keys, nil
}

func keysQuery(opt KeysOptions) string {
	fields := "NULL"
	if opt.Fields {
		fields = "fields"
	}
	return "SELECT id, customer, category, kind, created_at, " + fields +
		" FROM complaints INDEXED BY complaints_keys WHERE missing_since IS NULL ORDER BY id"
}

func (s *Store) keys(ctx context.Context, opt KeysOptions) ([]Key, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Presized from the largest rid, which bounds the number of rows
	// (rows are never deleted) at the cost of one index lookup, where
	// Count would read a whole index.
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(rid), 0) FROM complaints").Scan(&n); err != nil {
		return nil, err
	}
	sc, err := s.scanner()
	if err != nil {
		return nil, err
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
	st, err := sc.prepare(keysQuery(opt))
	if err != nil {
		return nil, err
	}
	defer st.close()
	// Categories and kinds are few and come in runs. Customers are many,
	// mostly with a few complaints each: interning them costs more than it
	// saves.
	var category, kind string
	var buf []byte
	keys := make([]Key, 0, n) // sized up front: growing a million would copy it twice over
	for {
		more, err := st.step()
		if err != nil {
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			return nil, err
		}
		if !more {
			break
		}
		id, _ := st.text(0)
		cust, _ := st.text(1)
		cat, _ := st.text(2)
		kd, _ := st.text(3)
		// The ID and the customer share one allocation.
		buf = append(append(buf[:0], id...), cust...)
		both := string(buf)
		k := Key{ID: both[:len(id)], Customer: both[len(id):]}
		if string(cat) != category {
			category = string(cat)
		}
		if string(kd) != kind {
			kind = string(kd)
		}
		k.Category, k.Kind = category, kind
		if st.columnType(4) != typeNull {
			k.CreatedAt = time.UnixMilli(st.int64(4)).UTC()
		}
		if fields, ok := st.text(5); ok && len(fields) > 0 {
			if err := json.Unmarshal(fields, &k.Fields); err != nil {
				return nil, fmt.Errorf("fields of %s: %w", k.ID, err)
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}
