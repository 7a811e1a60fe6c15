package control

import "testing"

func TestIndexAndStrip(t *testing.T) {
	tests := []struct {
		in    string
		index int
		r     rune
		text  string
	}{
		{"plain ünïcode", -1, 0, "plain ünïcode"},
		{"a\x00b", 1, 0, "ab"},
		{"tab\there", 3, '\t', "tab\there"},
		{"line\r\nfeed\x1b[0m", 4, '\r', "line\r\nfeed[0m"},
		{"del\x7f", 3, 0x7f, "del"},
		{"c1\u0085\u009f", 2, 0x85, "c1"},
		{"nbsp\u00a0ok", -1, 0, "nbsp\u00a0ok"},
	}
	for _, tc := range tests {
		if i, r := Index(tc.in); i != tc.index || r != tc.r {
			t.Errorf("Index(%q) = %d, %U, want %d, %U", tc.in, i, r, tc.index, tc.r)
		}
		if got := StripText(tc.in); got != tc.text {
			t.Errorf("StripText(%q) = %q, want %q", tc.in, got, tc.text)
		}
	}
	if got, want := Check("ab\x00"), "control character U+0000 at byte 3: not allowed in an identifier"; got != want {
		t.Errorf("Check = %q, want %q", got, want)
	}
}
