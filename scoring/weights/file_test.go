package weights

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// writeTemp writes content to a file named name in a fresh directory.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadAHPFile(t *testing.T) {
	for _, file := range []string{"testdata/leader.yaml", "testdata/leader.json"} {
		t.Run(file, func(t *testing.T) {
			criteria, matrix, err := ReadAHPFile(file)
			if err != nil {
				t.Fatalf("ReadAHPFile(%s) error: %v", file, err)
			}
			if diff := cmp.Diff(wikipediaLeader.criteria, criteria); diff != "" {
				t.Errorf("criteria mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wikipediaLeader.matrix, matrix, cmpopts.EquateApprox(0, 1e-15)); diff != "" {
				t.Errorf("matrix mismatch (-want +got):\n%s", diff)
			}
			if _, err := AHP(criteria, matrix); err != nil {
				t.Errorf("AHP(%s) error: %v", file, err)
			}
		})
	}
}

func TestReadAHPFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string // base name, to choose YAML or JSON
		content string
		want    string // after the path
		matrix  bool   // wraps a *MatrixError
	}{
		{
			name: "not reciprocal",
			file: "ahp.yaml",
			content: `criteria: [a, b, c, d]
matrix:
  - [1, 1, 1, 1]
  - [1, 1, 1, 1]
  - [1, 1, 1, 3]
  - [1, 1, 0.5, 1]
`,
			want:   ":6: matrix: AHP matrix: a[2][3] = 3 but a[3][2] = 0.5, want 1/3",
			matrix: true,
		},
		{
			name: "diagonal, one cell per line",
			file: "ahp.yaml",
			content: `criteria: [a, b]
matrix:
  - - 1
    - 2
  - - 1/2
    - 2
`,
			want:   ":6: matrix: AHP matrix: a[1][1] = 2, want 1 on the diagonal",
			matrix: true,
		},
		{
			name:    "JSON out of scale",
			file:    "ahp.json",
			content: "{\n  \"criteria\": [\"a\", \"b\"],\n  \"matrix\": [\n    [1, 10],\n    [0.1, 1]\n  ]\n}\n",
			want:    ":4: matrix: AHP matrix: a[0][1] = 10 is outside Saaty's scale 1/9 to 9",
			matrix:  true,
		},
		{
			name:    "short row",
			file:    "ahp.yaml",
			content: "criteria: [a, b, c]\nmatrix:\n  - [1, 2, 3]\n  - [1/2, 1]\n  - [1/3, 1/2, 1]\n",
			want:    ":4: matrix: AHP matrix: row 1 has 2 values, want 3",
			matrix:  true,
		},
		{
			name:    "too few rows",
			file:    "ahp.yaml",
			content: "criteria: [a, b, c]\nmatrix:\n  - [1, 2, 3]\n",
			want:    ":3: matrix: AHP matrix: 1 rows for 3 criteria",
			matrix:  true,
		},
		{
			name:    "bad cell",
			file:    "ahp.yaml",
			content: "criteria: [a, b]\nmatrix:\n  - [1, 2]\n  - [one half, 1]\n",
			want:    `:4: matrix[1][0]: "one half" is not a number or a fraction like 1/3`,
		},
		{
			name:    "division by zero",
			file:    "ahp.yaml",
			content: "criteria: [a, b]\nmatrix:\n  - [1, 2]\n  - [1/0, 1]\n",
			want:    `:4: matrix[1][0]: "1/0" divides by zero`,
		},
		{
			name:    "unknown key",
			file:    "ahp.yaml",
			content: "criteria: [a, b]\nweights: [1, 2]\nmatrix: [[1, 2], [1/2, 1]]\n",
			want:    ":2: weights: unknown key (known: criteria, matrix)",
		},
		{
			name:    "missing matrix",
			file:    "ahp.yaml",
			content: "criteria: [a, b]\n",
			want:    ":1: matrix: missing",
		},
		{
			name:    "duplicate criterion",
			file:    "ahp.yaml",
			content: "criteria:\n  - a\n  - a\nmatrix: [[1, 1], [1, 1]]\n",
			want:    `:3: criteria[1]: "a" is listed twice`,
		},
		{
			name:    "syntax",
			file:    "ahp.yaml",
			content: "criteria: [a, b]\nmatrix:\n\t- [1, 2]\n",
			want:    ":3: found character that cannot start any token",
		},
		{
			name:    "empty",
			file:    "ahp.yaml",
			content: "",
			want:    ": empty file",
		},
		{
			name:    "not a mapping",
			file:    "ahp.yaml",
			content: "- a\n- b\n",
			want:    ":1: want a mapping with criteria and matrix",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, tc.file, tc.content)
			_, _, err := ReadAHPFile(path)
			if err == nil {
				t.Fatalf("ReadAHPFile error = nil, want %q", tc.want)
			}
			if got := strings.TrimPrefix(err.Error(), path); !strings.HasPrefix(got, tc.want) {
				t.Errorf("ReadAHPFile error = %q, want %q", got, tc.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != path {
				t.Errorf("error %T is not a *FileError for %s", err, path)
			}
			var me *MatrixError
			if got := errors.As(err, &me); got != tc.matrix {
				t.Errorf("errors.As(err, *MatrixError) = %v, want %v", got, tc.matrix)
			}
		})
	}
	if _, _, err := ReadAHPFile(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadAHPFile(missing) error = %v, want os.ErrNotExist", err)
	}
}

func TestReadEntropyCSV(t *testing.T) {
	criteria, units, values, err := ReadEntropyCSV("testdata/teams.csv")
	if err != nil {
		t.Fatalf("ReadEntropyCSV error: %v", err)
	}
	if diff := cmp.Diff([]string{"response_rate", "handling_hours", "csat"}, criteria); diff != "" {
		t.Errorf("criteria mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"north", "south", "east", "west"}, units); diff != "" {
		t.Errorf("units mismatch (-want +got):\n%s", diff)
	}
	want := [][]float64{{0.93, 5.1, 88}, {0.88, 7.4, 91}, {0.97, 4.2, 85}, {0.90, 6.0, 88}}
	if diff := cmp.Diff(want, values); diff != "" {
		t.Errorf("values mismatch (-want +got):\n%s", diff)
	}

	// A byte-order mark, spaces and CRLF line ends from a spreadsheet.
	path := writeTemp(t, "bom.csv", "\ufeffunit, a ,b\r\nn, 1 ,2\r\ns,3, 4\r\n")
	criteria, units, values, err = ReadEntropyCSV(path)
	if err != nil {
		t.Fatalf("ReadEntropyCSV(bom) error: %v", err)
	}
	if diff := cmp.Diff([]any{[]string{"a", "b"}, []string{"n", "s"}, [][]float64{{1, 2}, {3, 4}}}, []any{criteria, units, values}); diff != "" {
		t.Errorf("ReadEntropyCSV(bom) mismatch (-want +got):\n%s", diff)
	}
}

func TestReadEntropyCSVErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string // after the path
	}{
		{name: "not a number", content: "team,csat,frt\nnorth,88,5\nsouth,n/a,7\n", want: `:3: csat: "n/a" is not a number`},
		{name: "empty value", content: "team,csat,frt\nnorth,88,\n", want: ":2: frt: empty value"},
		{name: "field count", content: "team,csat,frt\nnorth,88,5\nsouth,91\n", want: ":3: 2 fields, the header has 3"},
		{name: "duplicate unit", content: "team,csat\nnorth,88\nsouth,91\nnorth,80\n", want: `:4: team: "north" is already on line 2`},
		{name: "empty unit", content: "team,csat\n,88\n", want: ":2: team: empty unit"},
		{name: "duplicate criterion", content: "team,csat,csat\nnorth,1,2\n", want: ":1: csat: criterion is listed twice in the header"},
		{name: "empty criterion", content: "team,,csat\nnorth,1,2\n", want: ":1: column 2: empty criterion name in the header"},
		{name: "only unit column", content: "team\nnorth\n", want: ":1: the header has 1 column(s)"},
		{name: "no rows", content: "team,csat\n", want: ": no data rows after the header"},
		{name: "empty", content: "", want: ": empty file"},
		{name: "quote", content: "team,csat\n\"north,88\n", want: ":2: extraneous or missing \" in quoted-field"},
		{name: "multi-line field", content: "team,csat,frt\n\"no\nrth\",88,x\n", want: `:3: frt: "x" is not a number`},
		{name: "infinite", content: "team,csat\nnorth,Inf\n", want: `:2: csat: "Inf" is not a number`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "data.csv", tc.content)
			_, _, _, err := ReadEntropyCSV(path)
			if err == nil {
				t.Fatalf("ReadEntropyCSV error = nil, want %q", tc.want)
			}
			if got := strings.TrimPrefix(err.Error(), path); !strings.HasPrefix(got, tc.want) {
				t.Errorf("ReadEntropyCSV error = %q, want %q", got, tc.want)
			}
		})
	}
}
