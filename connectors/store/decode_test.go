package store

import (
	"fmt"
	"testing"
	"unsafe"
)

// The interner returns a string equal to its input, the same one each
// time, whether or not its cache holds it.
func TestInterner(t *testing.T) {
	in := newInterner()
	first := map[string]string{}
	for round := range 3 {
		for i := range 5000 {
			b := []byte(fmt.Sprintf("agent-%d", i*7919%5000))
			got := in.get(b)
			if got != string(b) {
				t.Fatalf("get(%q) = %q", b, got)
			}
			if f, ok := first[got]; !ok {
				first[got] = got
			} else if unsafe.StringData(f) != unsafe.StringData(got) {
				t.Fatalf("round %d: get(%q) returned a new copy, want the interned one", round, b)
			}
		}
	}
	if v := in.value([]byte("x")); v != "x" || in.value([]byte("x")) != v {
		t.Errorf("value(x) = %v, want the string x", v)
	}
	var nilIn *interner
	if got := nilIn.get([]byte("y")); got != "y" {
		t.Errorf("nil interner get(y) = %q", got)
	}
}
