package intake

import (
	"context"
	"errors"
	"time"
)

// Answer is a response kept for an idempotency key.
type Answer struct {
	Status int
	Body   []byte
}

// Once runs fn at most once per (actor, key): a retry of the same request
// (same requestHash) gets the first answer again without running fn; the
// same key with another request is ErrKeyReused; a retry while the first
// is still running is ErrInProgress. Answers of server errors are not kept,
// so that a retry after a failure runs again. Keys are kept 24 hours.
func (p *Portal) Once(ctx context.Context, actor, key, requestHash string, fn func() (Answer, error)) (Answer, bool, error) {
	db := p.DB.WithContext(ctx)
	if err := db.Exec(`DELETE FROM idempotency_keys WHERE created_at < ?`, p.now().Add(-24*time.Hour)).Error; err != nil {
		return Answer{}, false, err
	}
	res := db.Exec(`INSERT INTO idempotency_keys (actor, key, request_sha256, status, response) VALUES (?, ?, ?, 0, '')
		ON CONFLICT DO NOTHING`, actor, key, requestHash)
	if res.Error != nil {
		return Answer{}, false, res.Error
	}
	if res.RowsAffected == 0 {
		var kept struct {
			RequestSHA256 string `gorm:"column:request_sha256"`
			Status        int
			Response      []byte
		}
		if err := db.Raw(`SELECT request_sha256, status, response FROM idempotency_keys WHERE actor = ? AND key = ?`, actor, key).
			Scan(&kept).Error; err != nil {
			return Answer{}, false, err
		}
		switch {
		case kept.RequestSHA256 != requestHash:
			return Answer{}, false, ErrKeyReused
		case kept.Status == 0:
			return Answer{}, false, ErrInProgress
		}
		return Answer{Status: kept.Status, Body: kept.Response}, true, nil
	}
	a, err := fn()
	forget := func() error {
		return db.Exec(`DELETE FROM idempotency_keys WHERE actor = ? AND key = ?`, actor, key).Error
	}
	if err != nil || a.Status >= 500 {
		return a, false, errors.Join(err, forget())
	}
	if err := db.Exec(`UPDATE idempotency_keys SET status = ?, response = ? WHERE actor = ? AND key = ?`,
		a.Status, a.Body, actor, key).Error; err != nil {
		return a, false, err
	}
	return a, false, nil
}
