package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/kpidesk/kpidesk/connectors"
)

// DefaultBatchSize is the number of complaints in a batch of
// [Source.Fetch] when SourceConfig.BatchSize is zero.
const DefaultBatchSize = 5000

// ErrInvalid is matched by the error of a Fetch that read bad lines
// without SourceConfig.SkipInvalid.
var ErrInvalid = errors.New("invalid lines")

// SourceConfig configures a [Source].
type SourceConfig struct {
	// Path is the import file. With Input, it is only Input's name: in
	// problems, and as the cursor ("stdin" for standard input).
	Path string
	// Input, when set, is read instead of the file at Path, once: a
	// second Fetch reads what is left of it. Format must then be given
	// unless Path has a known extension.
	Input io.Reader
	// Options are Decode's: the source name (the ID prefix), the format
	// (detected from Path when empty) and the clock-skew tolerance.
	Options
	// BatchSize is the number of complaints per batch (default
	// [DefaultBatchSize]).
	BatchSize int
	// SkipInvalid makes a Fetch that read bad lines succeed: the valid
	// lines are emitted and the bad ones listed in Result (SPEC §12,
	// --skip-invalid).
	SkipInvalid bool
}

// Source reads one import file as a [connectors.Source]. A file has no
// position a later read could start from: every Fetch reads it whole, and
// complaints upsert by ID, so reading it again is harmless. Fetch must not
// be called concurrently on one Source.
type Source struct {
	cfg SourceConfig

	mu  sync.Mutex
	res Result
}

var _ connectors.Source = (*Source)(nil)

// NewSource checks cfg and returns a source. It does not open the file.
func NewSource(cfg SourceConfig) (*Source, error) {
	if cfg.Path == "" {
		return nil, errors.New("file: source has no path")
	}
	if cfg.Source == "" {
		cfg.Source = DefaultSource
	}
	if cfg.Format == "" {
		var err error
		if cfg.Format, err = DetectFormat(cfg.Path); err != nil {
			return nil, err
		}
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	return &Source{cfg: cfg}, nil
}

// Name returns the source name, the prefix of the complaints' IDs.
func (s *Source) Name() string { return s.cfg.Source }

// Result returns the summary of the last Fetch: its problems (the bad
// lines, which are not emitted) and clock skews.
func (s *Source) Result() Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.res
}

// Fetch reads the whole file, whatever the cursor, and emits its valid
// complaints BatchSize at a time, in file order. Those batches carry the
// given cursor unchanged: the file is not read until its end is. A last
// batch without complaints then carries the file's base name as the
// cursor and Result.AsOf, the latest instant in the file (SPEC §13.6).
//
// Bad lines are listed in [Source.Result]. Unless SkipInvalid, a file with
// any makes Fetch fail with an error matching [ErrInvalid] after the valid
// lines were emitted, without the last batch: a caller that must write
// nothing from such a file (SPEC §12) commits the batches in one
// transaction (store.Import). Emit's errors are returned unchanged, and a
// cancelled ctx gives ctx.Err().
func (s *Source) Fetch(ctx context.Context, cursor string, emit func(connectors.Batch) error) error {
	s.mu.Lock()
	s.res = Result{}
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	in := s.cfg.Input
	if in == nil {
		f, err := os.Open(s.cfg.Path)
		if err != nil {
			return fmt.Errorf("file: %w", err)
		}
		defer f.Close()
		in = f
	}

	// Decoding and emitting run side by side on the two halves of the
	// work (parsing, and the caller's writing), connected by a short queue
	// of batches; emit is called on the caller's goroutine, as a store
	// transaction needs.
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []connectors.Complaint, 2)
	var (
		res    Result
		decErr error
	)
	go func() {
		defer close(batches)
		send := func(b []connectors.Complaint) error {
			select {
			case batches <- b:
				return nil
			case <-dctx.Done():
				return dctx.Err()
			}
		}
		// A batch is allocated at its full size: grown by append, the
		// copies of a 5000-complaint batch were a quarter of an import's
		// allocation.
		batch := make([]connectors.Complaint, 0, s.cfg.BatchSize)
		res, decErr = decode(in, s.cfg.Path, s.cfg.Options, true, func(c *connectors.Complaint) error {
			batch = append(batch, *c) // a copy: decode reuses c
			if len(batch) < s.cfg.BatchSize {
				return nil
			}
			err := send(batch)
			batch = make([]connectors.Complaint, 0, s.cfg.BatchSize)
			return err
		})
		if decErr == nil && len(batch) > 0 {
			decErr = send(batch)
		}
	}()
	var emitErr error
	done := 0
	for b := range batches {
		if emitErr != nil {
			continue // drain so the decoder can finish
		}
		if emitErr = ctx.Err(); emitErr != nil {
			cancel()
			continue
		}
		done += len(b)
		if emitErr = emit(connectors.Batch{Complaints: b, Cursor: cursor, Done: done}); emitErr != nil {
			cancel()
		}
	}
	s.mu.Lock()
	s.res = res
	s.mu.Unlock()
	switch {
	case emitErr != nil:
		return emitErr
	case decErr != nil:
		return decErr
	case res.Invalid() && res.Read == 0:
		return fmt.Errorf("file: %s: the header is invalid: %w", s.cfg.Path, ErrInvalid)
	case res.Invalid() && !s.cfg.SkipInvalid:
		return fmt.Errorf("file: %s has %d bad lines: %w", s.cfg.Path, res.Bad(), ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return emit(connectors.Batch{Cursor: filepath.Base(s.cfg.Path), AsOf: res.AsOf, Done: res.OK})
}

// Problems returns the problems of the last Fetch's bad lines and its clock
// skews, in that order (connectors.ProblemReporter): each belongs to the
// file, by its Path, and is placed at its line.
func (s *Source) Problems() []connectors.Problem {
	res := s.Result()
	out := make([]connectors.Problem, 0, len(res.Problems)+len(res.Skews))
	for _, pr := range append(res.Problems[:len(res.Problems):len(res.Problems)], res.Skews...) {
		out = append(out, connectors.Problem{Record: s.cfg.Path, Where: fmt.Sprintf("%s:%d", pr.File, pr.Line), Field: pr.Field, Reason: pr.Reason})
	}
	return out
}
