// Package outdir writes the folders kpidesk owns — the site, the scores,
// the demo and the export — as whole generations: each is written into a
// stage beside it and switched into place in one step, and a folder is replaced only when
// it is new, empty, or was written by kpidesk.
//
// kpidesk runs unattended in CI, in folders that also hold the team's
// store, config and documents. The rules here are what keeps it from
// deleting what it did not write:
//
//   - A folder kpidesk writes carries a marker file in its root (Kind's
//     marker); [Check] accepts a folder only when it is absent, empty, or
//     carries the marker of a kind that may be replaced by this one.
//   - A folder that holds a protected path (the store, the config, an input
//     or appeals file) or the working directory is never replaced.
//   - A [Stage] is written beside its target as .NAME.build-*, carries the
//     marker from its first instant and holds an advisory lock on it while
//     its process lives; [Stage.Commit] exchanges it with the target
//     (renameat2 RENAME_EXCHANGE on Linux, two renames elsewhere) and removes
//     the previous generation. A stage left by a killed process is removed
//     by the next stage of the same target; nothing else is.
package outdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Kind is a kind of folder kpidesk writes.
type Kind struct {
	// Name is how messages call it: "site", "scores", "demo", "export".
	Name string
	// Marker is the file in the folder's root that says kpidesk wrote it.
	Marker string
	// replaces lists the markers of the kinds a folder of this kind may
	// replace (its own included).
	replaces []string
	// legacy lists the names a folder written by kpidesk before markers
	// existed holds; a folder holding only these (and kpidesk's temporary
	// files of them) is taken as kpidesk's.
	legacy []string
	// keeps is set for a folder kpidesk adds files to and never replaces
	// (Snapshots): it is not staged, and its marker and messages say so.
	keeps bool
}

const (
	siteMarker   = ".kpidesk-site"
	scoresMarker = ".kpidesk-scores"
	demoMarker   = ".kpidesk-demo"
	exportMarker = ".kpidesk-export"
	// snapshotsMarker marks a Snapshots folder.
	snapshotsMarker = ".kpidesk-snapshots"
)

// The kinds of folder kpidesk writes. A site and a scores folder may
// replace each other (both only ever hold kpidesk's outputs); the demo
// folder holds a store and a config, so only a demo replaces it.
var (
	Site   = Kind{Name: "site", Marker: siteMarker, replaces: []string{siteMarker, scoresMarker}}
	Scores = Kind{Name: "scores", Marker: scoresMarker, replaces: []string{scoresMarker, siteMarker},
		legacy: []string{"scores.json", "scores.csv", "evidence.jsonl", "summary.md"}}
	// A demo folder holds a store, which may look like a user's own: only
	// a marked one is the demo's.
	Demo = Kind{Name: "demo", Marker: demoMarker, replaces: []string{demoMarker}}
	// An export folder (kpidesk export) holds its tables and the
	// scores.json they came from; only an export replaces it, so that an
	// export pointed at a site or scores folder by mistake does not take it.
	Export = Kind{Name: "export", Marker: exportMarker, replaces: []string{exportMarker}}
	// Snapshots is the folder of build --snapshot: the scores of each
	// published period, one file per version, which kpidesk adds to and
	// never rewrites or deletes. It is never staged or replaced; [Check]
	// takes it when it is new, empty or marked as one.
	Snapshots = Kind{Name: "snapshots", Marker: snapshotsMarker, replaces: []string{snapshotsMarker}, keeps: true}
)

// markerText is the marker file's content: it tells a person who finds the
// folder why it may vanish.
func (k Kind) markerText() []byte {
	if k.keeps {
		return []byte("This folder is kept by kpidesk (" + k.Name + "): it adds files to it and never rewrites or deletes one.\nKeep it with its files; keep nothing else in it.\n")
	}
	return []byte("This folder was written by kpidesk (" + k.Name + "). kpidesk replaces it whole on its next run:\nkeep nothing else in it.\n")
}

// rule says, for messages, why a folder of kind k holds only kpidesk's
// files.
func (k Kind) rule() string {
	if k.keeps {
		return "it holds only the files kpidesk adds to it"
	}
	return "it is replaced whole"
}

// ForeignError says that a folder holds files kpidesk did not write, so it
// will not replace it.
type ForeignError struct {
	Dir   string
	Kind  Kind
	Names []string // up to three of its entries, for the message
	More  int      // how many entries beyond Names
}

func (e *ForeignError) Error() string {
	names := strings.Join(e.Names, ", ")
	if e.More > 0 {
		names += fmt.Sprintf(" and %d more", e.More)
	}
	how := "is replaced whole on every run"
	if e.Kind.keeps {
		how = "holds only the files kpidesk adds to it"
	}
	return fmt.Sprintf("%s holds files kpidesk did not write (%s): the %s folder %s, so kpidesk writes only into a new or empty folder or one it wrote (marked by %s); choose another folder, or empty this one",
		e.Dir, names, e.Kind.Name, how, e.Kind.Marker)
}

// ErrProtected is wrapped by the error of [Check] for a folder that holds
// the store, the config, an input file or the working directory.
var ErrProtected = errors.New("protected folder")

// Check reports whether dir may be replaced as a folder of kind k: nil when
// it is absent, empty, or written by kpidesk as a kind k may replace.
// protected names files and folders that must survive (the store, the
// config, input and appeals files): a dir that is one of them or holds one
// is refused, as is one that holds the working directory.
func Check(dir string, k Kind, protected ...string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if filepath.Dir(abs) == abs {
		return fmt.Errorf("%s is the root of the file system: %w", dir, ErrProtected)
	}
	if wd, err := os.Getwd(); err == nil && within(Resolve(wd), Resolve(abs)) {
		return fmt.Errorf("%s holds the working directory, so it cannot be the %s folder (%s): %w", dir, k.Name, k.rule(), ErrProtected)
	}
	for _, p := range protected {
		if p == "" {
			continue
		}
		pa, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if within(Resolve(pa), Resolve(abs)) {
			return fmt.Errorf("%s holds %s, so it cannot be the %s folder (%s): %w", dir, p, k.Name, k.rule(), ErrProtected)
		}
	}
	fi, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link: give the folder it points to as the %s folder", dir, k.Name)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is a file, not a folder: the %s folder must be a folder of its own", dir, k.Name)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	for _, m := range k.replaces {
		if fi, err := os.Lstat(filepath.Join(abs, m)); err == nil && fi.Mode().IsRegular() {
			return nil
		}
	}
	var foreign []string
	for _, e := range entries {
		if !k.isLegacy(e.Name()) {
			foreign = append(foreign, e.Name())
		}
	}
	if len(k.legacy) > 0 && len(foreign) == 0 {
		return nil
	}
	if len(foreign) == 0 {
		for _, e := range entries {
			foreign = append(foreign, e.Name())
		}
	}
	fe := &ForeignError{Dir: dir, Kind: k, Names: foreign}
	if len(foreign) > 3 {
		fe.Names, fe.More = foreign[:3], len(foreign)-3
	}
	return fe
}

// isLegacy reports whether name is one kpidesk wrote into a folder of kind
// k before markers existed, or a temporary file of one (".scores.json.123").
func (k Kind) isLegacy(name string) bool {
	if slices.Contains(k.legacy, name) {
		return true
	}
	for _, l := range k.legacy {
		if strings.HasPrefix(name, "."+l+".") {
			return true
		}
	}
	return false
}

// Mark writes kind k's marker into dir, for a folder of that kind nested in
// another stage (a site inside the scores folder).
func Mark(dir string, k Kind) error {
	return os.WriteFile(filepath.Join(dir, k.Marker), k.markerText(), 0o644)
}

// Owned reports whether dir carries the marker of kind k.
func Owned(dir string, k Kind) bool {
	fi, err := os.Lstat(filepath.Join(dir, k.Marker))
	return err == nil && fi.Mode().IsRegular()
}

// within reports whether p is dir or lies inside it.
func within(p, dir string) bool {
	_, ok := Inside(p, dir)
	return ok
}

// Inside reports whether p is dir or lies inside it, with p relative to
// dir ("." for dir itself).
func Inside(p, dir string) (string, bool) {
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}

// Resolve resolves the symbolic links of the longest existing prefix of an
// absolute path, so that a protected file or folder reached through a
// link is still found where it really is.
func Resolve(p string) string {
	rest := ""
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(p, rest)
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}
