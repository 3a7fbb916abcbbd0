package neardup

import (
	"fmt"
	"strings"
)

// Thresholds of Evaluate on the true Jaccard similarity with the most
// similar earlier document.
const (
	// RecallAt: a document whose truth is at least this must be dropped;
	// recall is measured over these documents.
	RecallAt = 0.85
	// PrecisionAt: a dropped document whose truth is at least this was
	// rightly dropped; precision is measured over the dropped documents.
	PrecisionAt = 0.7
)

// bucketEdges are the lower bounds of the recall-curve buckets: tenths up to
// 0.6, then twentieths (the zone around the thresholds), then a last bucket
// for exact 1.0 (identical n-gram sets). The edges include RecallAt and
// PrecisionAt, so the curve lines up with the two measures.
func bucketEdges() [15]float64 {
	return [15]float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.65, PrecisionAt, 0.75, 0.8, RecallAt, 0.9, 0.95, 1}
}

// Report is the outcome of Evaluate.
type Report struct {
	// Recall is Caught / Positives: the share of the documents with truth
	// ≥ RecallAt that were dropped (1 when there are none).
	Recall float64
	// Precision is TruePositives / Dropped: the share of the dropped
	// documents with truth ≥ PrecisionAt (1 when nothing was dropped).
	Precision float64
	// Positives is the number of documents with truth ≥ RecallAt.
	Positives int
	// Caught is the number of Positives that were dropped.
	Caught int
	// Dropped is the number of dropped documents.
	Dropped int
	// TruePositives is the number of dropped documents with truth ≥
	// PrecisionAt.
	TruePositives int
	// Curve counts the documents and the dropped ones per truth bucket, in
	// ascending order; the last bucket holds truth exactly 1.
	Curve []Bucket
}

// Bucket is one bar of the recall curve: the documents whose truth t is in
// [Lo, Hi) (or exactly 1 when Lo == Hi == 1).
type Bucket struct {
	// Lo and Hi bound the truth values of the bucket.
	Lo, Hi float64
	// Docs is the number of documents in the bucket; Dropped of them were
	// dropped.
	Docs, Dropped int
}

// Share returns Dropped/Docs, or 0 for an empty bucket.
func (b Bucket) Share() float64 {
	if b.Docs == 0 {
		return 0
	}
	return float64(b.Dropped) / float64(b.Docs)
}

// Evaluate scores a near-duplicate removal: truth[i] is the true similarity
// of document i with its most similar earlier document (see Truth) and
// dropped[i] whether the remover dropped document i. It panics if the slices
// differ in length.
func Evaluate(truth []float64, dropped []bool) Report {
	if len(truth) != len(dropped) {
		panic(fmt.Sprintf("neardup: %d truth values for %d decisions", len(truth), len(dropped)))
	}
	var r Report
	edges := bucketEdges()
	r.Curve = make([]Bucket, len(edges))
	for k, lo := range edges {
		hi := 1.0
		if k+1 < len(edges) {
			hi = edges[k+1]
		}
		r.Curve[k] = Bucket{Lo: lo, Hi: hi}
	}
	for i, t := range truth {
		d := dropped[i]
		if t >= RecallAt {
			r.Positives++
			if d {
				r.Caught++
			}
		}
		if d {
			r.Dropped++
			if t >= PrecisionAt {
				r.TruePositives++
			}
		}
		b := &r.Curve[bucketOf(t)]
		b.Docs++
		if d {
			b.Dropped++
		}
	}
	r.Recall, r.Precision = 1, 1
	if r.Positives > 0 {
		r.Recall = float64(r.Caught) / float64(r.Positives)
	}
	if r.Dropped > 0 {
		r.Precision = float64(r.TruePositives) / float64(r.Dropped)
	}
	return r
}

// bucketOf returns the index of the curve bucket of truth t (values below 0
// go to the first, values at or above 1 to the last).
func bucketOf(t float64) int {
	edges := bucketEdges()
	k := 0
	for k+1 < len(edges) && t >= edges[k+1] {
		k++
	}
	return k
}

// String formats the report as a small table, for t.Log.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "recall %.4f (%d of %d with truth >= %.2f dropped), precision %.4f (%d of %d dropped have truth >= %.2f)\n",
		r.Recall, r.Caught, r.Positives, RecallAt, r.Precision, r.TruePositives, r.Dropped, PrecisionAt)
	fmt.Fprintf(&b, "%-12s %6s %8s %7s\n", "truth", "docs", "dropped", "share")
	for _, c := range r.Curve {
		label := fmt.Sprintf("[%.2f,%.2f)", c.Lo, c.Hi)
		if c.Lo == c.Hi {
			label = fmt.Sprintf("=%.2f", c.Lo)
		}
		share := "-"
		if c.Docs > 0 {
			share = fmt.Sprintf("%.3f", c.Share())
		}
		fmt.Fprintf(&b, "%-12s %6d %8d %7s\n", label, c.Docs, c.Dropped, share)
	}
	return b.String()
}
