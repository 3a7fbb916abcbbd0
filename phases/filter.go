package phases

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/shard"
)

// filter: task i is an ordinary run of input slice i (job.Run, task i of
// task.count) that applies what the earlier phases decided.
func (t *task) filter(ctx context.Context) (*job.Result, error) {
	cfg := t.cfg
	cfg.Task = job.TaskConfig{Index: t.index, Count: t.count}
	ph := &job.Phased{Exact: none, Near: none}
	var err error
	if ph.Boilerplate, err = t.boilerplate(); err != nil {
		return nil, err
	}
	var exact, near [][2]uint64
	if cfg.Dedup.Exact {
		if exact, err = t.dropped(fileExact); err != nil {
			return nil, err
		}
		ph.Exact = in(exact)
	}
	if cfg.Dedup.Near.Enabled {
		if near, err = t.dropped(fileNear); err != nil {
			return nil, err
		}
		ph.Near, ph.NearPairs = in(near), near
		if cfg.Dedup.Near.Annotate {
			ph.Clusters = clusters(exact, near)
		}
		if ph.NearStats, err = t.nearStats(exact, near); err != nil {
			return nil, err
		}
	}
	for _, dir := range cfg.Dedup.Near.Against {
		info, err := dedup.ReadInfo(dir)
		if err != nil {
			return nil, err
		}
		ph.Against = append(ph.Against, job.AgainstIndex{Dir: dir, Docs: info.Docs, Entries: info.Entries})
	}
	opts := t.opts
	opts.Phased, opts.Files = ph, t.files
	cps, err := t.checkpoints()
	if err != nil {
		return nil, err
	}
	var res *job.Result
	err = t.output(func(dir string) error {
		if len(cps) == 1 {
			opts.Part = filepath.Join(dir, partDir(0))
			if err := os.Mkdir(opts.Part, 0o755); err != nil {
				return err
			}
			res, err = job.Run(ctx, cfg, opts)
			return err
		}
		dirs, err := t.runCheckpoints(ctx, cps, func(cdir string, r job.FileRange) error {
			o := opts
			o.Part, o.Range = cdir, r
			_, err := job.Run(ctx, cfg, o)
			return err
		})
		if err != nil {
			return err
		}
		for i, d := range dirs { // the checkpoints are the task's parts
			if err := os.Rename(d, filepath.Join(dir, partDir(i))); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// partDir names part i of a filter task's directory: one per checkpoint.
func partDir(i int) string { return fmt.Sprintf("part-%05d", i) }

// filterParts lists the parts of every filter task in input order.
func filterParts(work string, tasks int) ([]string, error) {
	var parts []string
	for i := range tasks {
		dir := taskDir(work, Filter, i)
		ps, err := filepath.Glob(filepath.Join(dir, "part-[0-9][0-9][0-9][0-9][0-9]"))
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, fmt.Errorf("%s holds no part: run phase %s task %d again", dir, Filter, i)
		}
		slices.Sort(ps)
		parts = append(parts, ps...)
	}
	return parts, nil
}

// outputFile, in finalize's task directory, records the dataset it
// committed.
const outputFile = "output.json"

type outputRecord struct {
	Dir            string `json:"dir"`
	ManifestSHA256 string `json:"manifest_sha256"`
}

// finalize assembles the filter tasks' parts into the dataset.
func (t *task) finalize(ctx context.Context) (*job.Result, error) {
	parts, err := filterParts(t.work, t.plan.Tasks)
	if err != nil {
		return nil, err
	}
	var res *job.Result
	err = t.output(func(dir string) error {
		var err error
		if res, err = job.Finalize(ctx, t.cfg, parts, t.opts); err != nil {
			return err
		}
		_, sum, err := fileSHA256(filepath.Join(res.Dir, shard.ManifestName))
		if err != nil {
			return err
		}
		js, _ := json.Marshal(outputRecord{Dir: res.Dir, ManifestSHA256: sum})
		return os.WriteFile(filepath.Join(dir, outputFile), js, 0o644)
	})
	return res, err
}

// outputIntact reports, for a completed finalize, whether the dataset it
// committed is still there unchanged (the manifest's checksum); other
// phases have no output outside the work directory.
func (t *task) outputIntact() bool {
	if t.phase != Finalize {
		return true
	}
	data, err := os.ReadFile(filepath.Join(taskDir(t.work, t.phase, t.index), outputFile))
	if err != nil {
		return false
	}
	var rec outputRecord
	if json.Unmarshal(data, &rec) != nil {
		return false
	}
	_, sum, err := fileSHA256(filepath.Join(rec.Dir, shard.ManifestName))
	if err != nil || sum != rec.ManifestSHA256 {
		t.log.Warn("the dataset finalize committed is gone or changed: finalizing again", "dir", rec.Dir)
		return false
	}
	return true
}

// nearStats gathers what the buckets tasks decided into the figures an
// in-memory run reports (without its memory figures): documents that
// reached near dedup, candidates and drops, exact copies left out as the
// exact stage drops them first.
func (t *task) nearStats(exact, near [][2]uint64) (*dedup.NearStats, error) {
	o := t.cfg.Dedup.Near
	b, r := o.Params()
	st := &dedup.NearStats{Threshold: o.Threshold, Permutations: o.Permutations, Bands: b, Rows: r, Verify: o.Verify}
	isExact := in(exact)
	for i := 0; i < t.cfg.Phases.Tasks; i++ {
		docs, err := t.stampCount(Signatures, i, fileSummary, kindSigSummary)
		if err != nil {
			return nil, err
		}
		st.Docs += docs
	}
	st.Docs -= int64(len(exact))
	var cands []uint64
	var err error
	// the candidates files' stamps count the band keys each range adds
	st.IndexEntries, err = t.eachRecord(Buckets, t.cfg.Phases.Buckets, fileCandidates, kindCandidates, 1, func(_ int, v []uint64) {
		if !isExact(pipeline.Key(v[0])) {
			cands = append(cands, v[0])
		}
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(cands)
	st.Candidates = int64(len(slices.Compact(cands)))
	for _, d := range near {
		if !isExact(pipeline.Key(d[0])) {
			st.Dropped++
		}
	}
	st.Verified = st.Candidates - st.Dropped
	return st, nil
}

func none(pipeline.Key) bool { return false }

// in returns a lookup in the sorted (doc, rep) pairs.
func in(pairs [][2]uint64) func(pipeline.Key) bool {
	return func(k pipeline.Key) bool {
		_, ok := slices.BinarySearchFunc(pairs, uint64(k), func(p [2]uint64, k uint64) int { return cmp.Compare(p[0], k) })
		return ok
	}
}

// clusters counts, for every surviving document, the documents dropped as
// copies of it, following the chain of reps (a document dropped as a copy
// of a dropped document counts for that one's survivor). The exact
// decision wins where both dropped a document: the exact stage runs first.
// Copies of saved documents count for none.
func clusters(exact, near [][2]uint64) map[pipeline.Key]int64 {
	rep := make(map[uint64]uint64, len(exact)+len(near))
	for _, p := range near {
		rep[p[0]] = p[1]
	}
	for _, p := range exact {
		rep[p[0]] = p[1]
	}
	docs := make([]uint64, 0, len(rep))
	for d := range rep {
		docs = append(docs, d)
	}
	slices.Sort(docs) // a rep comes before its document: roots are known in this order
	root := make(map[uint64]uint64, len(docs))
	counts := map[pipeline.Key]int64{}
	for _, d := range docs {
		r := rep[d]
		if rr, dropped := root[r]; dropped {
			r = rr
		}
		root[d] = r
		if r != savedRep {
			counts[pipeline.Key(r)]++
		}
	}
	return counts
}
