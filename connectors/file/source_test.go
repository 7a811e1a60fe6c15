package file

import (
	"context"
	"errors"
	"testing"

	"github.com/kpidesk/kpidesk/connectors"
)

// TestSourceInvalid: without SkipInvalid, a file with a bad line fails the
// Fetch with ErrInvalid after its valid lines, and never emits the last
// batch that would record the file as read; with it, the Fetch succeeds.
func TestSourceInvalid(t *testing.T) {
	path := writeTemp(t, "x.jsonl", readFixture(t, "conformance.jsonl")+`{"id":"C-9"}`+"\n")
	for _, tc := range []struct {
		name       string
		skip       bool
		wantErr    error
		wantCursor string
	}{
		{name: "all or nothing", wantErr: ErrInvalid, wantCursor: ""},
		{name: "skip invalid", skip: true, wantCursor: "x.jsonl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestFileSource(t, path, tc.skip)
			n, cursor := 0, ""
			err := s.Fetch(context.Background(), "", func(b connectors.Batch) error {
				n += len(b.Complaints)
				cursor = b.Cursor
				return nil
			})
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("Fetch = %v, want %v", err, tc.wantErr)
			}
			if n != 5 || cursor != tc.wantCursor {
				t.Errorf("Fetch emitted %d complaints, last cursor %q; want 5, %q", n, cursor, tc.wantCursor)
			}
			if res := s.Result(); res.OK != 5 || res.Bad() != 1 {
				t.Errorf("Result OK %d, Bad %d; want 5, 1", res.OK, res.Bad())
			}
		})
	}
}
