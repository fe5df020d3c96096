package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A line of a table never lets a reader work out a withheld cell from
// the total and the cells shown (complementary suppression).
func TestLineSuppression(t *testing.T) {
	b := &Builder{Config: &Config{MinOperators: 3}}
	a := func(count, ops int) agg { return agg{Count: count, Operators: ops} }
	shown := func(v int) *int { return &v }
	for _, c := range []struct {
		name string
		in   []agg
		want []*int
	}{
		{"every cell of enough operators is shown", []agg{a(5, 3), a(0, 0), a(7, 4)},
			[]*int{shown(5), shown(0), shown(7)}},
		{"a lone withheld cell takes the smallest shown non-zero one with it", []agg{a(9, 5), a(2, 1), a(4, 3), a(0, 0)},
			[]*int{shown(9), nil, nil, shown(0)}},
		{"among equals the first goes", []agg{a(4, 3), a(4, 3), a(1, 1)},
			[]*int{nil, shown(4), nil}},
		{"two withheld cells of 1 each would be known: a third goes", []agg{a(3, 3), a(4, 3), a(1, 1), a(1, 1)},
			[]*int{nil, shown(4), nil, nil}},
		{"two withheld cells summing to more than 2 are safe", []agg{a(3, 3), a(2, 1), a(1, 1)},
			[]*int{shown(3), nil, nil}},
		{"zeros are never withheld: an empty cell is a published 0 (here the total, of the same two operators, is withheld too)", []agg{a(0, 0), a(2, 2), a(0, 0)},
			[]*int{shown(0), nil, shown(0)}},
		{"when everything is withheld there is nothing more to take", []agg{a(1, 1), a(1, 1)},
			[]*int{nil, nil}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, b.line(c.in))
		})
	}
}
