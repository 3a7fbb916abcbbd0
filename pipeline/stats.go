package pipeline

import (
	"sort"
)

// MaxListedProblems bounds how many problems Stats lists individually; all of
// them are still counted (and written to the rejects when asked).
const MaxListedProblems = 1000

// Stats describes a run: one entry per stage in pipeline order, plus the input
// problems. Stats from the tasks of a job merge with Merge.
type Stats struct {
	Stages []*StageStats `json:"stages"`
	// Problems lists the first MaxListedProblems input problems in input order.
	Problems []Problem `json:"problems"`
	// ProblemsTotal counts every problem, listed or not.
	ProblemsTotal int64 `json:"problems_total"`
}

// StageStats counts what one stage saw and did.
type StageStats struct {
	Name     string `json:"name"`
	DocsIn   int64  `json:"docs_in"`
	DocsOut  int64  `json:"docs_out"`
	BytesIn  int64  `json:"bytes_in"`
	BytesOut int64  `json:"bytes_out"`
	// Dropped counts dropped documents (or, for ingest, rejected records) by reason.
	Dropped map[string]int64 `json:"dropped"`
	// BusySeconds is the time spent inside the stage, summed over its
	// workers (so it can exceed the run's wall time). It differs between
	// identical runs, so it is not marshaled with the deterministic stats.
	BusySeconds float64 `json:"-"`
}

// DroppedTotal sums Dropped.
func (s *StageStats) DroppedTotal() int64 {
	var n int64
	for _, v := range s.Dropped {
		n += v
	}
	return n
}

// Reason is a drop reason with its count.
type Reason struct {
	Reason string
	Count  int64
}

// TopReasons returns up to n drop reasons, most frequent first (ties by name).
func (s *StageStats) TopReasons(n int) []Reason {
	rs := make([]Reason, 0, len(s.Dropped))
	for k, v := range s.Dropped {
		rs = append(rs, Reason{k, v})
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Count != rs[j].Count {
			return rs[i].Count > rs[j].Count
		}
		return rs[i].Reason < rs[j].Reason
	})
	if len(rs) > n {
		rs = rs[:n]
	}
	return rs
}

// Stage returns the entry named name, appending an empty one if missing.
func (s *Stats) Stage(name string) *StageStats {
	for _, st := range s.Stages {
		if st.Name == name {
			return st
		}
	}
	st := &StageStats{Name: name, Dropped: map[string]int64{}}
	s.Stages = append(s.Stages, st)
	return st
}

// AddProblem counts p and lists it while fewer than MaxListedProblems are listed.
func (s *Stats) AddProblem(p Problem) {
	s.ProblemsTotal++
	if len(s.Problems) < MaxListedProblems {
		p.Raw = nil
		s.Problems = append(s.Problems, p)
	}
}

// Merge adds o into s: stages are matched by name (new ones are appended in
// o's order), counts and times are summed, problems are appended in order.
// Merging task stats in task order gives the job's stats.
func (s *Stats) Merge(o *Stats) {
	for _, os := range o.Stages {
		st := s.Stage(os.Name)
		st.DocsIn += os.DocsIn
		st.DocsOut += os.DocsOut
		st.BytesIn += os.BytesIn
		st.BytesOut += os.BytesOut
		st.BusySeconds += os.BusySeconds
		for k, v := range os.Dropped {
			st.Dropped[k] += v
		}
	}
	for _, p := range o.Problems {
		if len(s.Problems) >= MaxListedProblems {
			break
		}
		s.Problems = append(s.Problems, p)
	}
	s.ProblemsTotal += o.ProblemsTotal
}
