package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
)

// session is a row of sessions.
type session struct {
	TokenSHA256 string `gorm:"column:token_sha256;primaryKey"`
	UserID      int64
	CSRFToken   string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	LastSeenAt  time.Time
}

func (session) TableName() string { return "sessions" }

// apiToken is a row of api_tokens.
type apiToken struct {
	ID          int64
	UserID      int64
	TokenSHA256 string `gorm:"column:token_sha256"`
	Prefix      string
	Label       string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
}

func (apiToken) TableName() string { return "api_tokens" }

func (s *Service) ttl() time.Duration {
	if s.SessionTTL <= 0 {
		return 8 * time.Hour
	}
	return s.SessionTTL
}

// Failed sign-ins are throttled per login: after maxFailures within
// failureWindow, the login is refused until the window has passed, whatever
// the password. The count comes from the audit trail, so every server
// instance sees the same.
const (
	maxFailures   = 10
	failureWindow = 15 * time.Minute
)

// Login checks a password and opens a session; it returns the cookie
// value (never stored) and the principal. Both outcomes are audited.
func (s *Service) Login(ctx context.Context, login, password, from string) (string, *Principal, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	var failures int64
	if err := s.DB.WithContext(ctx).Raw(`SELECT count(*) FROM audit_log WHERE actor = ? AND action = ? AND at > ?`,
		"login:"+login, audit.ActionLoginFailed, time.Now().Add(-failureWindow)).Scan(&failures).Error; err != nil {
		return "", nil, err
	}
	if failures >= maxFailures {
		return "", nil, ErrTooManyAttempts
	}
	var u User
	err := s.DB.WithContext(ctx).Where("login = ? AND disabled_at IS NULL AND password_hash <> ''", login).Take(&u).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil, err
	}
	hash := u.PasswordHash
	if hash == "" {
		hash = dummyHash
	}
	if !CheckPassword(hash, password) || u.ID == 0 {
		_ = audit.Record(ctx, s.DB, audit.Event{Actor: "login:" + login, Action: audit.ActionLoginFailed,
			Detail: map[string]any{"from": from}})
		return "", nil, ErrBadCredentials
	}
	token := randomToken()
	now := time.Now()
	row := session{TokenSHA256: digest(token), UserID: u.ID, CSRFToken: randomToken(),
		CreatedAt: now, ExpiresAt: now.Add(s.ttl()), LastSeenAt: now}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Expired sessions go as new ones come: no sweeper to run.
		if err := tx.Where("expires_at < now()").Delete(&session{}).Error; err != nil {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: access.UserKey(u.ID), Action: audit.ActionLogin,
			Object: access.UserKey(u.ID), Detail: map[string]any{"from": from}})
		return err
	})
	if err != nil {
		return "", nil, err
	}
	p, err := s.principal(ctx, &u)
	if err != nil {
		return "", nil, err
	}
	p.CSRF = row.CSRFToken
	return token, p, nil
}

// Session returns the principal of a session cookie and extends the
// session (sliding expiry).
func (s *Service) Session(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	row, err := credential[session](ctx, s.DB, "token_sha256 = ? AND expires_at > now()", digest(token))
	if err != nil {
		return nil, err
	}
	u, err := s.activeUser(ctx, row.UserID)
	if err != nil {
		return nil, err
	}
	// Extend at most once a minute: a page with many requests writes once.
	if time.Since(row.LastSeenAt) > time.Minute {
		now := time.Now()
		s.DB.WithContext(ctx).Model(&session{}).Where("token_sha256 = ?", row.TokenSHA256).
			Updates(map[string]any{"last_seen_at": now, "expires_at": now.Add(s.ttl())})
	}
	p, err := s.principal(ctx, u)
	if err != nil {
		return nil, err
	}
	p.CSRF = row.CSRFToken
	return p, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	var row session
	err := s.DB.WithContext(ctx).Where("token_sha256 = ?", digest(token)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Delete(&session{}, "token_sha256 = ?", row.TokenSHA256).Error; err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: access.UserKey(row.UserID), Action: audit.ActionLogout,
			Object: access.UserKey(row.UserID)})
		return err
	})
}

// tokenPrefix marks Kenshō tokens, so that secret scanners can find a
// leaked one.
const tokenPrefix = "kensho_"

// CreateToken issues an API token for login; the token is returned once
// and only its digest is kept.
func (s *Service) CreateToken(ctx context.Context, login, label, by string) (string, error) {
	var u User
	err := s.DB.WithContext(ctx).Where("login = ? AND disabled_at IS NULL", strings.ToLower(login)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", fmt.Errorf("%q: %w", login, ErrNoUser)
	}
	if err != nil {
		return "", err
	}
	token := tokenPrefix + randomToken()
	row := apiToken{UserID: u.ID, TokenSHA256: digest(token), Prefix: token[:len(tokenPrefix)+6], Label: label}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Omit("ID", "CreatedAt").Create(&row).Error; err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: by, Action: audit.ActionTokenCreate, Object: access.UserKey(u.ID),
			Detail: map[string]any{"prefix": row.Prefix, "label": label}})
		return err
	})
	return token, err
}

// Token returns the principal of an API bearer token.
func (s *Service) Token(ctx context.Context, token string) (*Principal, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return nil, ErrNoSession
	}
	row, err := credential[apiToken](ctx, s.DB, "token_sha256 = ? AND revoked_at IS NULL", digest(token))
	if err != nil {
		return nil, err
	}
	u, err := s.activeUser(ctx, row.UserID)
	if err != nil {
		return nil, err
	}
	if row.LastUsedAt == nil || time.Since(*row.LastUsedAt) > time.Minute {
		s.DB.WithContext(ctx).Model(&apiToken{}).Where("id = ?", row.ID).Update("last_used_at", time.Now())
	}
	return s.principal(ctx, u)
}

// activeUser loads the user a session or token belongs to; a disabled or
// deleted user has no valid session.
func (s *Service) activeUser(ctx context.Context, id int64) (*User, error) {
	return credential[User](ctx, s.DB, "id = ? AND disabled_at IS NULL", id)
}

// credential loads the one row of T that proves an identity; none is
// ErrNoSession, whatever the reason.
func credential[T any](ctx context.Context, db *gorm.DB, cond string, args ...any) (*T, error) {
	var row T
	err := db.WithContext(ctx).Where(cond, args...).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// TokenRow describes an API token without its secret.
type TokenRow struct {
	ID         int64      `json:"id"`
	Login      string     `json:"login"`
	Prefix     string     `json:"prefix"`
	Label      string     `json:"label,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Tokens lists the API tokens of login ("" for all users).
func (s *Service) Tokens(ctx context.Context, login string) ([]TokenRow, error) {
	q := s.DB.WithContext(ctx).Table("api_tokens t").
		Select("t.id, u.login, t.prefix, t.label, t.created_at, t.last_used_at, t.revoked_at").
		Joins("JOIN users u ON u.id = t.user_id")
	if login != "" {
		q = q.Where("u.login = ?", strings.ToLower(login))
	}
	out := []TokenRow{}
	return out, q.Order("t.id").Scan(&out).Error
}

// ErrNoToken: no unrevoked token has that id.
var ErrNoToken = errors.New("no such active token")

// RevokeToken ends an API token at once, audited as by.
func (s *Service) RevokeToken(ctx context.Context, id int64, by string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row apiToken
		err := tx.Where("id = ? AND revoked_at IS NULL", id).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("token %d: %w", id, ErrNoToken)
		}
		if err != nil {
			return err
		}
		if err := tx.Model(&apiToken{}).Where("id = ?", id).Update("revoked_at", time.Now()).Error; err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: by, Action: audit.ActionTokenRevoke, Object: access.UserKey(row.UserID),
			Detail: map[string]any{"prefix": row.Prefix, "token_id": id}})
		return err
	})
}
