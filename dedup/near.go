package dedup

import (
	"errors"
	"fmt"
	"math"

	"github.com/jacorpus/jacorpus/dedup/minhash"
)

// Verify says how a candidate pair found by LSH is checked before a document
// is dropped.
type Verify string

// Verification modes.
const (
	// VerifyNone drops every candidate: the S-curve of the bands alone decides.
	VerifyNone Verify = "none"
	// VerifySignature drops a candidate when the Jaccard estimated from the
	// two MinHash signatures reaches the threshold.
	VerifySignature Verify = "signature"
	// VerifyExact drops a candidate when the true Jaccard of the two
	// texts' n-gram sets reaches the threshold. It keeps the texts of the
	// documents that are first for some band key: in a temporary file
	// under TMPDIR in memory mode, in the work directory in phased mode.
	VerifyExact Verify = "exact"
)

// Shingle names what near-duplicate n-grams are made of.
type Shingle string

// Shingle units.
const (
	// ShingleChars: character n-grams of the normalized text, width-folded
	// (see minhash.Fold).
	ShingleChars Shingle = "chars"
	// ShingleMorphemes: n-grams of the morphemes kagome finds (slower: the
	// text is analysed before dedup).
	ShingleMorphemes Shingle = "morphemes"
)

// Order places the dedup stages (exact and near) relative to the filters.
type Order string

// Stage orders.
const (
	// AfterFilters runs dedup on what the quality filters kept (the
	// default: no point hashing junk, and junk cannot shadow a good copy).
	AfterFilters Order = "after_filters"
	// BeforeFilters runs dedup on every normalized document.
	BeforeFilters Order = "before_filters"
)

// NearOptions configure near-duplicate removal with MinHash LSH.
type NearOptions struct {
	// Enabled turns near-duplicate removal on.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Threshold is the Jaccard similarity of shingle sets from which a
	// later document counts as a copy of an earlier one (default 0.8).
	Threshold float64 `yaml:"threshold" json:"threshold"`
	// NGram is the shingle length in characters or morphemes (default 5).
	NGram int `yaml:"ngram" json:"ngram"`
	// Permutations is the signature length K (default 128).
	Permutations int `yaml:"permutations" json:"permutations"`
	// Bands and Rows split the signature for LSH; 0 and 0 choose them from
	// the threshold (see Params). Bands*Rows must not exceed Permutations.
	Bands int `yaml:"bands" json:"bands"`
	Rows  int `yaml:"rows" json:"rows"`
	// Seed seeds the shingle hashes and the band keys.
	Seed uint64 `yaml:"seed" json:"seed"`
	// Verify checks candidates before dropping (default signature).
	Verify Verify `yaml:"verify" json:"verify"`
	// Shingle is the n-gram unit (default chars).
	Shingle Shingle `yaml:"shingle" json:"shingle"`
	// Annotate writes, into the meta of every kept document that others
	// were dropped as copies of, dup_cluster (its key) and dup_count (the
	// size of its cluster, itself included), for up-sampling decisions.
	// The counts need every decision of the job before the first document
	// is written, so the run goes through the phases (jacorpus run uses a
	// temporary work directory when none is given).
	Annotate bool `yaml:"annotate" json:"annotate"`
	// IndexOut, when set, is a directory where the run saves its LSH index
	// (see LoadIndex), for later batches to be deduplicated against.
	IndexOut string `yaml:"index_out" json:"-"`
	// Against lists saved indexes whose documents count as earlier than
	// every document of this run, in this order. The manifest's dedup
	// section records them.
	Against []string `yaml:"against" json:"-"`
}

// DefaultNear returns the default near-duplicate options (disabled).
func DefaultNear() NearOptions {
	return NearOptions{Threshold: 0.8, NGram: 5, Permutations: 128, Verify: VerifySignature, Shingle: ShingleChars}
}

// Validate reports values that cannot be used. Field names in the messages
// are the YAML keys.
func (o NearOptions) Validate() error {
	var errs []error
	if !(o.Threshold > 0 && o.Threshold <= 1) {
		errs = append(errs, fmt.Errorf("dedup: threshold %g must be in (0, 1]", o.Threshold))
	}
	if o.NGram < 1 || o.NGram > 64 {
		errs = append(errs, fmt.Errorf("dedup: ngram %d must be in [1, 64]", o.NGram))
	}
	if o.Permutations < 1 || o.Permutations > 4096 {
		errs = append(errs, fmt.Errorf("dedup: permutations %d must be in [1, 4096]", o.Permutations))
	}
	switch {
	case o.Bands < 0 || o.Rows < 0:
		errs = append(errs, fmt.Errorf("dedup: bands %d and rows %d must be >= 0", o.Bands, o.Rows))
	case (o.Bands == 0) != (o.Rows == 0):
		errs = append(errs, fmt.Errorf("dedup: bands %d and rows %d: give both or neither", o.Bands, o.Rows))
	case o.Bands > 0 && o.Bands*o.Rows > o.Permutations:
		errs = append(errs, fmt.Errorf("dedup: bands %d × rows %d = %d exceeds permutations %d", o.Bands, o.Rows, o.Bands*o.Rows, o.Permutations))
	case o.Bands > 255:
		errs = append(errs, fmt.Errorf("dedup: bands %d must be <= 255", o.Bands))
	}
	switch o.Verify {
	case VerifyNone, VerifySignature:
	case VerifyExact:
		if o.Shingle == ShingleMorphemes {
			errs = append(errs, fmt.Errorf("dedup: verify %q compares character n-grams: use it with shingle %q", o.Verify, ShingleChars))
		}
		if o.IndexOut != "" || len(o.Against) > 0 {
			errs = append(errs, fmt.Errorf("dedup: verify %q needs the texts of earlier documents, which saved indexes do not hold: use %q with index_out and against", o.Verify, VerifySignature))
		}
	default:
		errs = append(errs, fmt.Errorf("dedup: verify %q: want %q, %q or %q", o.Verify, VerifyNone, VerifySignature, VerifyExact))
	}
	switch o.Shingle {
	case ShingleChars, ShingleMorphemes:
	default:
		errs = append(errs, fmt.Errorf("dedup: shingle %q: want %q or %q", o.Shingle, ShingleChars, ShingleMorphemes))
	}
	return errors.Join(errs...)
}

// Weights of the false-positive and false-negative areas under the S-curve
// that Params minimises, as datasketch's MinHashLSH does. Without
// verification a false positive drops a good document, so both count
// alike (datasketch's default 0.5/0.5). With signature verification a
// false positive costs only a comparison, while a missed duplicate stays in
// the corpus, so the bands are tuned for recall.
const (
	unverifiedFPWeight = 0.5
	verifiedFPWeight   = 0.05
)

// Params returns the bands and rows in use: the configured ones, or those
// that minimise the weighted false-positive and false-negative areas of the
// S-curve 1-(1-s^r)^b around the threshold.
func (o NearOptions) Params() (bands, rows int) {
	if o.Bands > 0 {
		return o.Bands, o.Rows
	}
	fp := unverifiedFPWeight
	if o.Verify != VerifyNone {
		fp = verifiedFPWeight
	}
	return minhash.OptimalParams(o.Threshold, o.Permutations, fp, 1-fp)
}

// minMatches is the number of equal signature positions (out of k) from
// which the estimated Jaccard reaches threshold. Signatures are compared
// on their low 16 bits (see sigStore): two different minima agree there by
// chance with probability 2⁻¹⁶, so the estimate is corrected for that:
// Ĵ = (m/k − c)/(1 − c) with c = 2⁻¹⁶. Counting matches in integers keeps
// the decision exact and the same on every machine.
func minMatches(threshold float64, k int) int {
	const c = 1.0 / 65536
	p := threshold*(1-c) + c // share of equal positions at Ĵ = threshold
	m := int(math.Ceil(p*float64(k) - 1e-9))
	return max(m, 1)
}
