package minhash

// Integer mixing shared by the signer and the band hashing. Only 64-bit
// integer arithmetic is used, so results are the same on every platform.

// golden is 2⁶⁴/φ, the increment of SplitMix64 (Steele, Lea and Flood,
// "Fast Splittable Pseudorandom Number Generators", OOPSLA 2014).
const golden = 0x9E3779B97F4A7C15

// Domain tags: each use of the seed is mixed with its own tag so that the
// hash functions derived from one Options.Seed are unrelated.
const (
	tagShingle = 0x5348494E474C4531 // "SHINGLE1"
	tagRound   = 0x524F554E44303031 // "ROUND001"
	tagRotate  = 0x524F544154453031 // "ROTATE01"
	tagEmpty   = 0x454D505459303031 // "EMPTY001"
	tagBand    = 0x42414E4453303031 // "BANDS001"
)

// mix64 is the SplitMix64 finalizer (David Stafford's "Mix13" variant of
// the MurmurHash3 fmix64 step): a bijection of uint64 with full avalanche.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}

// derive returns the seed of the hash function tagged tag.
func derive(seed, tag uint64) uint64 {
	return mix64(seed ^ mix64(tag))
}
