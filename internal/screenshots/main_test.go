package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run refuses, before starting a browser, a folder that is not a site of
// both languages with the demo's teams, and a missing Chromium.
func TestRunChecksFirst(t *testing.T) {
	site := t.TempDir()
	err := run("/nonexistent/chromium", site, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "is not a site of both languages") {
		t.Errorf("run on an empty folder: %v", err)
	}
	for _, s := range shots {
		name := filepath.Join(site, filepath.FromSlash(s[1]))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte("<!doctype html>"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "shots")
	err = run("/nonexistent/chromium", site, out)
	if err == nil || !strings.Contains(err.Error(), "no Chromium") {
		t.Errorf("run without Chromium: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("run without Chromium made %s", out)
	}
}
