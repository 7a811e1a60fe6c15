package sitegen

import "testing"

func TestReasonLocalized(t *testing.T) {
	zh, en := &site{lang: "zh"}, &site{lang: "en"}
	for reason, key := range reasonKeys {
		if got := zh.reason(reason); got == reason || got == key {
			t.Errorf("zh reason(%q) = %q, want a Chinese label", reason, got)
		}
		if got := en.reason(reason); got != reason {
			t.Errorf("en reason(%q) = %q, want it unchanged", reason, got)
		}
	}
	if got := zh.reason(`no deadline rule matches priority "x"`); got != `no deadline rule matches priority "x"` {
		t.Errorf("an unknown reason changed: %q", got)
	}
}

func TestCohortMonths(t *testing.T) {
	tests := map[string][]string{
		"":                 nil,
		"2025-10":          {"2025-10"},
		"2025-11..2026-02": {"2025-11", "2025-12", "2026-01", "2026-02"},
		"2025-10..2025-10": {"2025-10"},
		"bad..range":       nil,
	}
	for in, want := range tests {
		got := cohortMonths(in)
		if len(got) != len(want) {
			t.Errorf("cohortMonths(%q) = %v, want %v", in, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("cohortMonths(%q) = %v, want %v", in, got, want)
			}
		}
	}
}
