package store

import (
	"context"
	"testing"
)

// text tells NULL from the empty string, and reads text in place.
func TestScannerText(t *testing.T) {
	s := open(t)
	sc, err := s.scanner()
	if err != nil {
		t.Fatal(err)
	}
	defer s.release(sc)
	st, err := sc.prepare("SELECT '', NULL, 'a' || ?, ?")
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if err := st.bind("é\x00z", int64(1)<<40); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.step(); !ok || err != nil {
		t.Fatalf("step() = %v, %v; want a row", ok, err)
	}
	for i, want := range []struct {
		text string
		ok   bool
	}{{"", true}, {"", false}, {"aé\x00z", true}} {
		if b, ok := st.text(i); string(b) != want.text || ok != want.ok {
			t.Errorf("text(%d) = %q, %v; want %q, %v", i, b, ok, want.text, want.ok)
		}
	}
	if got := st.int64(3); got != 1<<40 || st.columnType(3) != typeInteger {
		t.Errorf("column 3 = %d of type %d, want %d of type %d", got, st.columnType(3), int64(1)<<40, typeInteger)
	}
	if ok, err := st.step(); ok || err != nil {
		t.Errorf("second step() = %v, %v; want no row, nil", ok, err)
	}
}

// A scanner only reads.
func TestScannerQueryOnly(t *testing.T) {
	s := open(t)
	sc, err := s.scanner()
	if err != nil {
		t.Fatal(err)
	}
	defer s.release(sc)
	if err := sc.exec("DELETE FROM problems"); err == nil {
		t.Error("DELETE through a scanner = nil, want an error")
	}
	if _, err := sc.prepare("SELECT nonsense FROM nowhere"); err == nil {
		t.Error("prepare of a bad query = nil, want an error")
	}
	if n, err := s.Count(context.Background()); err != nil || n != 0 {
		t.Errorf("Count() = %d, %v; want 0, nil", n, err)
	}
}
