package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/outdir"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/sitegen"
)

// snapshotUsage is the help of build's and score's --snapshot.
const snapshotUsage = "folder that keeps each published period's scores: after a successful run, a new file for each complete period that is new or changed, never rewritten or deleted; the outputs show what changed since a period was first published (docs/appeals.md)"

// snapshotSchema tags a snapshot file.
const snapshotSchema = "kpidesk.snapshot/v1"

// snapshotFile is one file of the snapshots folder (build --snapshot,
// issue 16 §4): one complete period's scorecards as a run published them,
// at DIR/PERIOD/NNNN.json, NNNN counting the period's versions from 0001.
// Fields are in alphabetical order of their JSON keys, as in scores.json.
type snapshotFile struct {
	// Appeals are the IDs of the appeals whose decisions applied
	// (accepted, fully or in part), sorted.
	Appeals []string  `json:"appeals"`
	AsOf    time.Time `json:"as_of"`
	// Kpidesk is the version of kpidesk that wrote it.
	Kpidesk string         `json:"kpidesk"`
	Period  scoring.Period `json:"period"`
	// PublishedAt is when it was written.
	PublishedAt time.Time `json:"published_at"`
	Schema      string    `json:"schema"`
	// Scorecards are the period's, as in scores.json without complaint
	// IDs.
	Scorecards []scoring.Scorecard `json:"scorecards"`
	// Version is the config version in force for the period
	// (scores.json's versions).
	Version string `json:"version"`
}

// scores is the snapshot as a scores.json of its one period, for
// scoring.Changes and kpidesk compare.
func (f *snapshotFile) scores() *scoring.Scores {
	return &scoring.Scores{Schema: scoring.Schema, AsOf: f.AsOf, Periods: []scoring.Period{f.Period}, Scorecards: f.Scorecards,
		Versions: map[string]string{f.Period.ID: f.Version}}
}

// readSnapshot reads a snapshot file.
func readSnapshot(path string) (*snapshotFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f snapshotFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("read snapshot %s: %w", path, err)
	}
	if f.Schema != snapshotSchema {
		return nil, fmt.Errorf("read snapshot %s: schema %q, want %q", path, f.Schema, snapshotSchema)
	}
	return &f, nil
}

// snapshotName is a snapshot's file name: its number in the period, from
// 1, four digits or more.
var snapshotName = regexp.MustCompile(`^([0-9]{4,})\.json$`)

// periodFolder is what a period ID must look like to name a folder.
var periodFolder = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_-]*$`)

// snapshots is the snapshots folder of one run: for each period kept, its
// first snapshot (what was published first, which the outputs compare
// with) and its latest (which decides whether this run adds one).
type snapshots struct {
	dir     string
	periods map[string]*snapshotPeriod
}

type snapshotPeriod struct {
	first, latest       *snapshotFile
	firstName           string // "2026-09/0001.json"
	latestSeq, versions int
}

// openSnapshots checks the --snapshot folder dir before anything is
// scored and reads what it keeps: nil without one. dir is a folder of its
// own (outdir.Snapshots): new, empty, or one kpidesk kept before; never
// inside, nor holding, the output folders outs (replaced whole on every
// run), the store or the config. What was first published of each period
// goes to a.published, for summary.md and the site.
func (a *app) openSnapshots(cfg *config.Config, dir string, outs ...string) (*snapshots, error) {
	if dir == "" {
		return nil, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for _, o := range outs {
		if o == "" {
			continue
		}
		oa, err := filepath.Abs(o)
		if err != nil {
			return nil, err
		}
		_, in := outdir.Inside(abs, oa)
		_, holds := outdir.Inside(oa, abs)
		if in || holds {
			return nil, usageError{fmt.Errorf("--snapshot %s overlaps the output folder %s, which is replaced whole on every run: keep the snapshots in a folder of their own", dir, o)}
		}
	}
	if err := outdir.Check(dir, outdir.Snapshots, a.protected(cfg)...); err != nil {
		return nil, fmt.Errorf("snapshots folder: %w", err)
	}
	s := &snapshots{dir: dir, periods: map[string]*snapshotPeriod{}}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() || !periodFolder.MatchString(e.Name()) {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		var seqs []int
		for _, f := range files {
			if m := snapshotName.FindStringSubmatch(f.Name()); m != nil && f.Type().IsRegular() {
				n, err := strconv.Atoi(m[1])
				if err == nil {
					seqs = append(seqs, n)
				}
			}
		}
		if len(seqs) == 0 {
			continue
		}
		slices.Sort(seqs)
		sp := &snapshotPeriod{latestSeq: seqs[len(seqs)-1], versions: len(seqs)}
		sp.firstName = e.Name() + "/" + seqName(seqs[0])
		if sp.first, err = readSnapshot(filepath.Join(dir, e.Name(), seqName(seqs[0]))); err != nil {
			return nil, err
		}
		sp.latest = sp.first
		if len(seqs) > 1 {
			if sp.latest, err = readSnapshot(filepath.Join(dir, e.Name(), seqName(sp.latestSeq))); err != nil {
				return nil, err
			}
		}
		s.periods[e.Name()] = sp
	}
	a.published = s.published()
	return s, nil
}

// seqName is the file name of a period's snapshot number n.
func seqName(n int) string { return fmt.Sprintf("%04d.json", n) }

// published lists what was first published of each period kept, in
// period order.
func (s *snapshots) published() []sitegen.Published {
	var out []sitegen.Published
	for _, sp := range s.periods {
		f := sp.first
		out = append(out, sitegen.Published{Period: f.Period.ID, At: f.PublishedAt, AsOf: f.AsOf, Version: f.Version,
			Appeals: f.Appeals, Scorecards: f.Scorecards, File: sp.firstName})
	}
	slices.SortFunc(out, func(x, y sitegen.Published) int { return strings.Compare(x.Period, y.Period) })
	return out
}

// record keeps this run's complete periods in the snapshots folder, after
// its outputs were switched in: a new file for each period that has none
// yet or whose scorecards differ from its latest file (scoring.Changes:
// a final score, grade, status or metric figure). A partial period is not
// kept: its figures move with every sync until it ends. A file is written
// under a temporary name and linked to its own, which never replaces an
// existing file: a snapshot is never rewritten. It reports on stderr
// which periods were kept and which changed since first published.
func (s *snapshots) record(a *app, run *scoreRun) error {
	if s == nil {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	if !outdir.Owned(s.dir, outdir.Snapshots) {
		if err := outdir.Mark(s.dir, outdir.Snapshots); err != nil {
			return err
		}
	}
	var applied []string
	if run.Appeals != nil {
		for _, ap := range run.Appeals.Appeals {
			if ap.Decision.Applies() {
				applied = append(applied, ap.ID)
			}
		}
	}
	slices.Sort(applied)
	byPeriod := map[string][]scoring.Scorecard{}
	for _, c := range run.Scores.Scorecards {
		c.Metrics = withoutIDs(c.Metrics)
		byPeriod[c.Period] = append(byPeriod[c.Period], c)
	}
	now := a.now().UTC().Truncate(time.Second)
	var kept, changed []string
	for _, p := range run.Scores.Periods {
		if p.Partial {
			continue
		}
		if !periodFolder.MatchString(p.ID) {
			return fmt.Errorf("snapshot: period %q cannot name a folder", p.ID)
		}
		f := &snapshotFile{Appeals: applied, AsOf: run.Scores.AsOf, Kpidesk: version, Period: p, PublishedAt: now,
			Schema: snapshotSchema, Scorecards: byPeriod[p.ID], Version: run.Scores.Versions[p.ID]}
		if f.Appeals == nil {
			f.Appeals = []string{}
		}
		if f.Scorecards == nil {
			f.Scorecards = []scoring.Scorecard{}
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", " ")
		if err := enc.Encode(f); err != nil {
			return err
		}
		sp := s.periods[p.ID]
		if sp != nil {
			// Compared as read back, as the latest file was: the same
			// figures are then equal bit for bit.
			var back snapshotFile
			if err := json.Unmarshal(b.Bytes(), &back); err != nil {
				return err
			}
			if len(scoring.Changes(sp.latest.scores(), back.scores())) == 0 {
				continue
			}
			if len(scoring.Changes(sp.first.scores(), back.scores())) > 0 {
				changed = append(changed, p.ID)
			}
		}
		seq := 1
		if sp != nil {
			seq = sp.latestSeq + 1
		}
		if err := writeSnapshot(filepath.Join(s.dir, p.ID), seq, b.Bytes()); err != nil {
			return err
		}
		kept = append(kept, p.ID)
	}
	if !a.quiet && len(kept) > 0 {
		fmt.Fprintf(a.stderr, "kept %d period(s) in %s: %s\n", len(kept), s.dir, strings.Join(kept, ", "))
	}
	if len(changed) > 0 {
		// Said even with -q: a published result changed.
		fmt.Fprintf(a.stderr, "changed since published: %s (see summary.md and appeals.html)\n", strings.Join(changed, ", "))
	}
	return nil
}

// writeSnapshot writes data as snapshot number seq (or the next free
// number) of the period folder dir: into a temporary file that is then
// hard-linked to its name, which fails rather than replace a file that
// another run wrote meanwhile.
func writeSnapshot(dir string, seq int, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".snapshot-*.json")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write snapshot in %s: %w", dir, err)
	}
	for range 100 {
		name := filepath.Join(dir, seqName(seq))
		err := os.Link(tmp, name)
		if err == nil {
			return nil
		}
		if errors.Is(err, fs.ErrExist) {
			seq++
			continue
		}
		// A file system without hard links: rename, when the name is free.
		if _, serr := os.Lstat(name); errors.Is(serr, fs.ErrNotExist) {
			return os.Rename(tmp, name)
		}
		return fmt.Errorf("write snapshot %s: %w", name, err)
	}
	return fmt.Errorf("write snapshot in %s: no free number after %s", dir, seqName(seq))
}

// withoutIDs returns a scorecard's metrics without complaint IDs (score
// --ids), which a snapshot does not keep.
func withoutIDs(ms map[string]scoring.MetricResult) map[string]scoring.MetricResult {
	out := make(map[string]scoring.MetricResult, len(ms))
	for id, m := range ms {
		m.IDs, m.NumeratorIDs = nil, nil
		out[id] = m
	}
	return out
}
