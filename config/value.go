package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// UnmarshalYAML reads a number ("0.95", "95%"), a wall-clock duration
// ("60s", "24h", "1h30m", "2d" = 48 h) or working days ("3wd").
func (v *Value) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a number or a duration such as 24h or 3wd", n.Line)
	}
	parsed, err := ParseValue(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*v = parsed
	return nil
}

// ParseValue parses the text of a Value.
func ParseValue(s string) (Value, error) {
	t := strings.TrimSpace(s)
	v := Value{Set: true, Text: t}
	switch {
	case t == "":
		return Value{}, nil
	case strings.HasSuffix(t, "%"):
		f, err := parseFinite(strings.TrimSpace(strings.TrimSuffix(t, "%")))
		if err != nil {
			return Value{}, fmt.Errorf("%q is not a percentage", t)
		}
		v.Number = f / 100
	case strings.HasSuffix(t, "wd"):
		f, err := parseFinite(strings.TrimSpace(strings.TrimSuffix(t, "wd")))
		if err != nil || f < 0 {
			return Value{}, fmt.Errorf("%q is not a number of working days", t)
		}
		v.WorkingDays = f
	case strings.HasSuffix(t, "d") && !strings.ContainsAny(t, "hms"):
		f, err := parseFinite(strings.TrimSuffix(t, "d"))
		if err != nil || f < 0 || math.IsInf(f*86400, 0) {
			return Value{}, fmt.Errorf("%q is not a number of days", t)
		}
		v.Number = f * 86400
		v.Text = t
	default:
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return Value{}, fmt.Errorf("%q is not a finite number", t)
			}
			v.Number = f
			return v, nil
		}
		d, err := time.ParseDuration(t)
		if err != nil || d < 0 {
			return Value{}, fmt.Errorf("%q is neither a number nor a duration (60s, 24h, 2d, 3wd)", t)
		}
		v.Number = d.Seconds()
	}
	return v, nil
}

// IsDuration reports whether the text was written as a duration.
func (v Value) IsDuration() bool {
	if v.WorkingDays > 0 || strings.HasSuffix(v.Text, "wd") {
		return true
	}
	if _, err := strconv.ParseFloat(v.Text, 64); err == nil {
		return false
	}
	return v.Text != "" && !strings.HasSuffix(v.Text, "%")
}

// Seconds returns the value in seconds, turning working days into business
// seconds with dailyWork (the calendar's normal working day).
func (v Value) Seconds(dailyWork time.Duration) float64 {
	if v.WorkingDays > 0 {
		return v.WorkingDays * dailyWork.Seconds()
	}
	return v.Number
}

// MarshalYAML writes the value as it was written.
func (v Value) MarshalYAML() (any, error) { return v.Text, nil }
