package reason

import (
	"math"
	"reflect"
	"testing"
	"time"
)

func TestBinaryRoundTrip(t *testing.T) {
	rs := []Reason{
		{},
		New(NotResolved),
		New(Code(1), Text("标题 <b>"), Event("status:Waiting"), Quoted(""), Term("business"), Int(-3),
			Number(4.5), Number(math.Inf(1)), Duration(3*time.Hour+20*time.Minute, true), Duration(-time.Second, false),
			Deadline("3wd", true), Instant(time.Date(2025, 10, 3, 4, 5, 6, 0, time.UTC)), Points(87.25), Month(2025*12+9),
			List("a", "b,c")),
	}
	var b []byte
	for _, r := range rs {
		b = r.AppendBinary(b)
	}
	b = append(b, 0xff) // what follows is left alone
	for i, want := range rs {
		got, rest, err := ReadBinary(b)
		if err != nil {
			t.Fatalf("reason %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, want) && !(len(want.Args) == 0 && len(got.Args) == 0 && got.Code == want.Code) {
			t.Errorf("reason %d: read back %+v, want %+v", i, got, want)
		}
		b = rest
	}
	if len(b) != 1 || b[0] != 0xff {
		t.Errorf("left %v, want the trailing byte", b)
	}
	full := rs[2].AppendBinary(nil)
	for n := range len(full) {
		if _, _, err := ReadBinary(full[:n]); err == nil {
			t.Errorf("ReadBinary of the first %d of %d bytes: no error", n, len(full))
		}
	}
}
