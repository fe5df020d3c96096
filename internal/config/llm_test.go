package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLLMOffByDefault(t *testing.T) {
	c, err := Load(env(nil))
	require.NoError(t, err)
	assert.False(t, c.LLM.Enabled, "no text leaves unless the LLM is switched on")
	assert.Equal(t, "KENSHO_LLM_API_KEY", c.LLM.APIKeyEnv)
	assert.Equal(t, 60*time.Second, c.LLM.Timeout)
	assert.Equal(t, 2, c.LLM.MaxRetries)
	assert.Equal(t, 5, c.LLM.BreakerFailures)
	assert.Equal(t, 5*time.Minute, c.LLM.BreakerCooldown)
	assert.Equal(t, 5, c.LLM.Candidates)
}

var llmOn = map[string]string{
	"KENSHO_LLM_ENABLED": "true", "KENSHO_LLM_PROVIDER": "ministry",
	"KENSHO_LLM_BASE_URL": "https://llm.example.go.jp/v1", "KENSHO_LLM_MODEL": "kensho-ja",
	"KENSHO_LLM_API_KEY": "sk-test-very-secret",
}

func with(base map[string]string, kv ...string) map[string]string {
	m := map[string]string{}
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// The key comes from the variable the configuration names and is never
// shown, not even by `kensho config`.
func TestLLMKeyFromTheNamedVariable(t *testing.T) {
	c, err := Load(env(with(llmOn, "KENSHO_LLM_API_KEY_ENV", "MINISTRY_LLM_KEY", "MINISTRY_LLM_KEY", "sk-other-secret")))
	require.NoError(t, err)
	assert.True(t, c.LLM.Enabled)
	assert.Equal(t, "sk-other-secret", c.LLM.APIKey)
	for _, v := range []any{c, c.Redacted()} {
		shown, err := json.Marshal(v)
		require.NoError(t, err)
		assert.NotContains(t, string(shown), "sk-other-secret")
		assert.Contains(t, string(shown), "MINISTRY_LLM_KEY", "the variable's name is shown, not its value")
	}
	// An endpoint that needs no key (a file can name no variable).
	file := filepath.Join(t.TempDir(), "kensho.yaml")
	require.NoError(t, os.WriteFile(file, []byte("llm:\n  api_key_env: \"\"\n"), 0o600))
	c, err = Load(env(with(llmOn, "KENSHO_CONFIG", file, "KENSHO_LLM_API_KEY", "", "KENSHO_LLM_BASE_URL", "http://localhost:11434/v1")))
	require.NoError(t, err)
	assert.Empty(t, c.LLM.APIKey)
}

func TestLLMValidationNamesTheKey(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{with(llmOn, "KENSHO_LLM_PROVIDER", ""), "llm.provider (KENSHO_LLM_PROVIDER): required when llm.enabled is true"},
		{with(llmOn, "KENSHO_LLM_BASE_URL", ""), "llm.base_url (KENSHO_LLM_BASE_URL): required when llm.enabled is true"},
		{with(llmOn, "KENSHO_LLM_MODEL", ""), "llm.model (KENSHO_LLM_MODEL): required when llm.enabled is true"},
		{with(llmOn, "KENSHO_LLM_PROVIDER", "Ministry, *"), "llm.provider (KENSHO_LLM_PROVIDER): must be a short lower-case name"},
		{with(llmOn, "KENSHO_LLM_BASE_URL", "ftp://x/v1"), "llm.base_url (KENSHO_LLM_BASE_URL): must be an http or https URL"},
		{with(llmOn, "KENSHO_LLM_BASE_URL", "https://user:hunter2@x/v1"), "llm.base_url (KENSHO_LLM_BASE_URL): must not carry credentials"},
		{with(llmOn, "KENSHO_LLM_BASE_URL", "http://llm.example.org/v1"), "llm.base_url (KENSHO_LLM_BASE_URL): must be https when an API key is sent"},
		{with(llmOn, "KENSHO_LLM_API_KEY", ""), "llm.api_key_env (KENSHO_LLM_API_KEY_ENV): the variable KENSHO_LLM_API_KEY holding the API key is empty"},
		{with(llmOn, "KENSHO_LLM_API_KEY_ENV", "not-a-name"), "llm.api_key_env (KENSHO_LLM_API_KEY_ENV): must name an environment variable"},
		{with(llmOn, "KENSHO_LLM_TIMEOUT", "10ms"), "llm.timeout (KENSHO_LLM_TIMEOUT): must be at least 1s"},
		{with(llmOn, "KENSHO_LLM_TIMEOUT", "soon"), "llm.timeout (KENSHO_LLM_TIMEOUT): must be a duration"},
		{with(llmOn, "KENSHO_LLM_MAX_RETRIES", "9"), "llm.max_retries (KENSHO_LLM_MAX_RETRIES): must be at most 5"},
		{with(llmOn, "KENSHO_LLM_BREAKER_FAILURES", "0"), "llm.breaker_failures (KENSHO_LLM_BREAKER_FAILURES): must be at least 1"},
		{with(llmOn, "KENSHO_LLM_BREAKER_COOLDOWN", "0s"), "llm.breaker_cooldown (KENSHO_LLM_BREAKER_COOLDOWN): must be at least 1s"},
		{with(llmOn, "KENSHO_LLM_CANDIDATES", "50"), "llm.candidates (KENSHO_LLM_CANDIDATES): must be at most 10"},
		{with(llmOn, "KENSHO_LLM_ENABLED", "maybe"), "llm.enabled (KENSHO_LLM_ENABLED)"},
	} {
		_, err := Load(env(tc.env))
		require.Error(t, err, tc.want)
		assert.Contains(t, err.Error(), tc.want)
		assert.NotContains(t, err.Error(), "sk-test-very-secret")
		assert.NotContains(t, err.Error(), "hunter2")
	}
	// Switched off, the other keys may stay empty.
	_, err := Load(env(map[string]string{"KENSHO_LLM_ENABLED": "false"}))
	require.NoError(t, err)
}
