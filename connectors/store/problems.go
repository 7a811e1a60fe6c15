package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/kpidesk/kpidesk/connectors"
)

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
func (s *Store) ReplaceProblems(ctx context.Context, source string, records []string, ps []connectors.Problem) error {
	if err := checkProblems(source, ps); err != nil {
		return err
	}
	if len(records) == 0 && len(ps) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: replace problems of %s: %w", source, err)
	}
	defer tx.Rollback()
	if err := replaceProblems(ctx, tx, source, records, ps); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: replace problems of %s: %w", source, err)
	}
	return nil
}

// checkProblems gives each of ps without a Source source, and fails if one
// belongs to another source.
func checkProblems(source string, ps []connectors.Problem) error {
	for i := range ps {
		switch ps[i].Source {
		case "":
			ps[i].Source = source
		case source:
		default:
			return fmt.Errorf("store: replace problems of %s: problem %d belongs to source %s", source, i, ps[i].Source)
		}
	}
	return nil
}

// replaceProblems is [Store.ReplaceProblems] inside tx, for ps already
// checked by checkProblems.
func replaceProblems(ctx context.Context, tx *sql.Tx, source string, records []string, ps []connectors.Problem) error {
	if len(records) == 0 && len(ps) == 0 {
		return nil
	}
	del, err := tx.PrepareContext(ctx, "DELETE FROM problems WHERE source = ? AND record = ?")
	if err != nil {
		return fmt.Errorf("store: replace problems of %s: %w", source, err)
	}
	defer del.Close()
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
		defer delLegacy.Close()
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
		if err := clear(p.RecordKey()); err != nil {
			return err
		}
	}
	return insertProblems(ctx, tx, ps)
}

// globQuote quotes s for a GLOB pattern, where *, ? and [ are special.
func globQuote(s string) string {
	return strings.NewReplacer("*", "[*]", "?", "[?]", "[", "[[]").Replace(s)
}

// AddProblems appends ps, all or none, in order, without replacing the
// problems their records had: use [Store.ReplaceProblems] for what was
// read again.
func (s *Store) AddProblems(ctx context.Context, ps []connectors.Problem) error {
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

func insertProblems(ctx context.Context, tx *sql.Tx, ps []connectors.Problem) error {
	if len(ps) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO problems (source, record, location, field, reason, at) VALUES (?, ?, ?, ?, ?, ?)")
	if err != nil {
		return fmt.Errorf("store: add problems: %w", err)
	}
	defer stmt.Close()
	for _, p := range ps {
		if _, err := stmt.ExecContext(ctx, p.Source, p.RecordKey(), p.Where, p.Field, p.Reason, millis(p.At)); err != nil {
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
func (s *Store) Problems(ctx context.Context) ([]connectors.Problem, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT source, record, location, field, reason, at FROM problems ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: read problems: %w", err)
	}
	defer rows.Close()
	var ps []connectors.Problem
	for rows.Next() {
		var p connectors.Problem
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
