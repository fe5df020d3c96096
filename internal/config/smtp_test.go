package config

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSMTPDefaultsSendNoMail(t *testing.T) {
	c, err := Load(env(nil))
	require.NoError(t, err)
	assert.Empty(t, c.SMTP.Host, "no SMTP server: reminders are in-app only")
	assert.Equal(t, "KENSHO_SMTP_PASSWORD", c.SMTP.PasswordEnv)
	assert.True(t, c.SMTP.StartTLS)
	assert.Equal(t, 30*time.Second, c.SMTP.Timeout)
	assert.Equal(t, 2, c.Jobs.Workers)
	assert.Equal(t, time.Second, c.Jobs.PollInterval)
}

// The password comes from the variable the configuration names, and is
// never shown.
func TestSMTPPasswordFromTheNamedVariable(t *testing.T) {
	c, err := Load(env(map[string]string{
		"KENSHO_SMTP_HOST": "smtp.example.org", "KENSHO_SMTP_FROM": "Kenshō <kensho@example.org>",
		"KENSHO_SMTP_USERNAME": "kensho", "KENSHO_SMTP_PASSWORD_ENV": "MAIL_SECRET", "MAIL_SECRET": "s3cret-pw",
	}))
	require.NoError(t, err)
	assert.Equal(t, "s3cret-pw", c.SMTP.Password)
	shown, err := json.Marshal(c.Redacted())
	require.NoError(t, err)
	assert.NotContains(t, string(shown), "s3cret-pw")
	shown, err = json.Marshal(c)
	require.NoError(t, err)
	assert.NotContains(t, string(shown), "s3cret-pw", "not even unredacted JSON carries it")
}

func TestSMTPValidation(t *testing.T) {
	base := map[string]string{"KENSHO_SMTP_HOST": "smtp.example.org", "KENSHO_SMTP_FROM": "kensho@example.org"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{with("KENSHO_SMTP_FROM", ""), "smtp.from (KENSHO_SMTP_FROM): required when smtp.host is set"},
		{with("KENSHO_SMTP_FROM", "not an address"), "smtp.from (KENSHO_SMTP_FROM): must be an e-mail address"},
		{with("KENSHO_SMTP_HOST", "bad host!"), "smtp.host (KENSHO_SMTP_HOST): must be a host name or an IP address"},
		{with("KENSHO_SMTP_PORT", "0"), "smtp.port (KENSHO_SMTP_PORT): must be at least 1"},
		{with("KENSHO_SMTP_PASSWORD_ENV", "not-a-name"), "smtp.password_env (KENSHO_SMTP_PASSWORD_ENV): must name an environment variable"},
		{with("KENSHO_SMTP_USERNAME", "kensho"), "smtp.password_env (KENSHO_SMTP_PASSWORD_ENV): smtp.username is set but the variable KENSHO_SMTP_PASSWORD holding its password is empty"},
		{with("KENSHO_SMTP_USERNAME", "kensho", "KENSHO_SMTP_PASSWORD", "pw", "KENSHO_SMTP_STARTTLS", "false"), "smtp.starttls (KENSHO_SMTP_STARTTLS): must be true when smtp.username is set"},
		{map[string]string{"KENSHO_JOBS_WORKERS": "-1"}, "jobs.workers (KENSHO_JOBS_WORKERS): must be at least 0"},
	} {
		_, err := Load(env(tc.env))
		if assert.Error(t, err, tc.want) {
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "pw\"")
		}
	}
	// A local relay may take the password without TLS: it never leaves the machine.
	_, err := Load(env(with("KENSHO_SMTP_HOST", "127.0.0.1", "KENSHO_SMTP_USERNAME", "kensho", "KENSHO_SMTP_PASSWORD", "pw", "KENSHO_SMTP_STARTTLS", "false")))
	assert.NoError(t, err)
}
