package casegen

import (
	"fmt"
	"strings"
)

// A template is Japanese text with three kinds of marks, none of which the
// texts themselves use:
//
//	{name}    a slot: a value of the case (operator, times, users…) or one
//	          phrase of a named pool (a failure mode's specifics, synonyms)
//	[a|b|c]   one of the alternatives, chosen per case: wording varies
//	          between reports of the same failure
//	[?text]   the text or nothing, at even odds
//
// Templates are compiled once, when the package loads; a mistake in one is
// a panic at start (and the tests render every template).
type tpl []node

type node struct {
	lit  string
	slot string
	alts []tpl
	opt  bool
}

// pool is a set of interchangeable phrases. A phrase written "@2014:…"
// is used only from that year on (VoLTE, LTE-M, 5G did not always exist).
type pool []phrase

type phrase struct {
	t    tpl
	from int
}

// P compiles phrases into a pool.
func P(phrases ...string) pool {
	p := make(pool, len(phrases))
	for i, s := range phrases {
		from, rest := sinceYear(s)
		p[i] = phrase{t: compile(rest), from: from}
	}
	return p
}

// sinceYear splits "@2014:text" into 2014 and text.
func sinceYear(s string) (int, string) {
	if len(s) > 6 && s[0] == '@' && s[5] == ':' {
		y := 0
		for _, c := range s[1:5] {
			if c < '0' || c > '9' {
				return 0, s
			}
			y = y*10 + int(c-'0')
		}
		return y, s[6:]
	}
	return 0, s
}

// at returns the k-th of the phrases in use in year (k is taken modulo
// their number); the first phrase of a pool must be in use in every year.
func (pl pool) at(year, k int) tpl {
	n := pl.count(year)
	k %= n
	for _, ph := range pl {
		if ph.from <= year {
			if k == 0 {
				return ph.t
			}
			k--
		}
	}
	return pl[0].t
}

// count is how many phrases are in use in year.
func (pl pool) count(year int) int {
	n := 0
	for _, ph := range pl {
		if ph.from <= year {
			n++
		}
	}
	return max(n, 1)
}

// compile parses one template.
func compile(s string) tpl {
	p := parser{src: []rune(s)}
	t := p.seq(false)
	if p.pos < len(p.src) {
		panic(fmt.Sprintf("casegen: template %q: unexpected %q at %d", s, p.src[p.pos], p.pos))
	}
	return t
}

type parser struct {
	src []rune
	pos int
}

// seq reads nodes up to the end, or (inside brackets) up to | or ].
func (p *parser) seq(inside bool) tpl {
	var t tpl
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t = append(t, node{lit: lit.String()})
			lit.Reset()
		}
	}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '{':
			end := p.pos + 1
			for end < len(p.src) && p.src[end] != '}' {
				end++
			}
			if end == len(p.src) {
				panic(fmt.Sprintf("casegen: template %q: unclosed {", string(p.src)))
			}
			flush()
			t = append(t, node{slot: string(p.src[p.pos+1 : end])})
			p.pos = end + 1
		case c == '[':
			flush()
			p.pos++
			n := node{}
			if p.pos < len(p.src) && p.src[p.pos] == '?' {
				n.opt = true
				p.pos++
			}
			for {
				n.alts = append(n.alts, p.seq(true))
				if p.pos >= len(p.src) {
					panic(fmt.Sprintf("casegen: template %q: unclosed [", string(p.src)))
				}
				if p.src[p.pos] == ']' {
					p.pos++
					break
				}
				p.pos++ // |
			}
			if n.opt && len(n.alts) != 1 {
				panic(fmt.Sprintf("casegen: template %q: [? takes one alternative", string(p.src)))
			}
			t = append(t, n)
		case inside && (c == '|' || c == ']'):
			flush()
			return t
		case c == '}' || (!inside && (c == '|' || c == ']')):
			panic(fmt.Sprintf("casegen: template %q: stray %q at %d", string(p.src), c, p.pos))
		default:
			lit.WriteRune(c)
			p.pos++
		}
	}
	flush()
	return t
}

// slots lists the slot names a template uses, nested ones included.
func (t tpl) slots(out map[string]bool) {
	for _, n := range t {
		if n.slot != "" {
			out[n.slot] = true
		}
		for _, a := range n.alts {
			a.slots(out)
		}
	}
}

// filler resolves slots and makes the choices while a template renders.
type filler interface {
	fill(b *strings.Builder, slot string)
	choose(n int) int
}

func (t tpl) render(b *strings.Builder, f filler) {
	for i := range t {
		n := &t[i]
		switch {
		case n.lit != "":
			b.WriteString(n.lit)
		case n.slot != "":
			f.fill(b, n.slot)
		case n.opt:
			if f.choose(2) == 0 {
				n.alts[0].render(b, f)
			}
		default:
			n.alts[f.choose(len(n.alts))].render(b, f)
		}
	}
}
