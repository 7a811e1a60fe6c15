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

// BenchmarkAppend quotes the strings of a typical evidence line: ASCII
// identifiers, a URL and a Chinese title.
//
//	go test -run '^$' -bench . ./internal/jsonstr/
func BenchmarkAppend(b *testing.B) {
	strs := []string{"first_response_time", "demo:000123", "billing-refund", "https://helpdesk.example.com/browse/DEMO-123", "订单显示已签收但没收到货", "Refund amount short by 2540 CNY"}
	n := 0
	for _, s := range strs {
		n += len(s)
	}
	b.SetBytes(int64(n))
	buf := make([]byte, 0, 1024)
	for b.Loop() {
		buf = buf[:0]
		for _, s := range strs {
			buf = Append(buf, s, true)
		}
	}
}
