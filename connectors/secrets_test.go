package connectors

import (
	"encoding/base64"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	const token, pair = "Pat+S3cr3t/Tok3n=Value9", "agent@example.com:Pat+S3cr3t/Tok3n=Value9"
	r := NewRedactor(token, pair, "")
	tests := []struct {
		name, in, want string
	}{
		{name: "as sent", in: "bad token " + token + ".", want: "bad token REDACTED."},
		{name: "lower-cased", in: strings.ToLower(token), want: "REDACTED"},
		{name: "upper-cased", in: strings.ToUpper(token), want: "REDACTED"},
		{name: "Kelvin sign folds to k", in: "Pat+S3cr3t/To\u212a3n=Value9", want: "REDACTED"},
		{name: "basic header", in: "Basic " + base64.StdEncoding.EncodeToString([]byte(pair)), want: "Basic REDACTED"},
		{name: "basic, unpadded", in: base64.RawStdEncoding.EncodeToString([]byte(pair)) + "!", want: "REDACTED!"},
		{name: "token in base64", in: base64.StdEncoding.EncodeToString([]byte(token)), want: "REDACTED"},
		{name: "token in URL-safe base64", in: base64.URLEncoding.EncodeToString([]byte(token)), want: "REDACTED"},
		{name: "query-escaped", in: "?t=" + url.QueryEscape(token), want: "?t=REDACTED"},
		{name: "query-escaped lower-cased", in: strings.ToLower(url.QueryEscape(token)), want: "REDACTED"},
		{name: "path-escaped", in: "/x/" + url.PathEscape(token) + "/y", want: "/x/REDACTED/y"},
		{name: "basic query-escaped", in: url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(pair))), want: "REDACTED"},
		{name: "twice", in: token + " " + token, want: "REDACTED REDACTED"},
		{name: "no secret", in: "Pat S3cr3t Tok3n", want: "Pat S3cr3t Tok3n"},
		{name: "no secret, non-ASCII", in: "Käse ſ \u212a", want: "Käse ſ \u212a"},
		{name: "the email alone is no secret", in: "agent@example.com", want: "agent@example.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	var none *Redactor
	if got := none.Redact(token); got != token {
		t.Errorf("nil Redactor: Redact(%q) = %q, want it unchanged", token, got)
	}
	if got := NewRedactor().Redact(token); got != token {
		t.Errorf("empty Redactor: Redact(%q) = %q, want it unchanged", token, got)
	}
}

// TestRedactComplaint fills every string a Complaint can hold (found by
// reflection, so that a field added later is covered or fails here) with
// a secret and checks that none is left.
func TestRedactComplaint(t *testing.T) {
	const secret = "s3cr3t-T0KEN"
	var c Complaint
	fill(reflect.ValueOf(&c).Elem(), "x "+strings.ToLower(secret)+" y")
	c.Fields = map[string]any{
		secret: "a " + secret, "list": []any{secret, 1.0, map[string]any{"k": secret}},
		"strings": []string{secret}, "pairs": map[string]string{secret: secret}, "n": 2.0,
	}
	NewRedactor(secret).Complaint(&c)
	if paths := find(reflect.ValueOf(c), "c", strings.ToLower(secret)); len(paths) > 0 {
		t.Errorf("secret left in %v", paths)
	}
	if c.Title != "x REDACTED y" || c.Fields["n"] != 2.0 {
		t.Errorf("Title = %q, Fields[n] = %v; want the text around the secret and the number kept", c.Title, c.Fields["n"])
	}
}

// fill sets every string reachable from v (struct fields, one element in
// each slice, a pointer's target) to s.
func fill(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), s)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), s)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), s)
	}
}

// find returns the paths of the strings under v that contain s.
func find(v reflect.Value, path, s string) []string {
	var out []string
	switch v.Kind() {
	case reflect.String:
		if strings.Contains(strings.ToLower(v.String()), s) {
			out = append(out, path)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			out = append(out, find(v.Field(i), path+"."+v.Type().Field(i).Name, s)...)
		}
	case reflect.Slice:
		for i := range v.Len() {
			out = append(out, find(v.Index(i), path+"[]", s)...)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			out = append(out, find(v.Elem(), path, s)...)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			out = append(out, find(k, path+"{key}", s)...)
			out = append(out, find(v.MapIndex(k), path+"{"+k.String()+"}", s)...)
		}
	}
	return out
}

func BenchmarkRedactNoSecret(b *testing.B) {
	r := NewRedactor("Pat+S3cr3t/Tok3n=Value9", "agent@example.com:Pat+S3cr3t/Tok3n=Value9")
	s := "Refund for order A-12345 not received after three weeks, customer asks again"
	b.ReportAllocs()
	for b.Loop() {
		r.Redact(s)
	}
}

// A batch's problems come from the server too: Batch redacts them into a
// new slice, leaving the source's own and the configured Source as they are.
func TestRedactBatchProblems(t *testing.T) {
	r := NewRedactor("tok-123")
	orig := []Problem{{Source: "jira", Record: "SD-1", Where: "SD-1", Field: "priority", Reason: `unmapped value "P0 tok-123"`}}
	b := Batch{Problems: orig}
	r.Batch(&b)
	if got, want := b.Problems[0].Reason, `unmapped value "P0 `+Redacted+`"`; got != want {
		t.Errorf("redacted reason = %q, want %q", got, want)
	}
	if b.Problems[0].Source != "jira" || b.Problems[0].Where != "SD-1" {
		t.Errorf("redacted problem = %+v, want Source and Where kept", b.Problems[0])
	}
	if orig[0].Reason != `unmapped value "P0 tok-123"` {
		t.Errorf("Batch changed the source's slice: %+v", orig[0])
	}
}
