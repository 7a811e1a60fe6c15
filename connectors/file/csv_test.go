package file

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

func TestDecodeCSVFixture(t *testing.T) {
	// testdata/complaints.csv starts with a BOM, has an upper-case column
	// name and a padded one, a two-line quoted title (lines 2-3), a row of
	// empty cells (line 5) and a bad record on lines 6-7.
	got, res := decodeAll(t, "complaints.csv", readFixture(t, "complaints.csv"), Options{})
	want := []connectors.Complaint{
		{
			ID: "file:C-1", Source: "file", Key: "C-1", Kind: "complaint",
			Title:       "Two-line\ntitle, with \"quotes\"",
			Priority:    "normal",
			Customer:    "cust-1",
			CreatedAt:   ts("2026-03-02T01:00:00Z"),
			Escalated:   true,
			EscalatedAt: ts("2026-03-02T02:00:00Z"),
			Labels:      []string{"refund", "vip"},
			Components:  []string{"payments", "mobile-app"},
			CSAT:        &connectors.CSAT{Value: 5, Scale: 5},
			Fields:      map[string]any{"order": "A-1"},
		},
		{
			ID: "file:C-2", Source: "file", Key: "C-2", Kind: "complaint", Title: "Plain",
			CreatedAt:       ts("2026-03-02T09:00:00Z"),
			FirstResponseAt: ts("2026-03-02T09:10:00Z"),
			FirstResolvedAt: ts("2026-03-02T09:20:00Z"),
			ResolvedAt:      ts("2026-03-02T09:20:00Z"),
			AgentReplies:    1,
			CSAT:            &connectors.CSAT{Value: 4, Scale: 5},
			Events: []connectors.Event{
				{At: ts("2026-03-02T09:10:00Z"), Kind: "comment", Role: "agent", Public: true},
				{At: ts("2026-03-02T09:20:00Z"), Kind: "resolved", Role: "bot"}, // no role given: the system's
			},
		},
		{
			ID: "file:C-4", Source: "file", Key: "C-4", Kind: "complaint", Title: "ok",
			Priority: "low", Customer: "cust-4", Reopens: 2,
			CreatedAt: ts("2026-03-02T09:00:00Z"),
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode(complaints.csv) mismatch (-want +got):\n%s", diff)
	}
	wantProblems := []string{
		`complaints.csv:6: created_at: time "2026-03-02T09:00:00" has no UTC offset: add Z or ±hh:mm, e.g. 2026-03-01T09:30:00+08:00`,
		`complaints.csv:6: escalated: want true, false, yes, no, 1 or 0, got "maybe"`,
		`complaints.csv:6: reopens: negative count -1: want a whole number ≥ 0`,
	}
	if diff := cmp.Diff(wantProblems, problemTexts(res.Problems)); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
	if res.Read != 4 || res.OK != 3 || res.Format != FormatCSV {
		t.Errorf("Read, OK, Format = %d, %d, %q, want 4, 3, csv", res.Read, res.OK, res.Format)
	}
}

func TestDecodeCSVProblems(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
		ok   int
	}{
		{name: "unknown and duplicate columns", in: "id,created_at,priorty,title,Title\nA,2026-03-02T00:00:00Z,,,\n",
			want: []string{
				`in.csv:1: priorty: unknown column (did you mean priority?)`,
				`in.csv:1: title: duplicate column`,
			}},
		{name: "missing required columns", in: "title\nx\n",
			want: []string{
				`in.csv:1: id: missing column (required)`,
				`in.csv:1: created_at: missing column (required)`,
			}},
		{name: "cell count", in: "id,created_at\nA,2026-03-02T00:00:00Z,extra\nB,2026-03-02T00:00:00Z\n", ok: 1,
			want: []string{`in.csv:2: (line): 3 cells, but the header has 2 columns`}},
		{name: "bare quote", in: "id,created_at\nA,2026\"x\nB,2026-03-02T00:00:00Z\n", ok: 1,
			want: []string{`in.csv:2: (line): invalid CSV: bare " in non-quoted-field (column 7)`}},
		{name: "unterminated quote", in: "id,created_at\nA,\"2026\n\nB,x\n",
			want: []string{`in.csv:2: (line): invalid CSV: extraneous or missing " in quoted-field (line 4)`}},
		{name: "multi-line cell moves the line number", in: "id,created_at,title\nA,2026-03-02T00:00:00Z,\"one\ntwo\nthree\"\nB,2026-03-02T00:00:00Z,\"x\ny\"\nC,never,\n", ok: 2,
			want: []string{`in.csv:7: created_at: invalid time "never": want RFC 3339 with a UTC offset, e.g. 2026-03-01T09:30:00+08:00`}},
		{name: "CRLF", in: "id,created_at\r\nA,2026-03-02T00:00:00Z\r\nB,2026-03-02\r\n", ok: 1,
			want: []string{`in.csv:3: created_at: invalid time "2026-03-02": want RFC 3339 with a UTC offset, e.g. 2026-03-01T09:30:00+08:00`}},
		{name: "invalid UTF-8", in: "id,created_at,title\nA,2026-03-02T00:00:00Z,caf\xe9\n",
			want: []string{`in.csv:2: title: not valid UTF-8: save the file as UTF-8`}},
		{name: "invalid JSON in a cell", in: "id,created_at,events\nA,2026-03-02T00:00:00Z,\"[{\"\"at\"\":\"\"2026\"\"\"\n",
			want: []string{`in.csv:2: events: invalid JSON: unexpected end of line (column 14)`}},
		{name: "data after the JSON in a cell", in: "id,created_at,fields\nA,2026-03-02T00:00:00Z,{} {}\n",
			want: []string{`in.csv:2: fields: invalid JSON: unexpected data after the value`}},
		{name: "problems inside JSON cells", in: "id,created_at,csat,events\nA,2026-03-02T00:00:00Z,{},\"[{\"\"at\"\":\"\"2026-03-02T01:00:00Z\"\",\"\"kind\"\":\"\"note\"\"}]\"\n",
			want: []string{
				`in.csv:2: csat.value: required`,
				`in.csv:2: events[0].kind: unknown kind "note": want one of comment, status, assignment, priority, label, resolved, reopened, escalated`,
			}},
		{name: "counts and times as text", in: "id,created_at,reopens,agent_replies,resolved_at\nA,2026-03-02T00:00:00Z,two,1.0,tomorrow\n",
			want: []string{
				`in.csv:2: reopens: want a whole number ≥ 0, got "two"`,
				`in.csv:2: agent_replies: want a whole number ≥ 0, got "1.0"`,
				`in.csv:2: resolved_at: invalid time "tomorrow": want RFC 3339 with a UTC offset, e.g. 2026-03-01T09:30:00+08:00`,
			}},
		{name: "null only means none in derived columns", in: "id,created_at,title,resolved_at,escalated\nA,2026-03-02T00:00:00Z,null,null,null\n", ok: 1},
		{name: "duplicate id", in: "id,created_at\nA,2026-03-02T00:00:00Z\n\nA,2026-03-02T00:00:00Z\n", ok: 1,
			want: []string{`in.csv:4: id: duplicate id "A" (first on line 2)`}},
		{name: "header only", in: "id,created_at\n"},
		{name: "empty file", in: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, res := decodeAll(t, "in.csv", tc.in, Options{})
			if diff := cmp.Diff(tc.want, problemTexts(res.Problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
			if len(got) != tc.ok || res.OK != tc.ok {
				t.Errorf("got %d complaints, OK = %d, want %d", len(got), res.OK, tc.ok)
			}
		})
	}
}

func TestCSVCells(t *testing.T) {
	tests := []struct {
		name  string
		col   string
		cell  string
		check func(c connectors.Complaint) bool
	}{
		{name: "yes", col: "escalated", cell: "YES", check: func(c connectors.Complaint) bool { return c.Escalated }},
		{name: "1", col: "escalated", cell: "1", check: func(c connectors.Complaint) bool { return c.Escalated }},
		{name: "false", col: "escalated", cell: "False", check: func(c connectors.Complaint) bool { return !c.Escalated }},
		{name: "labels", col: "labels", cell: " a ;;b", check: func(c connectors.Complaint) bool { return cmp.Equal(c.Labels, []string{"a", "b"}) }},
		{name: "components", col: "components", cell: "Payments; Mobile App ;", check: func(c connectors.Complaint) bool {
			return cmp.Equal(c.Components, []string{"Payments", "Mobile App"}) && c.Labels == nil
		}},
		{name: "empty components", col: "components", cell: " ; ", check: func(c connectors.Complaint) bool { return c.Components == nil }},
		{name: "padded cell", col: "team", cell: "  tier1  ", check: func(c connectors.Complaint) bool { return c.Team == "tier1" }},
		{name: "null title is a title", col: "title", cell: "null", check: func(c connectors.Complaint) bool { return c.Title == "null" }},
		{name: "kind lower-cased", col: "kind", cell: "Suggestion", check: func(c connectors.Complaint) bool { return c.Kind == "suggestion" }},
		{name: "null fields", col: "fields", cell: "null", check: func(c connectors.Complaint) bool { return c.Fields == nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := "id,created_at," + tc.col + "\nA,2026-03-02T00:00:00Z,\"" + tc.cell + "\"\n"
			got, res := decodeAll(t, "in.csv", in, Options{})
			if len(got) != 1 {
				t.Fatalf("got %d complaints, problems %q", len(got), problemTexts(res.Problems))
			}
			if !tc.check(got[0]) {
				t.Errorf("%s cell %q decoded to %+v", tc.col, tc.cell, got[0])
			}
		})
	}
}
