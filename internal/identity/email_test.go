package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/internal/identity"
)

// A user may have an e-mail address, where reminders of its organisation's
// deadlines go; it must be a bare address.
func TestUserEmail(t *testing.T) {
	s := service(t)
	ctx := context.Background()
	for _, bad := range []string{"no-at-sign", "Taro <taro@example.org>", "a@b@c", "taro @example.org"} {
		_, err := s.Create(ctx, identity.NewUser{Login: "x1", Role: "reporter", Org: "KDDI", Email: bad}, "test")
		var ie *identity.InputError
		require.True(t, errors.As(err, &ie), "%q: %v", bad, err)
		assert.Equal(t, "email", ie.Field)
		assert.Equal(t, "email.invalid", ie.Code)
	}
	u, err := s.Create(ctx, identity.NewUser{Login: "kddi-1", Role: "reporter", Org: "KDDI", Email: " taro@example.org "}, "test")
	require.NoError(t, err)
	require.NotNil(t, u.Email)
	assert.Equal(t, "taro@example.org", *u.Email)
	_, err = s.Create(ctx, identity.NewUser{Login: "kddi-2", Role: "reporter", Org: "KDDI"}, "test")
	require.NoError(t, err)
	rows, err := s.List(ctx)
	require.NoError(t, err)
	emails := map[string]string{}
	for _, r := range rows {
		emails[r.Login] = r.Email
	}
	assert.Equal(t, map[string]string{"kddi-1": "taro@example.org", "kddi-2": ""}, emails)
}
