package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// Query selects the complaints Each reads. The zero Query reads every
// complaint without its events.
type Query struct {
	// WithEvents also reads each complaint's events. Scoring needs only
	// the derived scalar fields for most metrics; leaving the events out
	// skips their table and their decoding, the bulk of a read.
	WithEvents bool
	// Source keeps the complaints stored under this source name (the name
	// given to Put, Sync or Import); "" keeps all.
	Source string
	// CreatedFrom and CreatedBefore keep complaints created in
	// [CreatedFrom, CreatedBefore); a zero bound is open. A complaint
	// without CreatedAt falls outside any bounded range.
	CreatedFrom, CreatedBefore time.Time
}

const selectComplaint = `SELECT c.id, c.source, c.key, c.url, c.title, c.kind, c.category, c.channel, c.priority,
	c.customer, c.organization, c.assignee, c.team, c.department,
	c.created_at, c.updated_at, c.first_response_at, c.first_resolved_at, c.resolved_at,
	c.reopens, c.escalated, c.escalated_at, c.agent_replies,
	c.labels, c.components, c.sla, c.csat, c.fields`

// Each calls fn for every complaint that opt selects, in ID order (byte
// order), streaming them from the database rather than loading them all.
// fn gets a new Complaint each time and may keep it. If fn returns an
// error Each stops and returns it unchanged.
//
// A complaint reads back as it was put, except that times are UTC and
// truncated to the millisecond, nil and empty slices and maps both read
// back as nil, Events is nil unless opt.WithEvents, and Fields holds what
// encoding/json makes of its values (numbers are float64).
//
// Each reads one consistent snapshot even while a sync writes. fn may call
// the store's other methods (on a ":memory:" store, not ones that write).
func (s *Store) Each(ctx context.Context, opt Query, fn func(*connectors.Complaint) error) error {
	var q strings.Builder
	q.WriteString(selectComplaint)
	if opt.WithEvents {
		q.WriteString(", e.events FROM complaints c LEFT JOIN complaint_events e ON e.rid = c.rid")
	} else {
		q.WriteString(" FROM complaints c")
	}
	var where []string
	var args []any
	if opt.Source != "" {
		where = append(where, "c.origin = ?")
		args = append(args, opt.Source)
	}
	if !opt.CreatedFrom.IsZero() {
		where = append(where, "c.created_at >= ?")
		args = append(args, opt.CreatedFrom.UnixMilli())
	}
	if !opt.CreatedBefore.IsZero() {
		where = append(where, "c.created_at < ?")
		args = append(args, opt.CreatedBefore.UnixMilli())
	}
	if len(where) > 0 {
		q.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	q.WriteString(" ORDER BY c.id")

	rows, err := s.db.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return fmt.Errorf("store: read complaints: %w", err)
	}
	defer rows.Close()

	var (
		row                                        connectors.Complaint
		created, updated, firstResp, firstRes, res sql.NullInt64
		escAt                                      sql.NullInt64
		labels, components, sla, csat, fields      sql.RawBytes
		events                                     sql.RawBytes
		scratch                                    []connectors.Event
		strs                                       = newInterner()
		// Columns with few distinct values are interned (see interner).
		source, kind, category, channel, priority, customer sql.RawBytes
		organization, assignee, team, department            sql.RawBytes
	)
	dest := []any{&row.ID, &source, &row.Key, &row.URL, &row.Title, &kind, &category, &channel, &priority,
		&customer, &organization, &assignee, &team, &department,
		&created, &updated, &firstResp, &firstRes, &res,
		&row.Reopens, &row.Escalated, &escAt, &row.AgentReplies,
		&labels, &components, &sla, &csat, &fields}
	if opt.WithEvents {
		dest = append(dest, &events)
	}
	for rows.Next() {
		// database/sql notices a cancelled ctx only asynchronously.
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: read complaints: %w", err)
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("store: read complaints: %w", err)
		}
		c := new(connectors.Complaint)
		*c = row
		c.Source, c.Kind, c.Category = strs.get(source), strs.get(kind), strs.get(category)
		c.Channel, c.Priority, c.Customer = strs.get(channel), strs.get(priority), strs.get(customer)
		c.Organization, c.Assignee = strs.get(organization), strs.get(assignee)
		c.Team, c.Department = strs.get(team), strs.get(department)
		c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
		c.FirstResponseAt, c.FirstResolvedAt = fromMillis(firstResp), fromMillis(firstRes)
		c.ResolvedAt, c.EscalatedAt = fromMillis(res), fromMillis(escAt)
		var errs [6]error
		if labels != nil {
			c.Labels, errs[0] = decodeLabels(labels, strs)
		}
		if components != nil {
			c.Components, errs[1] = decodeLabels(components, strs)
		}
		if sla != nil {
			c.SLA, errs[2] = decodeSLA(sla, strs)
		}
		if csat != nil {
			c.CSAT, errs[3] = decodeCSAT(csat)
		}
		if fields != nil {
			c.Fields, errs[4] = decodeFields(fields)
		}
		if events != nil {
			c.Events, errs[5] = decodeEvents(events, strs, &scratch)
		}
		if err := errors.Join(errs[:]...); err != nil {
			return fmt.Errorf("store: read complaint %s: %w", c.ID, err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read complaints: %w", err)
	}
	return nil
}

// Count returns the number of complaints in the store.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM complaints").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count complaints: %w", err)
	}
	return n, nil
}

// Cursor returns the cursor last committed for source, "" if none.
func (s *Store) Cursor(ctx context.Context, source string) (string, error) {
	var c string
	err := s.db.QueryRowContext(ctx, "SELECT cursor FROM sync WHERE source = ?", source).Scan(&c)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: read cursor for %s: %w", source, err)
	}
	return c, nil
}

// Syncs returns one record per source that has committed a batch, sorted
// by source name.
func (s *Store) Syncs(ctx context.Context) ([]connectors.SyncInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.source, s.cursor, s.as_of, s.synced_at,
		(SELECT count(*) FROM complaints c WHERE c.origin = s.source)
		FROM sync s ORDER BY s.source`)
	if err != nil {
		return nil, fmt.Errorf("store: read syncs: %w", err)
	}
	defer rows.Close()
	var out []connectors.SyncInfo
	for rows.Next() {
		var si connectors.SyncInfo
		var asOf, syncedAt sql.NullInt64
		if err := rows.Scan(&si.Source, &si.Cursor, &asOf, &syncedAt, &si.Count); err != nil {
			return nil, fmt.Errorf("store: read syncs: %w", err)
		}
		si.AsOf, si.SyncedAt = fromMillis(asOf), fromMillis(syncedAt)
		out = append(out, si)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read syncs: %w", err)
	}
	return out, nil
}

// AsOf returns the latest as_of over all sources, the default evaluation
// instant (SPEC §13.6), or the zero time if no source has recorded one.
func (s *Store) AsOf(ctx context.Context) (time.Time, error) {
	var ms sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT max(as_of) FROM sync").Scan(&ms); err != nil {
		return time.Time{}, fmt.Errorf("store: read as_of: %w", err)
	}
	return fromMillis(ms), nil
}
