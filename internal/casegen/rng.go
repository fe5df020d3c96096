package casegen

import (
	"math"
	"math/bits"
)

// rng is a small, fast generator (SplitMix64) whose whole output is fixed
// by this file: the same seed gives the same cases on every machine and
// every Go version, which math/rand's derived methods do not promise.
type rng struct{ s uint64 }

// mix is SplitMix64's finaliser: a bijective scrambling of x.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hash combines values into one well-mixed key.
func hash(vs ...uint64) uint64 {
	h := uint64(0x6b656e73686f) // "kensho"
	for _, v := range vs {
		h = mix(h ^ mix(v+0x9e3779b97f4a7c15))
	}
	return h
}

// hashString folds a string into a key (FNV-1a, then mixed).
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h)
}

func newRNG(seed uint64) *rng { return &rng{s: seed} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a number in [0, n); n must be positive.
func (r *rng) intn(n int) int {
	if n <= 1 {
		return 0
	}
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// logUniform returns a number between lo and hi whose logarithm is
// uniform: user counts spread over orders of magnitude, as real ones do.
func (r *rng) logUniform(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	l, h := math.Log(float64(lo)), math.Log(float64(hi))
	v := int64(math.Exp(l + (h-l)*r.float()))
	return min(max(v, lo), hi)
}

// weighted picks an index with probability proportional to its weight.
func (r *rng) weighted(w []float64) int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	t := r.float() * sum
	for i, x := range w {
		if t < x {
			return i
		}
		t -= x
	}
	return len(w) - 1
}

// zipf picks a number in [0, n) with probability falling as 1/(k+1)^s:
// a few failure modes recur often, most rarely.
func (r *rng) zipf(n int, s float64) int {
	// Inverse transform on the continuous approximation, which is close
	// enough for choosing clusters and needs no table.
	u := r.float()
	if s == 1 {
		return min(int(math.Pow(float64(n+1), u))-1, n-1)
	}
	a := 1 - s
	x := math.Pow(1+u*(math.Pow(float64(n+1), a)-1), 1/a) - 1
	return min(max(int(x), 0), n-1)
}

// pick returns one element of s.
func pick[T any](r *rng, s []T) T { return s[r.intn(len(s))] }
