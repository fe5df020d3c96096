// Package config reads Kenshō's typed configuration once at start: the
// defaults in configs/kensho.yaml, then an optional file named by
// KENSHO_CONFIG, then KENSHO_* environment variables. It validates the
// result and names the bad key (and its variable) in every error. Secrets
// are masked whenever the configuration is shown.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/rawbytes"
	"github.com/knadh/koanf/v2"

	"kensho/configs"
)

// Config is the whole configuration.
type Config struct {
	Database Database `koanf:"database"`
	HTTP     HTTP     `koanf:"http"`
	Rules    Rules    `koanf:"rules"`
	Log      Log      `koanf:"log"`
	Intake   Intake   `koanf:"intake"`
	SMTP     SMTP     `koanf:"smtp"`
	Jobs     Jobs     `koanf:"jobs"`
	LLM      LLM      `koanf:"llm"`
	Report   Report   `koanf:"report"`
}

// Report configures the annual report's outputs.
type Report struct {
	// Chromium is the headless browser that prints the report's PDF.
	Chromium string `koanf:"chromium" validate:"required"`
	// PDFTimeout bounds the printing of one PDF.
	PDFTimeout time.Duration `koanf:"pdf_timeout" validate:"min=1s"`
}

// Intake configures the reporting portal.
type Intake struct {
	// MaxAttachmentBytes is the largest file an operator may attach to a report.
	MaxAttachmentBytes int64 `koanf:"max_attachment_bytes" validate:"min=1024"`
}

// Database configures the PostgreSQL connection.
type Database struct {
	URL          string        `koanf:"url" validate:"required,pgurl"`
	MaxOpenConns int           `koanf:"max_open_conns" validate:"min=1,max=1000"`
	MaxIdleConns int           `koanf:"max_idle_conns" validate:"min=0,max=1000"`
	SlowQuery    time.Duration `koanf:"slow_query" validate:"min=0"`
}

// HTTP configures `kensho serve`.
type HTTP struct {
	Addr            string        `koanf:"addr" validate:"required,listenaddr"`
	ReadTimeout     time.Duration `koanf:"read_timeout" validate:"min=1s"`
	WriteTimeout    time.Duration `koanf:"write_timeout" validate:"min=1s"`
	ShutdownTimeout time.Duration `koanf:"shutdown_timeout" validate:"min=0"`
	BodyLimit       string        `koanf:"body_limit" validate:"required,bytesize"`
	// SessionTTL is how long a web session lives without use.
	SessionTTL time.Duration `koanf:"session_ttl" validate:"min=1m"`
	// SecureCookies marks session cookies Secure (sent over HTTPS only;
	// browsers also accept them on http://localhost). Turn off only for a
	// plain-HTTP test host that is not localhost.
	SecureCookies bool `koanf:"secure_cookies"`
}

// Rules says where the rule sets come from.
type Rules struct {
	// Dir, when set, holds rules/*.yaml and nearmiss/*.yaml to use instead
	// of the built-in ones.
	Dir string `koanf:"dir" validate:"omitempty,dir"`
}

// Log configures the slog logger.
type Log struct {
	Level  string `koanf:"level" validate:"oneof=debug info warn error"`
	Format string `koanf:"format" validate:"oneof=text json"`
}

// SMTP is the server reminder e-mails go through. An empty host sends no
// e-mail: reminders are then in-app notifications only.
type SMTP struct {
	Host string `koanf:"host" validate:"omitempty,hostname_rfc1123|ip"`
	Port int    `koanf:"port" validate:"min=1,max=65535"`
	// From is the sender, e.g. "Kenshō <kensho@example.org>".
	From     string `koanf:"from" validate:"required_with=Host,omitempty,mailaddr"`
	Username string `koanf:"username"`
	// PasswordEnv names the environment variable holding the password, so
	// that no file holds it.
	PasswordEnv string `koanf:"password_env" validate:"omitempty,envname"`
	// StartTLS requires STARTTLS before anything else is sent.
	StartTLS bool          `koanf:"starttls"`
	Timeout  time.Duration `koanf:"timeout" validate:"min=1s"`
	// Password is read from PasswordEnv at start; never printed or logged.
	Password string `koanf:"-" json:"-"`
}

// Jobs configures the background jobs (River) of `kensho serve`.
type Jobs struct {
	// Workers is how many jobs this instance runs at once; 0 runs none
	// (other instances do).
	Workers int `koanf:"workers" validate:"min=0,max=100"`
	// PollInterval is how often the queue is checked besides LISTEN/NOTIFY.
	PollInterval time.Duration `koanf:"poll_interval" validate:"min=100ms"`
}

// LLM configures the optional second opinion of an OpenAI-compatible
// model on a case and its similar past cases. Off by default: Kenshō
// works fully without it. What text may be sent is not configured here
// but decided by the access policy for the subject llm:<provider>.
type LLM struct {
	Enabled bool `koanf:"enabled"`
	// Provider is the name the egress policy knows the endpoint by
	// (subject "llm:<provider>" in policies/policy.csv).
	Provider string `koanf:"provider" validate:"omitempty,providername"`
	// BaseURL is the API root including its version path, e.g.
	// https://api.openai.com/v1 or http://localhost:11434/v1.
	BaseURL string `koanf:"base_url" validate:"omitempty,llmurl"`
	Model   string `koanf:"model"`
	// APIKeyEnv names the environment variable holding the API key, so
	// that no file holds it; empty for an endpoint that needs no key.
	APIKeyEnv string `koanf:"api_key_env" validate:"omitempty,envname"`
	// Timeout bounds each attempt.
	Timeout time.Duration `koanf:"timeout" validate:"min=1s,max=10m"`
	// MaxRetries is how many times a timed-out, 5xx or 429 attempt is
	// tried again, with exponential backoff. Other failures are final.
	MaxRetries int `koanf:"max_retries" validate:"min=0,max=5"`
	// BreakerFailures consecutive failed attempts open the circuit
	// breaker: requests then fail fast until BreakerCooldown has passed,
	// when one trial request decides whether it closes again.
	BreakerFailures int           `koanf:"breaker_failures" validate:"min=1,max=100"`
	BreakerCooldown time.Duration `koanf:"breaker_cooldown" validate:"min=1s,max=24h"`
	// Candidates is how many of the most similar past cases a request
	// compares the case with.
	Candidates int `koanf:"candidates" validate:"min=1,max=10"`
	// APIKey is read from APIKeyEnv at start; never printed or logged.
	APIKey string `koanf:"-" json:"-"`
}

// envAliases are variable names that do not follow KENSHO_<SECTION>_<KEY>.
var envAliases = map[string]string{"KENSHO_ADDR": "http.addr"}

// EnvName is the environment variable that sets a key.
func EnvName(key string) string {
	for env, k := range envAliases {
		if k == key {
			return env
		}
	}
	return "KENSHO_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Load builds the configuration from the built-in defaults, the file named
// by KENSHO_CONFIG (if any) and the environment, read through getenv.
func Load(getenv func(string) string) (Config, error) {
	k := koanf.New(".")
	defaults, err := configs.FS.ReadFile("kensho.yaml")
	if err != nil {
		return Config{}, err
	}
	if err := k.Load(rawbytes.Provider(defaults), yaml.Parser()); err != nil {
		return Config{}, fmt.Errorf("config: built-in defaults: %w", err)
	}
	known := k.Keys()
	if path := getenv("KENSHO_CONFIG"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: KENSHO_CONFIG: %w", err)
		}
		f := koanf.New(".")
		if err := f.Load(rawbytes.Provider(data), yaml.Parser()); err != nil {
			return Config{}, fmt.Errorf("config: %s: %w", path, err)
		}
		for _, key := range f.Keys() {
			if !slices.Contains(known, key) {
				return Config{}, fmt.Errorf("config: %s: unknown key %q (known: %s)", path, key, strings.Join(known, ", "))
			}
		}
		if err := k.Merge(f); err != nil {
			return Config{}, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	env := map[string]any{}
	for _, key := range known {
		if v := getenv(EnvName(key)); v != "" {
			env[key] = v
		}
		if v := getenv("KENSHO_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))); v != "" {
			if _, set := env[key]; !set {
				env[key] = v
			}
		}
	}
	if err := k.Load(confmap.Provider(env, "."), nil); err != nil {
		return Config{}, fmt.Errorf("config: environment: %w", err)
	}
	var c Config
	if err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return Config{}, describeDecodeError(err, k)
	}
	if c.SMTP.PasswordEnv != "" {
		c.SMTP.Password = getenv(c.SMTP.PasswordEnv)
	}
	if c.LLM.APIKeyEnv != "" {
		c.LLM.APIKey = getenv(c.LLM.APIKeyEnv)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

var decodeKey = regexp.MustCompile(`'([a-z_.]+)'[^*]*?(?:: (.*))?$`)

// describeDecodeError names the key and variable of a value that has the
// wrong type (say "abc" for a duration).
func describeDecodeError(err error, k *koanf.Koanf) error {
	for _, line := range strings.Split(err.Error(), "\n") {
		if m := decodeKey.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			key := m[1]
			want := "a valid value"
			switch {
			case strings.Contains(m[2], "duration"):
				want = "a duration such as 15s or 2m"
			case strings.Contains(m[2], "ParseInt"), strings.Contains(m[2], "int"):
				want = "a whole number"
			}
			return fmt.Errorf("config: %s (%s): must be %s (got %q)", key, EnvName(key), want, k.String(key))
		}
	}
	return fmt.Errorf("config: %w", err)
}

var (
	validate  = newValidator()
	envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// providerRE keeps the provider a plain name: it becomes the policy
	// subject llm:<provider>, a CSV field of policies/policy.csv.
	providerRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)
)

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string { return f.Tag.Get("koanf") })
	must := func(tag string, fn validator.Func) {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic(err)
		}
	}
	must("pgurl", func(fl validator.FieldLevel) bool { return checkPGURL(fl.Field().String()) == nil })
	must("listenaddr", func(fl validator.FieldLevel) bool { return checkListenAddr(fl.Field().String()) == nil })
	must("bytesize", func(fl validator.FieldLevel) bool { _, err := ParseByteSize(fl.Field().String()); return err == nil })
	must("mailaddr", func(fl validator.FieldLevel) bool { return isMailAddress(fl.Field().String()) })
	must("envname", func(fl validator.FieldLevel) bool { return envNameRE.MatchString(fl.Field().String()) })
	must("providername", func(fl validator.FieldLevel) bool { return providerRE.MatchString(fl.Field().String()) })
	must("llmurl", func(fl validator.FieldLevel) bool { return checkLLMURL(fl.Field().String()) == nil })
	return v
}

// Validate checks every key and reports the first bad one by name.
func (c Config) Validate() error {
	err := validate.Struct(c)
	var verrs validator.ValidationErrors
	if err != nil && !errors.As(err, &verrs) {
		return err
	}
	var msgs []string
	for _, fe := range verrs {
		key := strings.TrimPrefix(fe.Namespace(), "Config.")
		msgs = append(msgs, fmt.Sprintf("%s (%s): %s", key, EnvName(key), message(fe, c)))
	}
	msgs = append(msgs, c.SMTP.problems()...)
	if msgs = append(msgs, c.LLM.problems()...); len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("config: %s", strings.Join(msgs, "; "))
}

func message(fe validator.FieldError, c Config) string {
	shown := fmt.Sprint(fe.Value())
	if fe.Tag() == "pgurl" {
		shown = RedactURL(shown)
	}
	switch fe.Tag() {
	case "required":
		return "required"
	case "pgurl":
		return fmt.Sprintf("%v (got %q)", checkPGURL(fmt.Sprint(fe.Value())), shown)
	case "listenaddr":
		return fmt.Sprintf("%v (got %q)", checkListenAddr(shown), shown)
	case "bytesize":
		return fmt.Sprintf("must be a size such as 10M or 512K (got %q)", shown)
	case "oneof":
		return fmt.Sprintf("must be one of %s (got %q)", strings.ReplaceAll(fe.Param(), " ", ", "), shown)
	case "min":
		return fmt.Sprintf("must be at least %s (got %s)", fe.Param(), shown)
	case "max":
		return fmt.Sprintf("must be at most %s (got %s)", fe.Param(), shown)
	case "dir":
		return fmt.Sprintf("must be an existing directory (got %q)", shown)
	case "hostname_rfc1123|ip":
		return fmt.Sprintf("must be a host name or an IP address (got %q)", shown)
	case "required_with":
		return "required when smtp.host is set"
	case "mailaddr":
		return fmt.Sprintf("must be an e-mail address such as \"Kenshō <kensho@example.org>\" (got %q)", shown)
	case "envname":
		return fmt.Sprintf("must name an environment variable such as KENSHO_SMTP_PASSWORD (got %q)", shown)
	case "providername":
		return fmt.Sprintf("must be a short lower-case name such as ministry or openai (letters, digits, . _ -), the policy subject llm:<name> (got %q)", shown)
	case "llmurl":
		return fmt.Sprintf("%v (got %q)", checkLLMURL(fmt.Sprint(fe.Value())), RedactURL(shown))
	}
	return fmt.Sprintf("fails %s", fe.Tag())
}

func checkPGURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return errors.New("must be a PostgreSQL URL such as postgres://user@host:5432/kensho")
	}
	if strings.TrimPrefix(u.Path, "/") == "" {
		return errors.New("must name a database, as in postgres://user@host:5432/kensho")
	}
	return nil
}

func checkListenAddr(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return errors.New("must be host:port or :port, e.g. :8080")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return errors.New("port must be a number from 0 to 65535")
	}
	return nil
}

// ParseByteSize reads sizes such as 10M, 512K or 1G (powers of 1024).
func ParseByteSize(s string) (int64, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

// RedactURL hides the password of a URL so it can be shown or logged.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// Redacted returns a copy safe to print or log.
func (c Config) Redacted() Config {
	c.Database.URL = RedactURL(c.Database.URL)
	c.SMTP.Password = ""
	c.LLM.APIKey = ""
	if c.LLM.BaseURL != "" {
		c.LLM.BaseURL = RedactURL(c.LLM.BaseURL)
	}
	return c
}

// checkLLMURL accepts an http(s) API root without credentials in it: the
// key travels in a header, from the variable llm.api_key_env names.
func checkLLMURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an http or https URL of the API root such as https://api.openai.com/v1")
	}
	if u.User != nil {
		return errors.New("must not carry credentials: put the API key in the variable llm.api_key_env names")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return errors.New("must not have a query or a fragment")
	}
	return nil
}

// problems are the LLM settings that are each valid but wrong together.
func (l LLM) problems() []string {
	if !l.Enabled {
		return nil
	}
	var out []string
	need := func(key, v string) {
		if strings.TrimSpace(v) == "" {
			out = append(out, fmt.Sprintf("%s (%s): required when llm.enabled is true", key, EnvName(key)))
		}
	}
	need("llm.provider", l.Provider)
	need("llm.base_url", l.BaseURL)
	need("llm.model", l.Model)
	if l.APIKeyEnv != "" && l.APIKey == "" {
		out = append(out, fmt.Sprintf("llm.api_key_env (%s): the variable %s holding the API key is empty; set it, or set llm.api_key_env to \"\" for an endpoint that needs no key",
			EnvName("llm.api_key_env"), l.APIKeyEnv))
	}
	if u, err := url.Parse(l.BaseURL); err == nil && l.APIKey != "" && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		out = append(out, fmt.Sprintf("llm.base_url (%s): must be https when an API key is sent, or the key would cross the network in clear",
			EnvName("llm.base_url")))
	}
	return out
}

// problems are the SMTP settings that are each valid but wrong together.
func (s SMTP) problems() []string {
	var out []string
	if s.Host == "" || s.Username == "" {
		return nil
	}
	if s.Password == "" {
		out = append(out, fmt.Sprintf("smtp.password_env (%s): smtp.username is set but the variable %s holding its password is empty",
			EnvName("smtp.password_env"), s.PasswordEnv))
	}
	if !s.StartTLS && !isLoopback(s.Host) {
		out = append(out, fmt.Sprintf("smtp.starttls (%s): must be true when smtp.username is set, or the password would cross the network in clear",
			EnvName("smtp.starttls")))
	}
	return out
}

func isMailAddress(s string) bool {
	_, err := mail.ParseAddress(s)
	return err == nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
