package templates

import (
	"bytes"
	"io/fs"
	"testing"
)

// TestFS checks that the embedded files the site needs are there, and that
// echarts.min.js is the 5.4.3 release that go-echarts v2.6.7 targets.
func TestFS(t *testing.T) {
	for _, name := range []string{
		"layout.html", "index.html", "unit.html", "list.html", "complaints.html", "methodology.html", "quality.html",
		"style.css", "assets/kpidesk.js", "assets/echarts.min.js", "assets/echarts-LICENSE.txt", "assets/echarts-NOTICE.txt",
	} {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Errorf("ReadFile(%q): %v", name, err)
			continue
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	js, err := fs.ReadFile(FS, "assets/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(js, []byte(`version="5.4.3"`)) {
		t.Errorf("echarts.min.js is not ECharts 5.4.3")
	}
	lic, err := fs.ReadFile(FS, "assets/echarts-LICENSE.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(lic, []byte("Apache License")) || !bytes.Contains(lic, []byte("d3")) {
		t.Errorf("echarts-LICENSE.txt lacks the Apache licence or the d3 notice")
	}
}
