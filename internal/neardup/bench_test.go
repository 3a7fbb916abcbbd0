package neardup

import "testing"

// BenchmarkTruth measures Truth on the default set (seed 1, 432 documents).
func BenchmarkTruth(b *testing.B) {
	docs := texts(Generate(LoadBases(b), Options{Seed: 1}))
	b.ResetTimer()
	for b.Loop() {
		Truth(docs, 5)
	}
}

// BenchmarkGenerate measures Generate of the default set from the bases.
func BenchmarkGenerate(b *testing.B) {
	bases := LoadBases(b)
	b.ResetTimer()
	for b.Loop() {
		Generate(bases, Options{Seed: 1})
	}
}
