// Package control finds and removes control characters (Unicode category
// Cc: C0 U+0000–U+001F, DEL U+007F and C1 U+0080–U+009F) in untrusted text.
//
// kpidesk's rule, applied by every reader of untrusted input:
//
//   - Identifiers (complaint, agent, team, customer and config ids, and the
//     like) may not contain any control character: Index finds the first,
//     and the reader reports it as a positioned problem.
//   - Free text (titles, comments, custom field values) keeps tab, line feed
//     and carriage return; StripText removes every other control character.
package control

import (
	"fmt"
	"strings"
)

// Is reports whether r is a control character (category Cc).
func Is(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

// isText reports whether a control character may stay in free text.
func isText(r rune) bool { return r == '\t' || r == '\n' || r == '\r' }

// Index returns the byte index of the first control character in s and
// that character, or -1.
func Index[T ~string | ~[]byte](s T) (int, rune) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return i, rune(c)
		}
		if c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f {
			return i, rune(s[i+1]) // C1: U+0080–U+009F is C2 80–C2 9F in UTF-8
		}
	}
	return -1, 0
}

// Reason words a control character found at byte index i of an identifier,
// for a problem: "control character U+0000 at byte 4: not allowed in an
// identifier" (bytes counted from 1).
func Reason(i int, r rune) string {
	return fmt.Sprintf("control character %U at byte %d: not allowed in an identifier", r, i+1)
}

// Check returns Reason for the first control character of s, or "".
func Check[T ~string | ~[]byte](s T) string {
	if i, r := Index(s); i >= 0 {
		return Reason(i, r)
	}
	return ""
}

// StripText removes the control characters of s other than tab, line feed
// and carriage return. It returns s itself when there are none.
func StripText(s string) string {
	i, r := Index(s)
	for i >= 0 && isText(r) {
		j, r2 := Index(s[i+1:])
		if j < 0 {
			return s
		}
		i, r = i+1+j, r2
	}
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if !Is(r) || isText(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
