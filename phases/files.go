package phases

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jacorpus/jacorpus/internal/fsync"
	"github.com/jacorpus/jacorpus/internal/workfile"
)

// stamp is the meta of every work file.
type stamp struct {
	Fingerprint string `json:"fingerprint"`
	Phase       string `json:"phase"`
	Task        int    `json:"task"`
	Tasks       int    `json:"tasks"`
	// Layout is the phase layout (phases.tasks and phases.buckets) the file
	// was written under: it decides the slices and the key ranges.
	Layout string `json:"layout"`
	// Docs is set in the summary of a lines task.
	Docs int64 `json:"docs,omitempty"`
}

// layout names the phase layout of the job.
func (t *task) layout() string {
	return fmt.Sprintf("tasks=%d buckets=%d", t.cfg.Phases.Tasks, t.cfg.Phases.Buckets)
}

// taskDir is WORK/PHASE/task-IIIII.
func taskDir(work, phase string, i int) string {
	return filepath.Join(work, phase, fmt.Sprintf("task-%05d", i))
}

// part returns the range (0..m-1) of a uniform 64-bit key.
func part(key uint64, m int) int { return int((key >> 32) * uint64(m) >> 32) }

// output writes this task's directory: fn fills a temporary directory,
// which then replaces WORK/PHASE/task-IIIII. A lock keeps two runs of one
// task apart; leftovers of killed runs of this task are removed first, and
// the previous directory only once the new one is in place.
func (t *task) output(fn func(dir string) error) error {
	final := taskDir(t.work, t.phase, t.index)
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	base := filepath.Base(final)
	unlock, err := lockTask(filepath.Join(parent, "."+base+".lock"))
	if err != nil {
		return fmt.Errorf("phase %s task %d: %w", t.phase, t.index, err)
	}
	defer unlock()
	for _, pattern := range []string{".tmp-*", ".old-*"} {
		old, _ := filepath.Glob(filepath.Join(parent, "."+base+pattern))
		for _, o := range old {
			os.RemoveAll(o)
		}
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return err
	}
	started := time.Now()
	if err := fn(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := t.writeDone(tmp, started); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := fsync.Dir(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	var aside string
	if _, err := os.Stat(final); err == nil {
		aside = filepath.Join(parent, "."+base+".old-"+filepath.Base(tmp)[len(base)+6:])
		if err := os.Rename(final, aside); err != nil {
			os.RemoveAll(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		if aside != "" {
			os.Rename(aside, final) // put the previous one back
		}
		os.RemoveAll(tmp)
		return err
	}
	if aside != "" {
		os.RemoveAll(aside)
	}
	os.RemoveAll(checkpointsDir(t.work, t.phase, t.index)) // what is left of them is in final
	return fsync.Dir(parent)
}

// create starts a work file of kind in dir.
func (t *task) create(dir, name, kind string) (*recWriter, error) {
	return t.createStamped(dir, name, kind, 0)
}

// createStamped is create with a document count in the stamp.
func (t *task) createStamped(dir, name, kind string, docs int64) (*recWriter, error) {
	w, err := workfile.Create(filepath.Join(dir, name), kind, stamp{Fingerprint: t.fp, Phase: t.phase, Task: t.index, Tasks: t.count,
		Layout: t.layout(), Docs: docs})
	if err != nil {
		return nil, err
	}
	return &recWriter{w: w}, nil
}

// open opens the file name written by task i of phase, checking its kind
// and stamp; it returns the reader and the stamp.
func (t *task) open(phase string, i int, name, kind string) (*recReader, stamp, error) {
	dir := taskDir(t.work, phase, i)
	rerun := fmt.Sprintf("run phase %s task %d (of this job)", phase, i)
	r, st, err := t.openPath(filepath.Join(dir, name), phase, i, kind, rerun)
	if err != nil { // only then a metadata call: say whether the whole task is missing
		if _, derr := os.Stat(dir); derr != nil {
			return nil, stamp{}, fmt.Errorf("phase %s task %d has not finished (%s is missing): %s first", phase, i, dir, rerun)
		}
	}
	return r, st, err
}

// openIn opens the file name of one of this task's checkpoints, in dir.
func (t *task) openIn(dir, name, kind string) (*recReader, stamp, error) {
	return t.openPath(filepath.Join(dir, name), t.phase, t.index, kind, fmt.Sprintf("run phase %s task %d (of this job)", t.phase, t.index))
}

// stampCountIn is stampCount for a file of one of this task's checkpoints.
func (t *task) stampCountIn(dir, name, kind string) (int64, error) {
	r, st, err := t.openIn(dir, name, kind)
	if err != nil {
		return 0, err
	}
	return st.Docs, r.done()
}

// openPath opens the work file at path, written by task i of phase,
// checking its kind and stamp; rerun says what to run when it is bad.
func (t *task) openPath(path, phase string, i int, kind, rerun string) (*recReader, stamp, error) {
	r, err := workfile.Open(path, kind)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, stamp{}, fmt.Errorf("%s is missing: %s again", path, rerun)
	}
	if err != nil {
		return nil, stamp{}, fmt.Errorf("%w; %s again", err, rerun)
	}
	var s stamp
	if err := r.Meta(&s); err != nil {
		r.Close()
		return nil, s, fmt.Errorf("%w; %s again", err, rerun)
	}
	if s.Fingerprint != t.fp || s.Phase != phase || s.Task != i || s.Layout != t.layout() {
		r.Close()
		return nil, s, fmt.Errorf("%s was written by phase %s task %d of another job, config or phase layout (fingerprint %.12s, %s; this job %.12s, %s): %s again",
			path, s.Phase, s.Task, s.Fingerprint, s.Layout, t.fp, t.layout(), rerun)
	}
	return &recReader{r: r, br: bufio.NewReaderSize(r, 1<<16), path: path, rerun: rerun}, s, nil
}

// eachRecord reads the file name of every one of the tasks of phase, n
// uint64s a record, in task order, calling fn with the task and the record
// (reused by the next call). It returns the sum of the counts in the files'
// stamps.
func (t *task) eachRecord(phase string, tasks int, name, kind string, n int, fn func(task int, v []uint64)) (int64, error) {
	var sum int64
	for i := 0; i < tasks; i++ {
		r, st, err := t.open(phase, i, name, kind)
		if err != nil {
			return 0, err
		}
		if err := r.each(n, func(v []uint64) { fn(i, v) }); err != nil {
			return 0, err
		}
		sum += st.Docs
	}
	return sum, nil
}

// stampCount checks the file name of task i of phase and returns the count
// in its stamp (the summaries hold nothing else).
func (t *task) stampCount(phase string, i int, name, kind string) (int64, error) {
	r, st, err := t.open(phase, i, name, kind)
	if err != nil {
		return 0, err
	}
	return st.Docs, r.done()
}

// recWriter writes fixed-size records of little-endian uint64s and uint16s
// (the work file buffers them into blocks; write errors surface at commit).
type recWriter struct {
	w   *workfile.Writer
	buf [8]byte
}

func (w *recWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(w.buf[:], v)
	w.w.Write(w.buf[:8])
}

func (w *recWriter) u16(v uint16) {
	binary.LittleEndian.PutUint16(w.buf[:], v)
	w.w.Write(w.buf[:2])
}

func (w *recWriter) str(s string) { w.w.WriteString(s) }

func (w *recWriter) commit() error { return w.w.Commit() }

func (w *recWriter) abort() { w.w.Abort() }

// recReader reads what recWriter wrote, one whole record at a time: a
// file that ends inside a record is an error, not a shorter file.
type recReader struct {
	r     *workfile.Reader
	br    *bufio.Reader
	path  string
	rerun string
	buf   []byte
	vals  []uint64
	err   error
}

// rec reads a record of n uint64s; ok is false at the end or on error (see
// done). The slice is reused by the next call.
func (r *recReader) rec(n int) ([]uint64, bool) {
	if !r.read(8 * n) {
		return nil, false
	}
	r.vals = r.vals[:0]
	for i := 0; i < n; i++ {
		r.vals = append(r.vals, binary.LittleEndian.Uint64(r.buf[8*i:]))
	}
	return r.vals, true
}

// sigRec reads a (uint64, k × uint16) record into dst.
func (r *recReader) sigRec(dst []uint16) (uint64, bool) {
	if !r.read(8 + 2*len(dst)) {
		return 0, false
	}
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint16(r.buf[8+2*i:])
	}
	return binary.LittleEndian.Uint64(r.buf), true
}

func (r *recReader) read(size int) bool {
	if r.err != nil {
		return false
	}
	if cap(r.buf) < size {
		r.buf = make([]byte, size)
	}
	r.buf = r.buf[:size]
	_, r.err = io.ReadFull(r.br, r.buf)
	return r.err == nil
}

// each calls fn with every record of n uint64s left in the file (the
// slice is reused), then closes it: its error is done's.
func (r *recReader) each(n int, fn func(v []uint64)) error {
	for {
		v, ok := r.rec(n)
		if !ok {
			return r.done()
		}
		fn(v)
	}
}

// eachIn is each for the file name of one of this task's checkpoints.
func (t *task) eachIn(dir, name, kind string, n int, fn func(v []uint64)) error {
	r, _, err := t.openIn(dir, name, kind)
	if err != nil {
		return err
	}
	return r.each(n, fn)
}

// done closes the file and returns its error: nil at a clean end, a
// description with the task to re-run otherwise.
func (r *recReader) done() error {
	r.r.Close()
	switch {
	case r.err == nil || r.err == io.EOF:
		return nil
	case errors.Is(r.err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: ends inside a record: %s again", r.path, r.rerun)
	case workfile.IsCorrupt(r.err):
		return fmt.Errorf("%w; %s again", r.err, r.rerun)
	default:
		return fmt.Errorf("%s: %w", r.path, r.err)
	}
}

// joinNames is for messages.
func joinNames(names []string) string { return strings.Join(names, ", ") }
