// Package jsonstr quotes strings as JSON byte for byte like encoding/json,
// without reflection, for the hand-written encoders of the store and the
// evidence file, which encode millions of values.
package jsonstr

import "unicode/utf8"

const hex = "0123456789abcdef"

// safeSet and htmlSafeSet mark the ASCII bytes that stand for themselves
// inside a JSON string, without and with HTML escaping: one lookup per byte
// on the common path.
var safeSet, htmlSafeSet = func() (plain, html [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		plain[c] = c >= 0x20 && c != '"' && c != '\\'
		html[c] = plain[c] && c != '<' && c != '>' && c != '&'
	}
	return plain, html
}()

// Append appends s as a JSON string the way encoding/json does: control
// characters escaped (\b, \f, \n, \r, \t short), invalid UTF-8 replaced by
// U+FFFD, U+2028 and U+2029 escaped for JavaScript's sake, and with html
// also <, > and & (encoding/json's default HTML escaping).
func Append(buf []byte, s string, html bool) []byte {
	safe := &safeSet
	if html {
		safe = &htmlSafeSet
	}
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
