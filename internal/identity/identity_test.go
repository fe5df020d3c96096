package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/access"
	"kensho/internal/granttest"
	"kensho/internal/identity"
)

func service(t *testing.T) *identity.Service {
	t.Helper()
	gdb, _ := granttest.New(t, true)
	ac, err := access.New(context.Background(), gdb, nil)
	require.NoError(t, err)
	return &identity.Service{DB: gdb, Access: ac, Fields: []string{"telecom_engineering", "systems_audit"}}
}

func TestPasswordHash(t *testing.T) {
	h := identity.HashPassword("correct horse battery")
	assert.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$"))
	assert.True(t, identity.CheckPassword(h, "correct horse battery"))
	assert.False(t, identity.CheckPassword(h, "correct horse batterY"))
	assert.NotEqual(t, h, identity.HashPassword("correct horse battery"), "salted")
	assert.False(t, identity.CheckPassword("garbage", "x"))
}

func TestCreateChecksEveryField(t *testing.T) {
	s := service(t)
	ctx := context.Background()
	for _, tc := range []struct {
		nu    identity.NewUser
		field string
	}{
		{identity.NewUser{Login: "A B", Role: "editor"}, "login"},
		{identity.NewUser{Login: "x1", Role: "king"}, "role"},
		{identity.NewUser{Login: "x1", Role: "reporter"}, "org"},
		{identity.NewUser{Login: "x1", Role: "reporter", Org: "存在しない株式会社"}, "org"},
		{identity.NewUser{Login: "x1", Role: "editor", Org: "KDDI"}, "org"},
		{identity.NewUser{Login: "x1", Role: "expert", Fields: []string{"astrology"}}, "fields"},
		{identity.NewUser{Login: "x1", Role: "editor", Conflicts: []string{"KDDI"}}, "conflicts"},
		{identity.NewUser{Login: "x1", Role: "expert", Conflicts: []string{"nobody"}}, "conflicts"},
		{identity.NewUser{Login: "x1", Role: "editor", Password: "short"}, "password"},
		{identity.NewUser{Login: "x1", Role: "editor", PasswordHash: "$2b$10$bcrypt"}, "password"},
	} {
		_, err := s.Create(ctx, tc.nu, "test")
		var ie *identity.InputError
		require.True(t, errors.As(err, &ie), "%+v: %v", tc.nu, err)
		assert.Equal(t, tc.field, ie.Field, ie.Error())
	}
	_, err := s.Create(ctx, identity.NewUser{Login: "ok", Role: "editor"}, "test")
	require.NoError(t, err)
	// A password hashed beforehand signs in like one hashed here.
	_, err = s.Create(ctx, identity.NewUser{Login: "pre", Role: "editor", PasswordHash: identity.HashPassword("hashed-before-1")}, "test")
	require.NoError(t, err)
	_, _, err = s.Login(ctx, "pre", "hashed-before-1", "test")
	require.NoError(t, err)
	_, err = s.Create(ctx, identity.NewUser{Login: "OK", Role: "editor"}, "test")
	var ie *identity.InputError
	require.True(t, errors.As(err, &ie))
	assert.Equal(t, "login", ie.Field)
}

func TestLoginSessionTokenAndList(t *testing.T) {
	s := service(t)
	ctx := context.Background()
	_, err := s.Create(ctx, identity.NewUser{Login: "docomo", Role: "reporter", Org: "ドコモ", Password: "a long enough password"}, "test")
	require.NoError(t, err)
	_, err = s.Create(ctx, identity.NewUser{Login: "hanako", Role: "expert", Fields: []string{"systems_audit"},
		Conflicts: []string{"au"}, Password: "another long password"}, "test")
	require.NoError(t, err)

	_, _, err = s.Login(ctx, "docomo", "wrong password!!", "127.0.0.1")
	assert.ErrorIs(t, err, identity.ErrBadCredentials)
	_, _, err = s.Login(ctx, "nobody", "wrong password!!", "127.0.0.1")
	assert.ErrorIs(t, err, identity.ErrBadCredentials, "unknown login and wrong password look the same")

	cookie, p, err := s.Login(ctx, "DoComo", "a long enough password", "127.0.0.1")
	require.NoError(t, err)
	assert.Equal(t, []access.Role{access.Reporter, access.Designated}, p.Roles, "partner rights follow the organisation's flag")
	assert.NotEmpty(t, p.CSRF)
	p2, err := s.Session(ctx, cookie)
	require.NoError(t, err)
	assert.Equal(t, p.UserID, p2.UserID)
	assert.Equal(t, p.CSRF, p2.CSRF)
	var stored int64
	require.NoError(t, s.DB.Raw("SELECT count(*) FROM sessions WHERE token_sha256 = ?", cookie).Scan(&stored).Error)
	assert.Zero(t, stored, "the cookie value itself is never stored")
	require.NoError(t, s.Logout(ctx, cookie))
	_, err = s.Session(ctx, cookie)
	assert.ErrorIs(t, err, identity.ErrNoSession)

	token, err := s.CreateToken(ctx, "hanako", "ci", "test")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(token, "kensho_"))
	p3, err := s.Token(ctx, token)
	require.NoError(t, err)
	assert.Equal(t, "hanako", p3.Login)
	_, err = s.Token(ctx, token+"x")
	assert.ErrorIs(t, err, identity.ErrNoSession)
	toks, err := s.Tokens(ctx, "hanako")
	require.NoError(t, err)
	require.Len(t, toks, 1)
	require.NoError(t, s.RevokeToken(ctx, toks[0].ID, "test"))
	_, err = s.Token(ctx, token)
	assert.ErrorIs(t, err, identity.ErrNoSession, "a revoked token stops working at once")
	_, err = s.CreateToken(ctx, "hanako", "ci", "test")
	require.NoError(t, err)

	rows, err := s.List(ctx)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, "docomo", rows[0].Login)
	assert.Equal(t, "株式会社NTTドコモ", rows[0].Org)
	assert.Equal(t, []string{"expert"}, rows[1].Roles)
	assert.Equal(t, []string{"KDDI株式会社"}, rows[1].Conflicts)
	assert.Equal(t, 1, rows[1].Tokens)
}

func TestFailedLoginsAreThrottled(t *testing.T) {
	s := service(t)
	ctx := context.Background()
	_, err := s.Create(ctx, identity.NewUser{Login: "taro", Role: "editor", Password: "the right password"}, "test")
	require.NoError(t, err)
	for range 10 {
		_, _, err := s.Login(ctx, "taro", "a wrong password", "203.0.113.9")
		require.ErrorIs(t, err, identity.ErrBadCredentials)
	}
	_, _, err = s.Login(ctx, "TARO", "the right password", "203.0.113.9")
	assert.ErrorIs(t, err, identity.ErrTooManyAttempts, "even the right password waits")
	_, _, err = s.Login(ctx, "someone-else", "whatever password", "203.0.113.9")
	assert.ErrorIs(t, err, identity.ErrBadCredentials, "other logins are not affected")
}

func TestDisableEndsSessionsAndTokens(t *testing.T) {
	s := service(t)
	ctx := context.Background()
	_, err := s.Create(ctx, identity.NewUser{Login: "jiro", Role: "editor", Password: "the right password"}, "test")
	require.NoError(t, err)
	cookie, _, err := s.Login(ctx, "jiro", "the right password", "")
	require.NoError(t, err)
	token, err := s.CreateToken(ctx, "jiro", "", "test")
	require.NoError(t, err)

	require.NoError(t, s.SetDisabled(ctx, "jiro", true, "test"))
	_, err = s.Session(ctx, cookie)
	assert.ErrorIs(t, err, identity.ErrNoSession)
	_, err = s.Token(ctx, token)
	assert.ErrorIs(t, err, identity.ErrNoSession)
	_, _, err = s.Login(ctx, "jiro", "the right password", "")
	assert.ErrorIs(t, err, identity.ErrBadCredentials, "a stopped user looks like a wrong password")

	require.NoError(t, s.SetDisabled(ctx, "jiro", false, "test"))
	_, _, err = s.Login(ctx, "jiro", "the right password", "")
	require.NoError(t, err)
	_, err = s.Token(ctx, token)
	assert.ErrorIs(t, err, identity.ErrNoSession, "tokens stay revoked")
	assert.ErrorIs(t, s.SetDisabled(ctx, "nobody", true, "test"), identity.ErrNoUser)
}
