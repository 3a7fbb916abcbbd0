// Package pipeline holds the pieces every jacorpus stage shares: the Document
// that flows through a run, the Stage interfaces a step implements, the local
// Runner that drives a Source through the stages into a Sink with N workers
// while keeping input order, the run Stats that merge across tasks, and the
// partitioning of inputs into the deterministic slice of task i of N.
//
// A stage sees documents in batches. It keeps a document, changes it in place,
// or drops it with a reason; drops are counted per stage and reason. Three
// kinds of stage exist:
//
//   - Parallel stages (normalize, filters, tokenize) get one Processor per
//     worker and see batches concurrently;
//   - Sequential stages (exact dedup) see every document in input order on one
//     goroutine;
//   - Barrier stages observe every document before deciding about any of them
//     (near-duplicate removal over a whole task).
//
// The package depends on the standard library only.
package pipeline
