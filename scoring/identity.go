package scoring

import (
	"fmt"
)

// customers returns each complaint's customer after alias merging (seed
// 003, config customers.merge_by): complaints whose customers share a value
// of one of the configured fields (an email, a phone number, an account)
// are one customer, transitively. The merged identity is the smallest of the
// customer IDs joined, so that it does not depend on input order. Without
// merge rules it returns nil and each complaint keeps its own Customer.
func (e *Engine) customers(cs []Key) []string {
	if len(e.cfg.Customers.MergeBy) == 0 {
		return nil
	}
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			parent[x] = x
			return x
		}
		root := find(p)
		parent[x] = root
		return root
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		switch {
		case ra == rb:
		case ra < rb:
			parent[rb] = ra
		default:
			parent[ra] = rb
		}
	}
	// The first customer seen with a value stands for it; later ones join.
	byValue := map[string]string{}
	for i := range cs {
		c := &cs[i]
		if c.Customer == "" {
			continue
		}
		find(c.Customer)
		for _, key := range e.cfg.Customers.MergeBy {
			v, ok := c.Fields[key]
			if !ok || v == nil || fmt.Sprint(v) == "" {
				continue
			}
			k := key + "\x00" + fmt.Sprint(v)
			if other, seen := byValue[k]; seen {
				union(other, c.Customer)
			} else {
				byValue[k] = c.Customer
			}
		}
	}
	out := make([]string, len(cs))
	for i := range cs {
		if cs[i].Customer != "" {
			out[i] = find(cs[i].Customer)
		}
	}
	return out
}
