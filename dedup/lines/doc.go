// Package lines removes boilerplate lines corpus-wide: menus, footers, share
// buttons (ツイート / シェア), "関連記事" and breadcrumb lines that web pages
// of one site repeat. It works in two passes over the corpus:
//
//  1. Counts records the document frequency of every eligible line: the
//     number of documents containing it at least once. A line is identified
//     by its Key, a 64-bit hash of the line trimmed of spaces, tabs and
//     U+3000, so "　メニュー " and "メニュー" are one line.
//  2. Counts.Select turns the frequencies into a Set of boilerplate keys
//     (Options.MinDocs, Options.MinFraction), and Set.Strip removes those
//     lines from each document, keeping every other byte, and records what it
//     removed in a Tally for review.
//
// The corpus may be counted in pieces by separate processes: Counts merge,
// and Counts.Each walks them in ascending key order over any key range, so a
// count table can be written as files partitioned by key range, and read back
// with Counts.Add and Counts.AddDocs (or, for the selected keys, NewSet).
//
// Every result is deterministic: the same documents give the same keys,
// counts, sets and tallies on every machine, whatever the Go version (Key is
// the standard XXH3-64 hash).
package lines
