// Package identity knows who is calling: users and their roles, web
// sessions and API tokens. Passwords are kept only as argon2id digests and
// session cookies and tokens only as SHA-256 digests, so a copy of the
// database lets no one in. What a user may do is not decided here but by
// package access; this package only writes a user's grants when the user is
// created.
package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casestore"
)

// User is a person who signs in.
type User struct {
	ID             int64
	Login          string
	DisplayName    string
	PasswordHash   string `json:"-"`
	OrganisationID *int64
	Email          *string // where reminders go (reporters); nil: in-app only
	Fields         Strings `gorm:"type:text[]"`
	DisabledAt     *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Principal is an authenticated caller as the rest of the system sees it.
type Principal struct {
	UserID  int64
	Login   string
	Name    string
	OrgID   int64
	OrgName string
	Roles   []access.Role
	Fields  []string
	Subject access.Subject
	// CSRF is the session's form token (web sessions only).
	CSRF string
}

// Has reports whether the principal holds role r.
func (p *Principal) Has(r access.Role) bool { return p != nil && slices.Contains(p.Roles, r) }

// Service manages users, sessions and tokens.
type Service struct {
	DB     *gorm.DB
	Access *access.Control
	// Fields are the known fields of expertise (configs/expert-fields.yaml).
	Fields []string
	// SessionTTL is how long a web session lasts without use.
	SessionTTL time.Duration
}

// Errors callers map to messages and status codes.
var (
	ErrBadCredentials = errors.New("unknown login or wrong password")
	// ErrTooManyAttempts: too many failed logins for this login lately.
	ErrTooManyAttempts = errors.New("too many failed sign-ins; try again later")
	ErrNoSession       = errors.New("no valid session")
	ErrNoUser          = errors.New("no such user")
	ErrLoginTaken      = errors.New("login already exists")
)

// InputError is a user input problem, naming the field.
type InputError struct {
	Field string
	// Code names the problem for pages that say it in the reader's
	// language; Message says it in English.
	Code    string
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

var loginRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// NewUser is what `kensho user create` and the admin page give.
type NewUser struct {
	Login       string
	DisplayName string
	Role        string
	Org         string
	Fields      []string
	Conflicts   []string
	Password    string
	// PasswordHash is Password hashed beforehand (HashPassword), used
	// instead of hashing it again: the demo's public passwords are hashed
	// once per process, not once per database.
	PasswordHash string
	// Email is optional: a bare address (name@example.org).
	Email string
}

// Create adds a user and its grants (role, declared conflicts) in one
// transaction, audited as by.
func (s *Service) Create(ctx context.Context, nu NewUser, by string) (*User, error) {
	login := strings.ToLower(strings.TrimSpace(nu.Login))
	if !loginRE.MatchString(login) {
		return nil, &InputError{"login", "login.invalid", "2–64 characters: lower-case letters, digits, '.', '_' or '-'"}
	}
	role, ok := access.ParseRole(nu.Role)
	if !ok {
		return nil, &InputError{"role", "role.unknown", fmt.Sprintf("%q is not a role; one of %s", nu.Role, roleNames())}
	}
	if role == access.Reporter && strings.TrimSpace(nu.Org) == "" {
		return nil, &InputError{"org", "org.required", "a reporter belongs to an organisation"}
	}
	if role != access.Reporter && strings.TrimSpace(nu.Org) != "" {
		return nil, &InputError{"org", "org.forbidden", "only reporters belong to an organisation"}
	}
	if len(nu.Fields) > 0 && role != access.Expert {
		return nil, &InputError{"fields", "fields.forbidden", "only experts have fields of expertise"}
	}
	if len(nu.Conflicts) > 0 && role != access.Expert {
		return nil, &InputError{"conflicts", "conflicts.forbidden", "only experts declare conflicts"}
	}
	for _, f := range nu.Fields {
		if !slices.Contains(s.Fields, f) {
			return nil, &InputError{"fields", "fields.unknown", fmt.Sprintf("%q is not a field; one of %s", f, strings.Join(s.Fields, ", "))}
		}
	}
	if nu.Password != "" && len([]rune(nu.Password)) < 12 {
		return nil, &InputError{"password", "password.short", "at least 12 characters"}
	}
	u := &User{Login: login, DisplayName: strings.TrimSpace(nu.DisplayName), Fields: Strings(nu.Fields)}
	if email := strings.TrimSpace(nu.Email); email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || a.Name != "" {
			return nil, &InputError{"email", "email.invalid", fmt.Sprintf("%q is not an e-mail address such as name@example.org", email)}
		}
		u.Email = &email
	}
	if u.Fields == nil {
		u.Fields = Strings{}
	}
	switch {
	case nu.PasswordHash != "":
		if !strings.HasPrefix(nu.PasswordHash, "$argon2id$") {
			return nil, &InputError{"password", "password.hash", "not an argon2id hash"}
		}
		u.PasswordHash = nu.PasswordHash
	case nu.Password != "":
		u.PasswordHash = HashPassword(nu.Password)
	}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&User{}).Where("login = ?", login).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &InputError{"login", "login.taken", ErrLoginTaken.Error()}
		}
		if role == access.Reporter {
			org, err := casestore.FindOrganisation(tx, nu.Org)
			if err != nil {
				if errors.Is(err, casestore.ErrNoOrganisation) {
					return &InputError{"org", "org.unknown", err.Error()}
				}
				return err
			}
			u.OrganisationID = &org.ID
		}
		var conflictOrgs []int64
		for _, c := range nu.Conflicts {
			org, err := casestore.FindOrganisation(tx, c)
			if err != nil {
				if errors.Is(err, casestore.ErrNoOrganisation) {
					return &InputError{"conflicts", "conflicts.unknown", err.Error()}
				}
				return err
			}
			conflictOrgs = append(conflictOrgs, org.ID)
		}
		if err := tx.Omit("ID", "CreatedAt", "UpdatedAt").Create(u).Error; err != nil {
			return err
		}
		grants := []access.Rule{access.NewRule(access.SourceUser, by, "", "g", access.UserKey(u.ID), access.RoleKey(role))}
		for _, o := range conflictOrgs {
			grants = append(grants, access.NewRule(access.SourceUser, by, "declared conflict of interest",
				"p", access.UserKey(u.ID), access.OwnerKey(o), "*", "*", "deny"))
		}
		for _, g := range grants {
			if _, err := access.Grant(ctx, tx, g); err != nil {
				return err
			}
		}
		_, err := audit.Append(ctx, tx, audit.Event{Actor: by, Action: audit.ActionUserCreate, Object: access.UserKey(u.ID),
			Detail: map[string]any{"login": login, "role": role, "org": nu.Org, "fields": nu.Fields, "conflicts": nu.Conflicts,
				"email": audit.Hidden(nu.Email)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, s.Access.Reload()
}

func roleNames() string {
	var s []string
	for _, r := range access.UserRoles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

// UserRow is a user as `kensho user list` and the admin page show it.
type UserRow struct {
	ID        int64    `json:"id"`
	Login     string   `json:"login"`
	Name      string   `json:"name,omitempty"`
	Roles     []string `json:"roles"`
	Org       string   `json:"organisation,omitempty"`
	Fields    []string `json:"fields,omitempty"`
	Conflicts []string `json:"conflicts,omitempty"`
	Email     string   `json:"email,omitempty"`
	Disabled  bool     `json:"disabled,omitempty"`
	Password  bool     `json:"can_sign_in"`
	Tokens    int      `json:"active_tokens"`
}

// List returns every user with roles and conflicts as the policy holds them.
func (s *Service) List(ctx context.Context) ([]UserRow, error) {
	var users []User
	if err := s.DB.WithContext(ctx).Order("login").Find(&users).Error; err != nil {
		return nil, err
	}
	orgs, _, err := casestore.OrganisationNames(s.DB.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	orgName := map[int64]string{}
	for _, o := range orgs {
		orgName[o.ID] = o.Name
	}
	var grants []access.Rule
	if err := s.DB.WithContext(ctx).Where("source = ?", access.SourceUser).Order("id").Find(&grants).Error; err != nil {
		return nil, err
	}
	type tokenCount struct {
		UserID int64
		N      int
	}
	var counts []tokenCount
	if err := s.DB.WithContext(ctx).Raw("SELECT user_id, count(*) AS n FROM api_tokens WHERE revoked_at IS NULL GROUP BY user_id").Scan(&counts).Error; err != nil {
		return nil, err
	}
	tokens := map[int64]int{}
	for _, c := range counts {
		tokens[c.UserID] = c.N
	}
	out := make([]UserRow, 0, len(users))
	for _, u := range users {
		row := UserRow{ID: u.ID, Login: u.Login, Name: u.DisplayName, Fields: u.Fields, Disabled: u.DisabledAt != nil,
			Password: u.PasswordHash != "", Tokens: tokens[u.ID], Roles: []string{}}
		if u.OrganisationID != nil {
			row.Org = orgName[*u.OrganisationID]
		}
		if u.Email != nil {
			row.Email = *u.Email
		}
		key := access.UserKey(u.ID)
		for _, g := range grants {
			switch {
			case g.Ptype == "g" && g.V0 == key:
				row.Roles = append(row.Roles, strings.TrimPrefix(g.V1, "role:"))
			case g.Ptype == "p" && g.V0 == key && g.V4 == "deny":
				org := access.Subject{Org: strings.TrimPrefix(g.V1, "owner:")}.OrgID()
				row.Conflicts = append(row.Conflicts, orgName[org])
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// principal builds the caller from a user row.
func (s *Service) principal(ctx context.Context, u *User) (*Principal, error) {
	p := &Principal{UserID: u.ID, Login: u.Login, Name: u.DisplayName, Fields: u.Fields}
	if p.Name == "" {
		p.Name = u.Login
	}
	var org int64
	if u.OrganisationID != nil {
		org = *u.OrganisationID
		var o casestore.Organisation
		if err := s.DB.WithContext(ctx).Take(&o, org).Error; err != nil {
			return nil, err
		}
		p.OrgID, p.OrgName = org, o.Name
	}
	p.Subject = access.UserSubject(u.ID, org)
	p.Roles = s.Access.Roles(p.Subject)
	return p, nil
}

// ByLogin returns the principal of a login (for the CLI and tests).
func (s *Service) ByLogin(ctx context.Context, login string) (*Principal, error) {
	var u User
	err := s.DB.WithContext(ctx).Where("login = ?", strings.ToLower(login)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("%q: %w", login, ErrNoUser)
	}
	if err != nil {
		return nil, err
	}
	return s.principal(ctx, &u)
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// argon2id parameters (RFC 9106 second recommendation, memory-constrained):
// about 50 ms on this class of machine.
const (
	kdfTime    = 3
	kdfMemory  = 64 * 1024
	kdfThreads = 2
	kdfKeyLen  = 32
)

// HashPassword returns the PHC string of password under argon2id.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	key := argon2.IDKey([]byte(password), salt, kdfTime, kdfMemory, kdfThreads, kdfKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, kdfMemory, kdfTime, kdfThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword compares password with a PHC string in constant time.
func CheckPassword(phc, password string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the login is unknown, so that timing
// does not tell which logins exist.
var dummyHash = HashPassword("kensho-timing-equaliser")

// SetDisabled disables (or enables again) a user. Disabling ends the
// user's sessions and revokes its API tokens at once: a member who leaves
// loses access now, not when a cookie expires. Audited as by.
func (s *Service) SetDisabled(ctx context.Context, login string, disabled bool, by string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		err := tx.Where("login = ?", strings.ToLower(strings.TrimSpace(login))).Take(&u).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("%q: %w", login, ErrNoUser)
		}
		if err != nil {
			return err
		}
		if (u.DisabledAt != nil) == disabled {
			return nil
		}
		var at any
		action := audit.ActionUserEnable
		if disabled {
			at, action = time.Now(), audit.ActionUserDisable
			if err := tx.Exec("DELETE FROM sessions WHERE user_id = ?", u.ID).Error; err != nil {
				return err
			}
			if err := tx.Exec("UPDATE api_tokens SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL", u.ID).Error; err != nil {
				return err
			}
		}
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"disabled_at": at, "updated_at": time.Now()}).Error; err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: by, Action: action, Object: access.UserKey(u.ID),
			Detail: map[string]any{"login": u.Login}})
		return err
	})
}
