// Package minhash computes MinHash signatures of Japanese text for
// near-duplicate detection: K small integers per document such that the
// share of positions where two signatures agree estimates the Jaccard
// similarity |A∩B| / |A∪B| of the documents' shingle sets (Broder, "On the
// resemblance and containment of documents", 1997), and splits them into
// LSH band keys (Indyk and Motwani 1998; Rajaraman and Ullman, "Mining of
// Massive Datasets", ch. 3).
//
// # Shingles
//
// Sign shingles text by characters: the set of n-grams of runes (NGram,
// default 5) of Fold(text). Japanese is written without spaces, so
// character n-grams need no tokenizer and are robust to its errors.
// Fold only unifies width variants: full-width ASCII becomes ASCII,
// half-width katakana becomes full-width with its sound marks composed
// (ｶﾞ → ガ), and the ideographic space becomes a space. Kana are never
// merged with one another (が ≠ か, ぱ ≠ ば ≠ は, ア ≠ あ): a voicing mark
// changes the word. Whitespace, newlines included, is text like any other,
// the input having been normalized already. A text shorter than NGram
// characters is one shingle, the whole text, so that short texts are
// compared too; the empty text has a fixed signature of its own. Invalid
// UTF-8 bytes count as one character each. SignTokens shingles a token
// sequence instead (for example morphemes), n tokens at a time.
//
// # Hashing
//
// Classic MinHash evaluates K hash functions per shingle, K times the work
// of reading the text. Sign hashes each shingle once, with 64-bit xxh3
// seeded by Options.Seed, directly over the shingle's bytes in a small
// buffer of folded text (no copy per shingle, no allocation per call), and
// spreads the hashes over K bins by one permutation hashing (Li, Owen and
// Zhang, "One Permutation Hashing", NIPS 2012): bin and value both come
// from the one hash, each bin keeps its minimum. A text with fewer shingles
// than about K·ln K leaves bins empty; they are filled in further rounds
// that throw the shingles again into fresh bins until none is empty, the
// scheme of Fast Similarity Sketching (Dahlgaard, Houen, Langhede and
// Thorup, FOCS 2017). It keeps the estimate unbiased for texts of any
// length, and for short texts it has half the variance of K-permutation
// MinHash, where the optimal densification of Shrivastava ("Optimal
// Densification for Fast and Accurate Minwise Hashing", ICML 2017) has
// more (see oph.go). A Hasher signs well over 100 MB of Japanese text per
// second per core at K = 128.
//
// Everything is computed with integer arithmetic from the seed: the same
// Options give the same signatures on every machine and in every run.
//
// # LSH
//
// Bands hashes each band of rows of a signature into one 64-bit key;
// documents sharing a key are candidate pairs. Probability gives the
// chance 1-(1-s^r)^b that documents of similarity s become candidates, and
// OptimalParams picks the bands and rows that minimise the weighted areas
// of false positives and false negatives around a threshold, as
// datasketch's MinHashLSH does.
package minhash
