package demo

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"testing"
)

func TestWriteInputs(t *testing.T) {
	counts := Counts{{"care-east", "2025-10"}: 400, {"care-south", "2025-10"}: 300, {"tech-l1", "2025-11"}: 500}
	var a, b bytes.Buffer
	if err := WriteInputs(&a, 1, counts); err != nil {
		t.Fatal(err)
	}
	if err := WriteInputs(&b, 1, counts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("WriteInputs is not deterministic")
	}
	recs, err := csv.NewReader(&a).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	orders := map[string]float64{}
	for _, r := range recs[1:] {
		if r[0] == "orders" {
			v, _ := strconv.ParseFloat(r[3], 64)
			orders[r[1]+" "+r[2]] = v
		}
	}
	for _, k := range []string{"team:care-east 2025-10", "team:care-south 2025-10", "team:tech-l1 2025-11"} {
		n := map[string]float64{"team:care-east 2025-10": 400, "team:care-south 2025-10": 300, "team:tech-l1 2025-11": 500}[k]
		if rate := n / orders[k]; rate < 0.0015 || rate > 0.0065 {
			t.Errorf("%s: complaint rate %.4f outside 0.15–0.65 %%", k, rate)
		}
	}
	if got, want := orders["department:care 2025-10"], orders["team:care-east 2025-10"]+orders["team:care-south 2025-10"]; got != want {
		t.Errorf("department orders = %v, want the sum of its teams %v", got, want)
	}
	if orders["org 2025-11"] != orders["team:tech-l1 2025-11"] {
		t.Errorf("org orders of 2025-11 = %v, want %v", orders["org 2025-11"], orders["team:tech-l1 2025-11"])
	}
}
