package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"github.com/kpidesk/kpidesk/scoring"
)

// partWriter writes one file of a partition.
type partWriter interface {
	write(row []cell) error
	close() error
}

// rowGroupRows is the most rows in one Parquet row group. A row group is
// held in memory until it is written, once per open partition, so this
// bounds the export's memory; 16k rows keep the row groups large enough
// for the readers' column statistics to prune them.
const rowGroupRows = 16 * 1024

// parquetSchema is cols as a Parquet schema, the columns in cols' order
// (a parquet.Group would sort them by name): a struct type built for it,
// whose tags say each column's type, nullability and encoding.
func parquetSchema(name string, cols []column) *parquet.Schema {
	fields := make([]reflect.StructField, len(cols))
	for i, c := range cols {
		tag := c.name
		var typ reflect.Type
		switch c.kind {
		case kText:
			typ = reflect.TypeFor[string]()
			if c.dict {
				tag += ",dict"
			}
		case kFloat:
			typ = reflect.TypeFor[float64]()
		case kInt:
			typ = reflect.TypeFor[int64]()
		case kBool:
			typ = reflect.TypeFor[bool]()
		case kTime:
			typ = reflect.TypeFor[int64]()
			tag += ",timestamp(millisecond:utc)"
		}
		if !c.required {
			tag += ",optional"
		}
		fields[i] = reflect.StructField{Name: "F" + strconv.Itoa(i), Type: typ, Tag: reflect.StructTag(`parquet:"` + tag + `"`)}
	}
	s := parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Elem().Interface())
	return parquet.NewSchema(name, s)
}

// parquetPart writes one Parquet file: rows are buffered in batches and
// the writer ends a row group every rowGroupRows rows.
type parquetPart struct {
	f    *os.File
	w    *parquet.GenericWriter[any]
	cols []column
	rows []parquet.Row
	n    int // rows in use in rows
}

const parquetBatch = 256

func newParquetPart(path string, schema *parquet.Schema, cols []column, meta map[string]string) (partWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	opts := []parquet.WriterOption{schema, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.PageBufferSize(64 * 1024), parquet.CreatedBy("kpidesk", "", "")}
	for k, v := range meta {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	p := &parquetPart{f: f, w: parquet.NewGenericWriter[any](f, opts...), cols: cols, rows: make([]parquet.Row, parquetBatch)}
	return p, nil
}

// bytesOf is s's bytes without a copy: the writer copies what it keeps
// and never changes them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func (p *parquetPart) write(row []cell) error {
	r := p.rows[p.n][:0]
	for i, c := range row {
		col := &p.cols[i]
		def := 0
		if !col.required {
			def = 1
		}
		if !c.ok {
			if col.required {
				return fmt.Errorf("export: column %s: no value", col.name)
			}
			r = append(r, parquet.NullValue().Level(0, 0, i))
			continue
		}
		var v parquet.Value
		switch col.kind {
		case kText:
			v = parquet.ByteArrayValue(bytesOf(c.s))
		case kFloat:
			v = parquet.DoubleValue(c.f)
		case kInt:
			v = parquet.Int64Value(c.i)
		case kBool:
			v = parquet.BooleanValue(c.b)
		case kTime:
			v = parquet.Int64Value(c.t.UnixMilli())
		}
		r = append(r, v.Level(0, def, i))
	}
	p.rows[p.n] = r
	if p.n++; p.n == len(p.rows) {
		return p.flush()
	}
	return nil
}

func (p *parquetPart) flush() error {
	if p.n == 0 {
		return nil
	}
	_, err := p.w.WriteRows(p.rows[:p.n])
	p.n = 0
	return err
}

func (p *parquetPart) close() error {
	err := p.flush()
	if err == nil {
		err = p.w.Close()
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// csvPart writes one CSV file: a header row, then the rows. Every text
// cell, the header's included, goes through scoring.SafeCell, the guard
// scores.csv uses against formula injection (SPEC §11); numbers, times and
// booleans are formatted here and are safe.
type csvPart struct {
	f     *os.File
	bw    *bufio.Writer
	cw    *csv.Writer
	rec   []string
	kinds []kind
}

func newCSVPart(path string, cols []column) (partWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 64*1024)
	p := &csvPart{f: f, bw: bw, cw: csv.NewWriter(bw), rec: make([]string, len(cols)), kinds: make([]kind, len(cols))}
	for i, c := range cols {
		p.rec[i], p.kinds[i] = scoring.SafeCell(c.name), c.kind
	}
	if err := p.cw.Write(p.rec); err != nil {
		f.Close()
		return nil, err
	}
	return p, nil
}

func (p *csvPart) write(row []cell) error {
	for i, c := range row {
		if !c.ok {
			p.rec[i] = ""
			continue
		}
		switch p.kinds[i] {
		case kText:
			p.rec[i] = scoring.SafeCell(c.s)
		case kFloat:
			p.rec[i] = strconv.FormatFloat(c.f, 'f', -1, 64)
		case kInt:
			p.rec[i] = strconv.FormatInt(c.i, 10)
		case kBool:
			p.rec[i] = strconv.FormatBool(c.b)
		case kTime:
			p.rec[i] = c.t.UTC().Format(csvTime)
		}
	}
	return p.cw.Write(p.rec)
}

// csvTime is how CSV writes an instant: RFC 3339 in UTC with milliseconds,
// which Power BI, Tableau and DuckDB read as a timestamp.
const csvTime = "2006-01-02T15:04:05.000Z"

func (p *csvPart) close() error {
	p.cw.Flush()
	err := p.cw.Error()
	if err == nil {
		err = p.bw.Flush()
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	return err
}
