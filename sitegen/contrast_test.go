package sitegen

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/templates"
)

// cssRules parses a stylesheet into selector → declarations (property →
// value), enough for style.css: comments dropped, at-rules' blocks read as
// rules of their own (a selector declared twice keeps both, the later
// winning, as in the cascade), custom properties under ":root".
func cssRules(css string) map[string]map[string]string {
	css = regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(css, "")
	out := map[string]map[string]string{}
	var stack []string
	start := 0
	for i, r := range css {
		switch r {
		case '{':
			stack = append(stack, strings.TrimSpace(css[start:i]))
			start = i + 1
		case '}':
			if len(stack) == 0 {
				start = i + 1
				continue
			}
			sel := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			body := css[start:i]
			start = i + 1
			if strings.HasPrefix(sel, "@") || len(stack) > 0 {
				continue // an at-rule, or a rule inside one (@media print)
			}
			for _, one := range strings.Split(sel, ",") {
				one = strings.Join(strings.Fields(one), " ")
				if out[one] == nil {
					out[one] = map[string]string{}
				}
				for _, d := range strings.Split(body, ";") {
					k, v, ok := strings.Cut(d, ":")
					if ok {
						out[one][strings.TrimSpace(k)] = strings.TrimSpace(v)
					}
				}
			}
		}
	}
	return out
}

// cssColor resolves a colour written in style.css (#rgb, #rrggbb or
// var(--name)) to red, green and blue in 0–1.
func cssColor(vars map[string]string, v string) ([3]float64, error) {
	v = strings.TrimSpace(v)
	for strings.HasPrefix(v, "var(") {
		name := strings.TrimSuffix(strings.TrimPrefix(v, "var("), ")")
		name, _, _ = strings.Cut(name, ",") // a fallback is not used
		val, ok := vars[strings.TrimSpace(name)]
		if !ok {
			return [3]float64{}, fmt.Errorf("undefined %s", name)
		}
		v = val
	}
	v = strings.TrimPrefix(v, "#")
	if len(v) == 3 {
		v = string([]byte{v[0], v[0], v[1], v[1], v[2], v[2]})
	}
	if len(v) != 6 {
		return [3]float64{}, fmt.Errorf("not a hex colour: %q", v)
	}
	var rgb [3]float64
	for i := range 3 {
		n, err := strconv.ParseUint(v[2*i:2*i+2], 16, 8)
		if err != nil {
			return rgb, err
		}
		rgb[i] = float64(n) / 255
	}
	return rgb, nil
}

// contrast is the WCAG 2 contrast ratio of two colours: (L1 + 0.05) /
// (L2 + 0.05) of their relative luminances, the lighter first.
func contrast(a, b [3]float64) float64 {
	lum := func(c [3]float64) float64 {
		lin := func(x float64) float64 {
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(c[0]) + 0.7152*lin(c[1]) + 0.0722*lin(c[2])
	}
	l1, l2 := lum(a), lum(b)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

func TestContrast(t *testing.T) {
	if got := contrast([3]float64{0, 0, 0}, [3]float64{1, 1, 1}); math.Abs(got-21) > 1e-9 {
		t.Fatalf("contrast(black, white) = %v, want 21", got)
	}
	// #767676 on white is the classic AA limit, 4.54:1.
	if got := contrast([3]float64{0x76 / 255.0, 0x76 / 255.0, 0x76 / 255.0}, [3]float64{1, 1, 1}); math.Abs(got-4.54) > 0.01 {
		t.Fatalf("contrast(#767676, white) = %.3f, want 4.54", got)
	}
	b, err := templates.FS.ReadFile("style.css")
	if err != nil {
		t.Fatal(err)
	}
	rules := cssRules(string(b))
	vars := rules[":root"]
	if len(vars) == 0 {
		t.Fatal("no custom properties in :root")
	}
	// Text and the backgrounds it is read on. fg and bg name a rule of
	// style.css (its color and background), or a custom property or a
	// colour when they start with -- or #. Large text (at least 18.66 px
	// bold, WCAG's "large scale") needs 3:1, all other text 4.5:1.
	const panels = "--card --bg --zebra --head --na-soft"
	for _, tc := range []struct {
		fg, bg string
		large  bool
	}{
		{fg: "--text", bg: panels},
		{fg: "--muted", bg: panels + " --accent-soft #eef3fc"}, // #eef3fc: a hovered row
		{fg: ".muted", bg: panels},
		{fg: "--accent", bg: "--card --bg --zebra --accent-soft #eef3fc"},
		{fg: ".nav a.active"},
		{fg: "table.data thead th", bg: "--head"},
		{fg: ".chart-target", bg: "--card"},
		{fg: "#5c6b7a", bg: "--card"}, // chart axis labels and target labels (charts.go)
		{fg: ".badge.na"},
		{fg: ".grade"},
		{fg: ".grade.g-top"},
		{fg: ".grade.g-mid"},
		{fg: ".grade.g-low"},
		{fg: ".badge.prov"},
		{fg: ".badge.secondary"},
		{fg: ".status.good", bg: "--card --zebra"},
		{fg: ".status.warn", bg: "--card --zebra"},
		{fg: ".status.bad", bg: "--card --zebra"},
		{fg: ".mark.borderline", bg: "--card --zebra"},
		{fg: ".star h2", bg: "--card"},
		{fg: ".eyebrow", bg: "--bg"},
		{fg: ".chips a.active"},
		{fg: "#dce7fb", bg: "--accent"}, // .chips a.active .count
		{fg: "table.drill i"},
		{fg: "table.drill i.hit"},
		{fg: "table.drill i.miss"},
		{fg: "table.drill i.pending"},
		{fg: "table.drill .status-open", bg: "--card --zebra"},
		{fg: "--text", bg: "--warn-soft"}, // .star-reason, .note
		{fg: ".tile.good .tile-value a", bg: "--card", large: true},
		{fg: ".tile.warn .tile-value a", bg: "--card", large: true},
		{fg: ".tile.bad .tile-value a", bg: "--card", large: true},
	} {
		t.Run(tc.fg, func(t *testing.T) {
			fgText, bgList := tc.fg, tc.bg
			if r, ok := rules[tc.fg]; ok {
				fgText = r["color"]
				if bgList == "" {
					bgList = cmp.Or(r["background"], r["background-color"])
				}
			} else if !strings.HasPrefix(tc.fg, "--") && !strings.HasPrefix(tc.fg, "#") {
				t.Fatalf("style.css has no rule %q", tc.fg)
			}
			if strings.HasPrefix(fgText, "--") {
				fgText = "var(" + fgText + ")"
			}
			fg, err := cssColor(vars, fgText)
			if err != nil {
				t.Fatalf("colour of %s: %v", tc.fg, err)
			}
			least := 4.5
			if tc.large {
				least = 3
			}
			for _, bgText := range strings.Fields(bgList) {
				if strings.HasPrefix(bgText, "--") {
					bgText = "var(" + bgText + ")"
				}
				bg, err := cssColor(vars, bgText)
				if err != nil {
					t.Fatalf("background %s of %s: %v", bgText, tc.fg, err)
				}
				if c := contrast(fg, bg); c < least {
					t.Errorf("%s (%s) on %s: contrast %.2f, want at least %.1f", tc.fg, fgText, bgText, c, least)
				}
			}
		})
	}
}
