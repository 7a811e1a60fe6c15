package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Problem is a data-quality record for the data-quality page: an import
// line that was skipped, a value that mapped to nothing, a clock skew, and
// so on.
type Problem struct {
	Source string    // the source name the problem belongs to
	Where  string    // a position such as "file.jsonl:12", or a ticket key
	Field  string    // the field at fault, "" for the whole record
	Reason string    // what is wrong, lower-case like an error message
	At     time.Time // when it was found; the zero time if unknown
	// Record is the source record the problem was found in: an issue key
	// or complaint ID for a sync, the file name for an import. Reading the
	// record again replaces its problems ([Store.ReplaceProblems]). Empty
	// means Where.
	Record string
}

func (p Problem) record() string {
	if p.Record != "" {
		return p.Record
	}
	return p.Where
}

// ReplaceProblems records that source's records were read again, with
// the problems ps found in them: in one transaction it deletes every
// problem of source that belongs to one of records (or to the record of
// one of ps), then inserts ps in order. A record read without a problem
// thus loses the problems found in it before, and reading a record again
// and again lists each of its problems once. Each of ps must belong to
// source (an empty Source is source).
//
// A problem stored by a kpidesk before schema version 6 belongs to its
// location; those of an import file ("data.jsonl:12") belong to the file
// ("data.jsonl") here, so that importing it again replaces them too.
func (s *Store) ReplaceProblems(ctx context.Context, source string, records []string, ps []Problem) error {
	for i := range ps {
		switch ps[i].Source {
		case "":
			ps[i].Source = source
		case source:
		default:
			return fmt.Errorf("store: replace problems of %s: problem %d belongs to source %s", source, i, ps[i].Source)
		}
	}
	if len(records) == 0 && len(ps) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: replace problems of %s: %w", source, err)
	}
	defer tx.Rollback()
	del, err := tx.PrepareContext(ctx, "DELETE FROM problems WHERE source = ? AND record = ?")
	if err != nil {
		return fmt.Errorf("store: replace problems of %s: %w", source, err)
	}
	var legacy bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM problems
		WHERE source = ? AND record = location AND location GLOB '*:[0-9]*')`, source).Scan(&legacy); err != nil {
		return fmt.Errorf("store: replace problems of %s: %w", source, err)
	}
	var delLegacy *sql.Stmt
	if legacy {
		if delLegacy, err = tx.PrepareContext(ctx, "DELETE FROM problems WHERE source = ? AND record = location AND location GLOB ?"); err != nil {
			return fmt.Errorf("store: replace problems of %s: %w", source, err)
		}
	}
	done := make(map[string]bool, len(records))
	clear := func(r string) error {
		if done[r] {
			return nil
		}
		done[r] = true
		if _, err := del.ExecContext(ctx, source, r); err != nil {
			return fmt.Errorf("store: replace problems of %s %s: %w", source, r, err)
		}
		if delLegacy != nil {
			if _, err := delLegacy.ExecContext(ctx, source, globQuote(r)+":[0-9]*"); err != nil {
				return fmt.Errorf("store: replace problems of %s %s: %w", source, r, err)
			}
		}
		return nil
	}
	for _, r := range records {
		if err := clear(r); err != nil {
			return err
		}
	}
	for _, p := range ps {
		if err := clear(p.record()); err != nil {
			return err
		}
	}
	if err := insertProblems(ctx, tx, ps); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: replace problems of %s: %w", source, err)
	}
	return nil
}

// globQuote quotes s for a GLOB pattern, where *, ? and [ are special.
func globQuote(s string) string {
	return strings.NewReplacer("*", "[*]", "?", "[?]", "[", "[[]").Replace(s)
}

// AddProblems appends ps, all or none, in order, without replacing the
// problems their records had: use [Store.ReplaceProblems] for what was
// read again.
func (s *Store) AddProblems(ctx context.Context, ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: add problems: %w", err)
	}
	defer tx.Rollback()
	if err := insertProblems(ctx, tx, ps); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: add problems: %w", err)
	}
	return nil
}

func insertProblems(ctx context.Context, tx *sql.Tx, ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO problems (source, record, location, field, reason, at) VALUES (?, ?, ?, ?, ?, ?)")
	if err != nil {
		return fmt.Errorf("store: add problems: %w", err)
	}
	defer stmt.Close()
	for _, p := range ps {
		if _, err := stmt.ExecContext(ctx, p.Source, p.record(), p.Where, p.Field, p.Reason, millis(p.At)); err != nil {
			return fmt.Errorf("store: add problem for %s at %s: %w", p.Source, p.Where, err)
		}
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

// Problems returns every recorded problem in the order it was added, each
// with its Record.
func (s *Store) Problems(ctx context.Context) ([]Problem, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT source, record, location, field, reason, at FROM problems ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: read problems: %w", err)
	}
	defer rows.Close()
	var ps []Problem
	for rows.Next() {
		var p Problem
		var at sql.NullInt64
		if err := rows.Scan(&p.Source, &p.Record, &p.Where, &p.Field, &p.Reason, &at); err != nil {
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
