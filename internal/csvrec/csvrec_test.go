package csvrec

import (
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

func TestBlank(t *testing.T) {
	if !Blank([]string{"", "  "}) || Blank([]string{"", "x"}) {
		t.Error("Blank misjudges a record")
	}
}

func TestReason(t *testing.T) {
	_, err := csv.NewReader(strings.NewReader("a,\"b\nc")).ReadAll()
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("no ParseError: %v", err)
	}
	if got := Reason(pe); !strings.Contains(got, "line 2") || strings.Contains(got, "record on line") {
		t.Errorf("Reason = %q, want the error and its end line only", got)
	}
	_, err = csv.NewReader(strings.NewReader("a,b\"c\n")).ReadAll()
	if !errors.As(err, &pe) {
		t.Fatalf("no ParseError: %v", err)
	}
	if got := Reason(pe); !strings.Contains(got, "(column ") {
		t.Errorf("Reason = %q, want its column", got)
	}
}
