// Package neardup is test support for near-duplicate removal: a seeded
// benchmark set of real Japanese documents and their edited copies, the exact
// similarity of every document to its most similar predecessor, and recall
// and precision of a remover's decisions against it.
//
// The set is built from real text only: LoadBases reads about 150 documents
// (National Diet speeches, e-Gov laws, pieces of Aozora Bunko works; see
// TestRegenerateTestdata for where they come from and their licences) that
// Generate turns into families of a base and variants edited the way
// near-duplicates on the web differ — sentences inserted from other
// documents, sentences deleted, characters replaced, site boilerplate
// swapped — each aimed at a Jaccard similarity. LoadRecrawlPairs adds real
// near-duplicates: e-Gov laws captured twice a week apart.
//
// Similarity is always the Jaccard index of the sets of character n-grams
// (runes, default n = 5) of the texts as given: the texts are already
// normalized, nothing is folded. An acceptance test looks like
//
//	docs := neardup.Generate(neardup.LoadBases(t), neardup.Options{Seed: 1})
//	texts := make([]string, len(docs))
//	for i, d := range docs {
//		texts[i] = d.Text
//	}
//	truth := neardup.Truth(texts, 5)
//	dropped := make([]bool, len(docs)) // the remover's decisions, in this order
//	// ... run the remover over texts in order, threshold 0.8 ...
//	r := neardup.Evaluate(truth, dropped)
//	t.Log(r)
//	if r.Recall < 0.95 || r.Precision < 0.98 {
//		t.Errorf("recall %.3f, precision %.3f", r.Recall, r.Precision)
//	}
package neardup
