package sitegen

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
)

// The spill files hold the evidence pass's drill-down records, month by
// month, until the lists are written: the build writes them once and
// reads them back once, for every language. They are a binary form of
// their own, each record its length then its fields: decoding them as
// JSON took longer than everything else the lists cost.

// appendRec appends r as one record of a spill file.
func appendRec(b []byte, r *drillRec) []byte {
	start := len(b)
	b = append(b, 0, 0, 0, 0) // the length, filled in below
	for _, s := range [...]string{r.Team, r.ID, r.Key, r.Title, r.URL, r.Created, r.Resolved, r.Priority, r.Channel, r.Category, r.Agent} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, r.At)
	b = binary.AppendVarint(b, r.Done)
	b = binary.AppendUvarint(b, uint64(len(r.Out)))
	for id, o := range r.Out {
		b = appendString(b, id)
		b = appendString(b, o.Result)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(o.Seconds))
		b = o.Reason.AppendBinary(b)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Pages)))
	for _, p := range r.Pages {
		b = appendString(b, p)
	}
	binary.LittleEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errSpill = errors.New("corrupt spill record")

// spillReader reads back the records appendRec wrote, sharing the
// strings that repeat from record to record (metric IDs, results, units).
type spillReader struct {
	b      []byte
	common map[string]string
}

// next returns the next record, or nil at the end.
func (sr *spillReader) next() (*drillRec, error) {
	if len(sr.b) == 0 {
		return nil, nil
	}
	if len(sr.b) < 4 {
		return nil, errSpill
	}
	n := binary.LittleEndian.Uint32(sr.b)
	if uint64(n) > uint64(len(sr.b)-4) {
		return nil, errSpill
	}
	d := decoder{b: sr.b[4 : 4+n], common: sr.common}
	sr.b = sr.b[4+n:]
	r := &drillRec{}
	for _, s := range [...]*string{&r.Team, &r.ID, &r.Key, &r.Title, &r.URL, &r.Created, &r.Resolved, &r.Priority, &r.Channel, &r.Category, &r.Agent} {
		*s = d.str(false)
	}
	r.At, r.Done = d.varint(), d.varint()
	if k := d.uvarint(); k > 0 && d.ok() {
		r.Out = make(map[string]scoring.Outcome, min(k, 64))
		for range k {
			id, res := d.str(true), d.str(true)
			o := scoring.Outcome{Result: res, Seconds: d.float()}
			o.Reason = d.reason()
			if !d.ok() {
				break
			}
			r.Out[id] = o
		}
	} else {
		r.Out = map[string]scoring.Outcome{}
	}
	if k := d.uvarint(); k > 0 && d.ok() {
		r.Pages = make([]string, 0, min(k, 8))
		for range k {
			r.Pages = append(r.Pages, d.str(true))
		}
	}
	if !d.ok() || len(d.b) != 0 {
		return nil, errSpill
	}
	return r, nil
}

// decoder reads one record; after its first error it reads nothing and
// ok is false.
type decoder struct {
	b      []byte
	bad    bool
	common map[string]string
}

func (d *decoder) ok() bool { return !d.bad }

func (d *decoder) uvarint() uint64 {
	if d.bad {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.bad {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) float() float64 {
	if d.bad || len(d.b) < 8 {
		d.bad = true
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

// str reads a string; shared ones are kept once in d.common.
func (d *decoder) str(shared bool) string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.b)) {
		d.bad = true
		return ""
	}
	raw := d.b[:n]
	d.b = d.b[n:]
	if !shared {
		return string(raw)
	}
	if s, ok := d.common[string(raw)]; ok {
		return s
	}
	s := string(raw)
	d.common[s] = s
	return s
}

func (d *decoder) reason() reason.Reason {
	if d.bad {
		return reason.Reason{}
	}
	r, rest, err := reason.ReadBinary(d.b)
	if err != nil {
		d.bad = true
		return reason.Reason{}
	}
	d.b = rest
	return r
}
