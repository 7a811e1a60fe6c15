package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"
)

func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<>&", "\u2028\u2029", "\x00\x1f\x7f", "\xff", "中文", "\b\f\n\r\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		html, _ := json.Marshal(s)
		var plain bytes.Buffer
		enc := json.NewEncoder(&plain)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		if got := Append(nil, s, true); string(got) != string(html) {
			t.Errorf("Append(%q, html) = %s, want %s", s, got, html)
		}
		if got := Append(nil, s, false); string(got) != string(bytes.TrimSuffix(plain.Bytes(), []byte("\n"))) {
			t.Errorf("Append(%q) = %s, want %s", s, got, plain.Bytes())
		}
	})
}
