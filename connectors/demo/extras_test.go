package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// complaints fetches a small demo and returns it as store.Store.Each would
// hand it over.
func complaints(t *testing.T, size int) func(fn func(*connectors.Complaint) error) error {
	t.Helper()
	var all []connectors.Complaint
	err := demo.New(demo.Options{Seed: 1, Size: size}).Fetch(context.Background(), "", func(b connectors.Batch) error {
		all = append(all, b.Complaints...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return func(fn func(*connectors.Complaint) error) error {
		for i := range all {
			if err := fn(&all[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestWriteAppeals(t *testing.T) {
	each := complaints(t, 2000)
	var a, b bytes.Buffer
	if err := demo.WriteAppeals(&a, each); err != nil {
		t.Fatal(err)
	}
	if err := demo.WriteAppeals(&b, each); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("WriteAppeals is not deterministic")
	}
	f, err := appeals.Parse(a.Bytes(), demo.AppealsFile)
	if err != nil {
		t.Fatalf("the demo's appeals file does not parse: %v\n%s", err, a.String())
	}
	ids := map[string]bool{}
	each(func(c *connectors.Complaint) error { ids[c.ID] = true; return nil })
	var got []string
	for _, ap := range f.Appeals {
		got = append(got, ap.ID)
		for _, id := range ap.Complaints {
			if !ids[id] {
				t.Errorf("appeal %s names complaint %s, which the demo does not have", ap.ID, id)
			}
		}
	}
	if diff := cmp.Diff([]string{"A-2025-101", "A-2025-102", "A-2025-103", "A-2025-104", "A-2025-105"}, got); diff != "" {
		t.Errorf("appeal IDs (-want +got):\n%s", diff)
	}

	// Too little data for examples: an empty list.
	var empty bytes.Buffer
	none := func(func(*connectors.Complaint) error) error { return nil }
	if err := demo.WriteAppeals(&empty, none); err != nil {
		t.Fatal(err)
	}
	if empty.String() != "[]\n" {
		t.Errorf("WriteAppeals with no complaints wrote %q, want %q", empty.String(), "[]\n")
	}
}

func TestCountComplaints(t *testing.T) {
	counts, err := demo.CountComplaints(complaints(t, 2000))
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for k, n := range counts {
		if k[0] == "" || len(k[1]) != len("2025-10") {
			t.Errorf("count key %q, want a team and a month", k)
		}
		total += n
	}
	// Suggestions and inquiries are not counted.
	if total == 0 || total >= 2000 {
		t.Errorf("counted %d complaints of 2000 contacts, want some but not all", total)
	}
}

func TestConfig(t *testing.T) {
	got := string(demo.Config(config.DefaultYAML()))
	for _, want := range []string{"\nappeals: " + demo.AppealsFile + "\n", "\ninputs:\n  files: [" + demo.InputsFile + "]\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("demo.Config has no %q: the built-in config's inputs section moved?", want)
		}
	}
}

func TestAgentNames(t *testing.T) {
	names := demo.AgentNames()
	org := demo.Org()
	if len(names) != len(org.Agents) {
		t.Errorf("AgentNames has %d names, want one for each of the %d agents", len(names), len(org.Agents))
	}
	for _, ag := range org.Agents {
		if names[ag.ID] != ag.Name || ag.Name == "" {
			t.Errorf("AgentNames()[%q] = %q, want %q", ag.ID, names[ag.ID], ag.Name)
		}
	}
}
