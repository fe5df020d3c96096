package jpdate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestFiscalYear(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"2020-03-31T23:59:59+09:00", 2019},
		{"2020-04-01T00:00:00+09:00", 2020},
		{"2020-03-31T15:00:00Z", 2020}, // = 2020-04-01T00:00 JST
		{"2021-01-15T10:00:00+09:00", 2020},
	}
	for _, tt := range tests {
		ts, err := time.Parse(time.RFC3339, tt.in)
		assert.NoError(t, err)
		assert.Equal(t, tt.want, FiscalYear(ts), tt.in)
	}
}

func TestWareki(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2023, 7, 22, 10, 0, 0, 0, JST), "令和5年(2023年)7月22日"},
		{time.Date(2019, 5, 1, 0, 0, 0, 0, JST), "令和元年(2019年)5月1日"},
		{time.Date(2019, 4, 30, 23, 59, 0, 0, JST), "平成31年(2019年)4月30日"},
		{time.Date(1989, 1, 8, 0, 0, 0, 0, JST), "平成元年(1989年)1月8日"},
		{time.Date(1989, 1, 7, 0, 0, 0, 0, JST), "昭和64年(1989年)1月7日"},
		{time.Date(1985, 4, 1, 0, 0, 0, 0, JST), "昭和60年(1985年)4月1日"},
		// 2019-04-30T15:00Z is already 5月1日 in Japan.
		{time.Date(2019, 4, 30, 15, 0, 0, 0, time.UTC), "令和元年(2019年)5月1日"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Wareki(tt.in))
	}
}

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2019-03-26")
	assert.NoError(t, err)
	assert.Equal(t, "2019-03-26T00:00:00+09:00", d.Format(time.RFC3339))
	_, err = ParseDate("26/03/2019")
	assert.ErrorContains(t, err, "2006-01-02")
}

func TestFiscalYearName(t *testing.T) {
	for fy, want := range map[int]string{
		2019: "令和元年度(2019年度)", // begun under Heisei, named by the new era
		2020: "令和2年度(2020年度)",
		2023: "令和5年度(2023年度)",
		2018: "平成30年度(2018年度)",
		1989: "平成元年度(1989年度)",
		1988: "昭和63年度(1988年度)", // ended under Heisei, still Showa
	} {
		assert.Equal(t, want, FiscalYearName(fy), fy)
	}
}
