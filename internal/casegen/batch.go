package casegen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"runtime"

	"kensho/internal/caseformat"
)

// Batch is a run of consecutive cases with their v1 encodings.
type Batch struct {
	// Start is the index of the first case.
	Start int
	Cases []caseformat.Case
	// Bodies are the canonical v1 encodings (Case.MarshalJSON), which is
	// what a generated file holds for each case and so what an import of
	// it keeps as the report; Hashes their SHA-256 (= Case.Hash()).
	Bodies [][]byte
	Hashes []string
}

// Batch generates cases [start, start+n).
func (g *Generator) Batch(start, n int) *Batch {
	b := &Batch{Start: start, Cases: make([]caseformat.Case, n), Bodies: make([][]byte, n), Hashes: make([]string, n)}
	for k := range n {
		c := g.Case(start + k)
		body, _ := c.MarshalJSON() // cannot fail
		sum := sha256.Sum256(body)
		b.Cases[k], b.Bodies[k], b.Hashes[k] = c, body, hex.EncodeToString(sum[:])
	}
	return b
}

// Batches generates cases [0, n) in batches of size, workers at a time,
// and delivers them in order. At most a few batches per worker are held
// at once, so memory stays bounded whatever n is. The channel closes
// after the last batch or when ctx ends.
func (g *Generator) Batches(ctx context.Context, n, size, workers int) <-chan *Batch {
	if size <= 0 {
		size = 2000
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make(chan *Batch)
	futures := make(chan chan *Batch, workers)
	go func() {
		defer close(futures)
		sem := make(chan struct{}, workers)
		for start := 0; start < n; start += size {
			f := make(chan *Batch, 1)
			select {
			case futures <- f:
			case <-ctx.Done():
				return
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func(start int) {
				defer func() { <-sem }()
				f <- g.Batch(start, min(size, n-start))
			}(start)
		}
	}()
	go func() {
		defer close(out)
		for f := range futures {
			var b *Batch
			select {
			case b = <-f:
			case <-ctx.Done():
				return
			}
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
