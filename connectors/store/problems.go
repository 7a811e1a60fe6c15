package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Problem is a data-quality record for the data-quality page: an import
// line that was skipped, a value that mapped to nothing, and so on.
type Problem struct {
	Source string    // the source name the problem belongs to
	Where  string    // a position such as "file.jsonl:12", or a ticket key
	Field  string    // the field at fault, "" for the whole record
	Reason string    // what is wrong, lower-case like an error message
	At     time.Time // when it was found; the zero time if unknown
}

// AddProblems appends ps, all or none, in order.
func (s *Store) AddProblems(ctx context.Context, ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: add problems: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO problems (source, location, field, reason, at) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return fmt.Errorf("store: add problems: %w", err)
	}
	for _, p := range ps {
		if _, err := stmt.ExecContext(ctx, p.Source, p.Where, p.Field, p.Reason, millis(p.At)); err != nil {
			return fmt.Errorf("store: add problem for %s at %s: %w", p.Source, p.Where, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: add problems: %w", err)
	}
	return nil
}

// ClearProblems deletes the problems recorded for source, so that a new
// import of it replaces its list instead of adding to it.
func (s *Store) ClearProblems(ctx context.Context, source string) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM problems WHERE source = ?", source); err != nil {
		return fmt.Errorf("store: clear problems for %s: %w", source, err)
	}
	return nil
}

// Problems returns every recorded problem in the order it was added.
func (s *Store) Problems(ctx context.Context) ([]Problem, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT source, location, field, reason, at FROM problems ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: read problems: %w", err)
	}
	defer rows.Close()
	var ps []Problem
	for rows.Next() {
		var p Problem
		var at sql.NullInt64
		if err := rows.Scan(&p.Source, &p.Where, &p.Field, &p.Reason, &at); err != nil {
			return nil, fmt.Errorf("store: read problems: %w", err)
		}
		p.At = fromMillis(at)
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read problems: %w", err)
	}
	return ps, nil
}
