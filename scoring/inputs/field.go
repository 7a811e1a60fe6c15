package inputs

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unit kinds. They repeat scoring's Unit* constants, which this package
// cannot import: scoring reads inputs.
const (
	kindOrg        = "org"
	kindDepartment = "department"
	kindTeam       = "team"
	kindAgent      = "agent"

	// OrgUnit is the key of the organization's unit; "org" is read as it.
	OrgUnit = "org:org"
)

const (
	wantUnit   = "want org, department:ID, team:ID or agent:ID"
	wantPeriod = "want 2025-10, 2025-Q4, 2025-H2 or 2025"
)

var (
	identRE  = regexp.MustCompile(`^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$`)
	periodRE = regexp.MustCompile(`^(\d{4})(?:-(?:(\d{2})|Q(\d)|H(\d)))?$`)
	numberRE = regexp.MustCompile(`^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$`)
	// groupedRE is a number with thousands separators: 12,000 or
	// 1,234,567.5; a comma anywhere else is a mistake, often a decimal
	// comma.
	groupedRE = regexp.MustCompile(`^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?$`)
)

// NormalizeUnit returns the unit key of s: "org" becomes "org:org"; other
// keys are returned as they are.
func NormalizeUnit(s string) string {
	if s == kindOrg {
		return OrgUnit
	}
	return s
}

// checkIdent checks a metric or rater name; what names it in the reason.
func checkIdent(s, example string) string {
	if s == "" {
		return "missing (want a snake_case name such as " + example + ")"
	}
	if identRE.MatchString(s) {
		return ""
	}
	reason := quote(s) + " is not a snake_case name"
	fixed := strings.ToLower(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.TrimSpace(s)))
	if identRE.MatchString(fixed) {
		return reason + " (did you mean " + fixed + "?)"
	}
	return reason + " such as " + example
}

// checkUnit returns the normalized unit key of s, or why s is not one.
func checkUnit(s string) (string, string) {
	if s == "" {
		return "", "missing (" + wantUnit + ")"
	}
	if s == kindOrg || s == OrgUnit {
		return OrgUnit, ""
	}
	kind, id, ok := strings.Cut(s, ":")
	if !ok {
		return "", quote(s) + " is not a unit (" + wantUnit + ")"
	}
	switch kind {
	case kindDepartment, kindTeam, kindAgent:
	case kindOrg:
		return "", quote(s) + " is not a unit: the organization is org (or org:org)"
	default:
		return "", quote(s) + " has unknown kind " + quote(kind) + " (" + wantUnit + ")"
	}
	switch {
	case id == "":
		return "", quote(s) + " has an empty ID"
	case !utf8.ValidString(id):
		return "", quote(s) + " is not valid UTF-8: save the file as UTF-8"
	case strings.TrimSpace(id) != id:
		return "", quote(s) + " has spaces around its ID"
	case strings.ContainsFunc(id, unicode.IsControl):
		return "", quote(s) + " has a control character in its ID"
	}
	return s, ""
}

// checkPeriod says why s is not a period ID ("" when it is one).
func checkPeriod(s string) string {
	if s == "" {
		return "missing (" + wantPeriod + ")"
	}
	m := periodRE.FindStringSubmatch(s)
	if m == nil {
		return quote(s) + " is not a period ID (" + wantPeriod + ")"
	}
	switch {
	case m[2] != "":
		if n, _ := strconv.Atoi(m[2]); n < 1 || n > 12 {
			return fmt.Sprintf("%q: month %s is not 01–12", s, m[2])
		}
	case m[3] != "":
		if m[3] < "1" || m[3] > "4" {
			return fmt.Sprintf("%q: quarter Q%s is not Q1–Q4", s, m[3])
		}
	case m[4] != "":
		if m[4] != "1" && m[4] != "2" {
			return fmt.Sprintf("%q: half H%s is not H1–H2", s, m[4])
		}
	}
	return ""
}

// parseValue reads a value as written in a file: "87.5", "87.5%" (a
// percentage, read as the fraction 0.875: kpidesk's rates are fractions,
// SPEC §12, and config reads "80%" the same way) or "12,000" (thousands
// separators). pct reports a percentage.
func parseValue(s string) (v float64, pct bool, reason string) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, false, "missing (want a number such as 87.5, 87.5% or 12,000)"
	}
	num := t
	if strings.HasSuffix(num, "%") {
		pct = true
		num = strings.TrimSpace(strings.TrimSuffix(num, "%"))
	}
	if strings.Contains(num, ",") {
		if !groupedRE.MatchString(num) {
			return 0, false, quote(t) + " is not a number: use a point for decimals and commas only between thousands (12,000.5)"
		}
		num = strings.ReplaceAll(num, ",", "")
	}
	if !numberRE.MatchString(num) {
		return 0, false, quote(t) + " is not a number"
	}
	if pct {
		// Move the decimal point in the text rather than divide by 100,
		// so that "87.3%" is the float nearest 0.873.
		mant, exp, _ := strings.Cut(strings.ToLower(num), "e")
		e := 0
		if exp != "" {
			var err error
			if e, err = strconv.Atoi(exp); err != nil {
				return 0, false, quote(t) + " is not a finite number"
			}
		}
		num = mant + "e" + strconv.Itoa(e-2)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, quote(t) + " is not a finite number"
	}
	return v, pct, ""
}

// quote quotes s for a reason, cut short so that a stray megabyte cell
// does not make a megabyte error.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "…"
	}
	return strconv.Quote(s)
}
