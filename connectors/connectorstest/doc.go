// Package connectorstest is the conformance suite every [connectors.Source]
// passes: the contract of the common model (SPEC §2) and of Fetch that the
// store and scoring rely on, checked the same way for every source (demo,
// file and jira; github next).
//
// A source's tests describe it with a [Harness], whose New returns the
// source over a fresh fake (an httptest server, a temporary file, a seeded
// generator), and call [Run]:
//
//	func TestConformance(t *testing.T) {
//		connectorstest.Run(t, connectorstest.Harness{
//			New:           func(t *testing.T) connectorstest.Fake { … },
//			Bad:           func(t *testing.T) (connectorstest.Fake, string) { … },
//			CompareCursor: compareCursors,
//		})
//	}
//
// Run reads the source through a recorder that behaves as connectors/store
// does: a batch is committed (its complaints upserted by ID, its cursor
// kept) when emit returns nil, and a batch emitted after the context is
// cancelled is refused with ctx.Err(), as the store's transaction would
// be. The checks, each a subtest named by its [Check]:
//
//   - ids: every complaint has an ID qualified by the source's name
//     ("jsm:SD-1", "demo:000123"), Source is that name, IDs are unique
//     within a read, and two reads give the same IDs for the same keys.
//   - times: CreatedAt is set; every time (complaint, events, CSAT, a
//     batch's AsOf) is zero or in time.UTC (SPEC §2: timestamps are stored
//     in UTC), and no event lacks its time.
//   - order, roles, kinds: events are in time order, each has a role of
//     the model (customer, agent, bot) and a kind of [connectors.EventKinds].
//   - derived: the derived fields of a complaint with events are what
//     [connectors.Derive] gives from them.
//   - cursor-order: within a read, and from the cursor a read started at,
//     cursors never go backwards ([Harness.CompareCursor]).
//   - commit: a read whose emit fails after N batches returns that error,
//     and a read from the last committed cursor yields the rest: the
//     recorder then holds exactly what one read gives, each complaint as
//     that read has it (re-reads are upserts), and ends at the same cursor.
//   - cancel: cancelling the context in emit makes Fetch return
//     context.Canceled, and a read from the committed cursor yields the
//     rest; a Fetch with a context already cancelled emits nothing.
//   - problems: a fake with one bad record ([Harness.Bad]) has the record
//     reported the way the source reports problems ([Fake.Problems], or
//     Fetch's error), never dropped silently, and what is emitted still
//     passes the checks above.
//   - incremental: after [Fake.Change], a read from the final cursor yields
//     the changed complaint, changed.
//
// A check that cannot apply to a source is skipped only when the harness
// says why ([Harness.Skip]); a harness that leaves out what a check needs
// without a reason fails the suite.
package connectorstest
