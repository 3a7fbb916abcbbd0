// Package morph is a count-only (and segment-only) morphological analyzer:
// a Viterbi search over kagome's dictionary data, with kagome's costs,
// unknown-word rules and tie-breaking, that returns token boundaries and a
// coarse part of speech instead of token structs with feature strings.
//
// Why not kagome's API: tokenization was 97% of a corpus run's CPU. kagome
// v2 (tokenizer.Analyze) builds a node per candidate word and a Token with
// strings per result, and reads char categories and unknown-word groups
// again at every position; it analyses ~1.9 MB/s per core on whole
// documents (~4.8 MB/s on single lines), MeCab ~4.4 MB/s. This package
// does the same search without those costs: on this project's machine,
// with GOMAXPROCS=1 on one pinned core, Count runs at ~20 MB/s and
// AppendWakati at ~19 MB/s on 6 MB of Diet speeches and laws, where kagome
// runs at ~4.8 MB/s (BenchmarkCount, BenchmarkKagome; the machine is
// shared, and unpinned runs vary by up to a third). What makes it fast:
//
//   - a double-array trie over bytes in 32-bit units (trie.go), walked once
//     per start position, the first rune of each walk taken from a table
//     of the trie state after every BMP rune (Dict.first, built at load);
//   - the dictionary words of all start positions found in a pass of their
//     own before the lattice (matches), which also reads each word's first
//     morph, so that the cache misses of the trie and the morph table
//     overlap instead of stalling the lattice one by one;
//   - the connection costs as one flat int16 matrix indexed [left][right],
//     the order the inner loop reads (one left id against the right ids of
//     a node's few predecessors), with context ids renumbered so that
//     frequent ones share cache lines (remap.go);
//   - one lattice per Analyzer, reused: a node arena with per-end-position
//     lists, no per-node allocation, no strings; the best predecessor of a
//     node is chosen when the node is made, memoized per left id;
//   - char categories, whitespace and same-category runs computed once per
//     text (chars.go), so a grouped unknown word costs O(1), not a rescan.
//
// Agreement with kagome: the segmentation is kagome's (tokenizer.New(
// ipa.Dict(), tokenizer.OmitBosEos()), mode Normal) token for token on the
// test corpus (TestAgreement: fixture and testdata/agreement, 763 KB, 172,695
// tokens of laws, speeches and literature: none differ), on the edge cases
// of TestEdgeCases and under FuzzAnalyzer. The rules are kagome's (see
// lattice.go for each): invalid UTF-8 bytes are one U+FFFD each and keep
// their bytes in surfaces; grouped unknown words span at most 1024
// decoding steps; ties go to the predecessor inserted first.
//
// Known differences, none of which arises with the IPA dictionary: for a
// dictionary whose category of U+FFFD does not group, kagome gives a real
// (validly encoded) U+FFFD a one-byte unknown word and loses the other two
// bytes, where this package keeps the whole rune; and kagome's costs are
// int32 sums capped at 2^31-1, which only texts far longer than a 16 KiB
// piece can reach (then kagome's ties, and so its result, degrade; this
// package caps the same way but skips nodes no path reaches).
//
// Dictionaries: IPA() is the IPA dictionary, read once per process from an
// uncompressed embedded file (ipa.morph, 12 MB, written by internal/gen via
// go generate) whose arrays it uses in place, without loading kagome's
// dictionary: ~10-13 ms (BenchmarkLoadIPA; in a fresh process `jacorpus
// tokenize --count` on one line takes ~30 ms more than `jacorpus version`,
// BenchmarkProcessStart), where decompressing a zstd copy and copying its
// arrays into new memory took ~100 ms more, nearly all page faults. FromKagome converts any loaded kagome dictionary (dropping the
// morphs that can never be on a best path: same surface, same context ids
// as another morph, and no lower weight), MarshalBinary and Load store and
// read the converted form, and WithUser adds a kagome user dictionary (compared with
// kagome's UserDict option in TestWithUser). UniDic (kagome-dict/uni) is
// not a dependency of the module; converted with FromKagome in a separate
// module, it segmented the fixture as kagome does (114,831 tokens, none
// differ).
package morph
