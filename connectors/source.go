package connectors

import (
	"context"
	"time"
)

// Batch is one page of complaints from a source, committed to the store in
// one transaction together with the cursor that follows it.
type Batch struct {
	Complaints []Complaint
	// Cursor is opaque to everyone but the source that wrote it; the store
	// keeps it and hands it back on the next sync.
	Cursor string
	// AsOf is the instant up to which the source's data is complete (a
	// sync's start, the demo's end, the latest instant in an import file).
	// The store keeps the latest as the default evaluation instant, so that
	// a store scores the same tomorrow as today (SPEC §13.6).
	AsOf time.Time
	// Done is the number of complaints the source has produced so far and
	// Total its estimate of all (0 when unknown), for progress output.
	Done, Total int
	// Problems are the data-quality problems the source found since its
	// previous batch. The store records them in the batch's transaction,
	// replacing the problems their records had (Problem.RecordKey), so a
	// sync that fails or is cancelled keeps the problems of every batch
	// it committed. A Problem without a Source belongs to the source
	// synced.
	Problems []Problem
}

// Source is a helpdesk that kpidesk reads complaints from.
type Source interface {
	// Name is the source's configured name, used as the store's cursor key.
	Name() string
	// Fetch reads what changed since cursor ("" means everything) and hands
	// it to emit one batch at a time. If emit returns an error Fetch stops
	// and returns it. Fetch returns ctx.Err() when cancelled; batches
	// already emitted stay emitted.
	Fetch(ctx context.Context, cursor string, emit func(Batch) error) error
}

// SyncInfo records when a source was last synced, for the as_of default
// (SPEC §13.6) and the data-quality page.
type SyncInfo struct {
	Source   string
	Cursor   string
	AsOf     time.Time // the latest Batch.AsOf committed
	SyncedAt time.Time // wall clock of the last committed batch
	Count    int       // complaints from this source in the store
}

// Problem is kpidesk's one data-quality problem: a record a source or an
// import skipped or doubted, a value it could not map, a clock skew, a
// complaint no longer in its source, a calendar without holiday data. The
// sources report it, the store keeps it, and the data-quality page and
// summary.md list it.
//
// It is not a parse error of a hand-written file (config, inputs,
// appeals): those are internal/problem's Problem, reported as
// "FILE:LINE: field: reason" and stopping the command.
type Problem struct {
	// Source is the source name the problem belongs to (or, for one found
	// outside a source, what it is about, such as "calendar cn"). A source
	// may leave it empty: the store fills in the source it syncs.
	Source string
	// Record is the source record the problem belongs to (an issue key, an
	// import file's name): reading it again replaces its problems. Empty
	// means Where.
	Record string
	Where  string    // a position such as "file.jsonl:12", or a ticket key
	Field  string    // the field at fault, "" for the whole record
	Reason string    // what is wrong, lower-case like an error message
	At     time.Time // when it was found; the zero time if unknown
}

// RecordKey returns the record p belongs to: its Record, or its Where when
// Record is empty.
func (p Problem) RecordKey() string {
	if p.Record != "" {
		return p.Record
	}
	return p.Where
}

// ProblemReporter is implemented by a source that reports the problems of
// its last Fetch, whether it succeeded or not.
type ProblemReporter interface {
	Problems() []Problem
}
