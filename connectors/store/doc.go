// Package store owns kpidesk's local store: one SQLite file (modernc.org/sqlite,
// pure Go) that keeps the complaints the sources fetch, each source's sync
// cursor and as_of, and the data-quality problems found on the way. A CI job
// caches the file between runs, so each run fetches only what changed.
//
// # Transactions
//
// [Store.Sync] commits each batch a source emits in its own transaction,
// together with the cursor that follows it ([Store.Put]): an error or a
// cancelled context leaves every earlier batch committed and the cursor at
// the last of them, and the next Sync resumes there. [Store.Import] writes a
// whole import in one transaction, all or nothing (SPEC §12). The latest
// as_of committed by any source is the default evaluation instant
// ([Store.AsOf], SPEC §13.6), so a store scores the same tomorrow as today.
//
// # Schema
//
// The schema is embedded SQL (migrations/0001_init.sql, …) that [Open]
// applies in order in one transaction. PRAGMA user_version is the number of
// the last migration applied and PRAGMA application_id marks the file as a
// kpidesk store; Open refuses, without touching it, a file whose schema is
// newer than this binary knows or that belongs to another program.
//
// Table complaints has a column per scalar field of [connectors.Complaint]
// and keeps labels, components, SLA records, CSAT and fields as JSON text
// (NULL when nil or empty), so the file stays readable with the sqlite3
// shell and its JSON functions. The columns are those of
// [connectors.Fields], the one table of the model's fields: writes and
// reads walk it, so adding a field is a row there and a migration adding
// its column here (TestFieldsRoundTrip in package connectors checks both). Events live in table complaint_events, one JSON array per
// complaint, so that a scan needing only the derived fields (most of
// scoring) never pages through them; [Query.WithEvents] joins them in.
// Column origin is the source name a row was stored under, which need not
// equal Complaint.Source. Index complaints_keys covers what [Store.Keys]
// reads, in ID order, so that scoring's first pass never reads the table;
// an import into an empty store builds it once at the end. Index
// complaints_origin on (origin, missing_since) counts a source's complaints
// without the table too.
//
// Every time, in a column or inside JSON, is unix milliseconds UTC (NULL, or
// an omitted JSON key, for the zero time): Jira reports milliseconds, and
// nothing kpidesk measures is finer. Complaints read back in UTC, truncated
// to the millisecond.
//
// The JSON is written and read by hand, to the letter of encoding/json
// (FuzzAppendString, FuzzDecode): through reflection it was a third of an
// import and more than half of a read, and jsontext, the importer's engine,
// decodes a complaint's events about 1.5 times and encodes them about 3
// times as slowly as this codec (BenchmarkEngine). Each shares repeated
// strings (teams, actors, labels) among the complaints it returns.
//
// # Writing
//
// Put, Sync and Import upsert 32 complaints a statement. The statement's
// values are bound through SQLite's C API on the transaction's own
// connection (a rawWriter, rawwrite.go), not through database/sql, whose
// conversion and copying of a thousand arguments a statement was half the
// cost of an import and most of its garbage; a group the rawWriter cannot
// write goes through database/sql, whose errors name the complaint at
// fault. TestRawWriterMatchesDriver holds the two paths to the same rows.
//
// # Reading
//
// Each and EachBatch read a million complaints in about two seconds on
// two cores (BenchmarkEach), four times as fast as through database/sql.
// They bypass the driver: a read goes through a connection of its own (a
// scanner, scan.go) that calls SQLite's C API in modernc.org/sqlite/lib
// without the per-call mutex and copies each value once, and it is a
// pipeline, one goroutine stepping through the rows of one statement (one
// snapshot) while others decode chunks of them side by side and the
// caller's callback takes the decoded chunks in ID order. Reading in ID
// order walks the id index and looks each row up in the table; that costs
// little when table order is close to ID order, as after an import, and
// makes a read about three times slower from a store whose rows were
// written in random order.
//
// # Files
//
// Connections use WAL (readers are never blocked by a sync),
// synchronous=NORMAL (a power cut may lose the last commits, never corrupt
// the file), 8 KiB pages, foreign keys and a busy timeout; writes are BEGIN
// IMMEDIATE. Close checkpoints the WAL, so a closed store is a single file;
// a CI cache of a store that was not closed cleanly should also keep its
// -wal file.
package store
