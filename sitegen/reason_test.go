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
