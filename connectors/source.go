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

// Problem is a data-quality problem a source found while reading, for the
// data-quality page: a record it skipped, a value it could not map.
type Problem struct {
	// Record is the source record the problem belongs to (an issue key, an
	// import file's name): reading it again replaces its problems. Empty
	// means Where.
	Record string
	Where  string // a position such as "file.jsonl:12", or a ticket key
	Field  string // the field at fault, "" for the whole record
	Reason string // what is wrong, lower-case like an error message
}

// ProblemReporter is implemented by a source that reports the problems of
// its last Fetch, whether it succeeded or not.
type ProblemReporter interface {
	Problems() []Problem
}
