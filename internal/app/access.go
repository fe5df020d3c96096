package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
	"gorm.io/gorm"

	"kensho/configs"
	"kensho/internal/access"
	"kensho/internal/audit"
	"kensho/internal/casefile"
	"kensho/internal/config"
	"kensho/internal/identity"
	"kensho/internal/redact"
	"kensho/policies"
)

// services are the domain services a server or a command works with.
type services struct {
	db       *gorm.DB
	access   *access.Control
	identity *identity.Service
	cases    *casefile.Service
}

// newServices builds the one enforcer of the process and the services
// that decide with it.
func (a *app) newServices(ctx context.Context, gdb *gorm.DB) (*services, error) {
	return newServices(ctx, gdb, a.cfg, a.log)
}

func newServices(ctx context.Context, gdb *gorm.DB, cfg config.Config, log *slog.Logger) (*services, error) {
	ac, err := access.New(ctx, gdb, log)
	if err != nil {
		return nil, err
	}
	fields, err := expertFields()
	if err != nil {
		return nil, err
	}
	data, err := configs.FS.ReadFile("anonymise.yaml")
	if err != nil {
		return nil, err
	}
	rr, err := redact.ParseRules(data)
	if err != nil {
		return nil, fmt.Errorf("configs/anonymise.yaml: %w", err)
	}
	return &services{
		db:       gdb,
		access:   ac,
		identity: &identity.Service{DB: gdb, Access: ac, Fields: fields, SessionTTL: cfg.HTTP.SessionTTL},
		cases:    &casefile.Service{DB: gdb, Access: ac, Redaction: rr, Log: log},
	}, nil
}

// expertFields are the ids of configs/expert-fields.yaml.
func expertFields() ([]string, error) {
	data, err := configs.FS.ReadFile("expert-fields.yaml")
	if err != nil {
		return nil, err
	}
	var f struct {
		Fields []struct {
			ID string `yaml:"id"`
			JA string `yaml:"ja"`
			EN string `yaml:"en"`
		} `yaml:"fields"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("configs/expert-fields.yaml: %w", err)
	}
	var ids []string
	for _, x := range f.Fields {
		ids = append(ids, x.ID)
	}
	return ids, nil
}

// cliActor names who ran a command, for the audit trail.
func cliActor() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}

// withDB opens the (migrated) database for the length of a command.
func (a *app) withDB(ctx context.Context, fn func(*gorm.DB) error) error {
	store, closeDB, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	return fn(store.DB())
}

// withServices opens the database and builds the services for a command.
func (a *app) withServices(ctx context.Context, fn func(*services) error) error {
	return a.withDB(ctx, func(gdb *gorm.DB) error {
		s, err := a.newServices(ctx, gdb)
		if err != nil {
			return err
		}
		return fn(s)
	})
}

func (a *app) policyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "policy", Short: "The access policy (Casbin)"}
	var file string
	load := &cobra.Command{
		Use:   "load",
		Short: "Load the access policy into the database (default: the built-in policies/policy.csv)",
		Long: `Replaces the policy lines of casbin_rule with those of the file, in one
transaction; users' roles and conflicts, the registry's designated flags and
case shares are kept. Running servers reload at once.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			text := policies.Policy
			if file != "" {
				b, err := os.ReadFile(file)
				if err != nil {
					return usageError{err}
				}
				text = string(b)
			}
			rules, err := access.ParsePolicy(text)
			if err != nil {
				return usageError{err}
			}
			var added, removed int
			err = a.withDB(cmd.Context(), func(gdb *gorm.DB) error {
				return gdb.WithContext(cmd.Context()).Transaction(func(tx *gorm.DB) error {
					var err error
					if added, removed, err = access.LoadPolicy(cmd.Context(), tx, rules, cliActor()); err != nil {
						return err
					}
					_, err = audit.Append(cmd.Context(), tx, audit.Event{Actor: cliActor(), Action: audit.ActionPolicyLoad, Object: "policy",
						Detail: map[string]any{"lines": len(rules), "added": added, "removed": removed, "file": file}})
					return err
				})
			})
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, map[string]int{"lines": len(rules), "added": added, "removed": removed})
		},
	}
	load.Flags().StringVar(&file, "file", "", "policy file (CSV) instead of the built-in one")
	cmd.AddCommand(load)
	return cmd
}

func (a *app) userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Users and their roles"}
	var nu identity.NewUser
	var fields, conflicts string
	var passwordStdin bool
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a user; prints the initial password once unless --password-stdin is given",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			nu.Fields, nu.Conflicts = splitList(fields), splitList(conflicts)
			generated := false
			if passwordStdin {
				line, err := bufio.NewReader(a.stdin).ReadString('\n')
				if err != nil && err != io.EOF {
					return err
				}
				nu.Password = strings.TrimRight(line, "\r\n")
			} else {
				nu.Password, generated = randomPassword(), true
			}
			return a.withServices(cmd.Context(), func(s *services) error {
				u, err := s.identity.Create(cmd.Context(), nu, cliActor())
				if err != nil {
					if ie, ok := err.(*identity.InputError); ok {
						return usageError{fmt.Errorf("--%s: %s", ie.Field, ie.Message)}
					}
					return err
				}
				out := map[string]any{"id": u.ID, "login": u.Login, "role": nu.Role}
				if generated {
					out["password"] = nu.Password
				}
				return writeJSON(a.stdout, out)
			})
		},
	}
	f := create.Flags()
	f.StringVar(&nu.Login, "login", "", "login name (lower case)")
	f.StringVar(&nu.Role, "role", "", "reporter, secretariat, expert, editor, auditor or admin")
	f.StringVar(&nu.Org, "org", "", "organisation of a reporter (any registered name or alias)")
	f.StringVar(&nu.DisplayName, "name", "", "display name")
	f.StringVar(&nu.Email, "email", "", "e-mail address for reminders of the organisation's deadlines (reporters)")
	f.StringVar(&fields, "fields", "", "an expert's fields, comma separated (configs/expert-fields.yaml)")
	f.StringVar(&conflicts, "conflicts", "", "organisations an expert declared a conflict of interest with, comma separated")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	_ = create.MarkFlagRequired("login")
	_ = create.MarkFlagRequired("role")
	list := &cobra.Command{
		Use:   "list",
		Short: "List users with their roles, organisation and conflicts",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withServices(cmd.Context(), func(s *services) error {
				rows, err := s.identity.List(cmd.Context())
				if err != nil {
					return err
				}
				return writeJSON(a.stdout, rows)
			})
		},
	}
	for _, disable := range []bool{true, false} {
		var login string
		use, short := "enable", "Let a disabled user sign in again (tokens stay revoked)"
		if disable {
			use, short = "disable", "Stop a user: ends its sessions and revokes its API tokens at once"
		}
		c := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  args(cobra.NoArgs),
			RunE: func(cmd *cobra.Command, _ []string) error {
				return a.withServices(cmd.Context(), func(s *services) error {
					if err := s.identity.SetDisabled(cmd.Context(), login, disable, cliActor()); err != nil {
						if errors.Is(err, identity.ErrNoUser) {
							return usageError{err}
						}
						return err
					}
					return writeJSON(a.stdout, map[string]any{"login": login, "disabled": disable})
				})
			},
		}
		c.Flags().StringVar(&login, "login", "", "the user's login")
		_ = c.MarkFlagRequired("login")
		cmd.AddCommand(c)
	}
	cmd.AddCommand(create, list)
	return cmd
}

func (a *app) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "API bearer tokens"}
	var login, label string
	create := &cobra.Command{
		Use:   "create",
		Short: "Issue an API token for a user and print it (shown once; only its hash is kept)",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withServices(cmd.Context(), func(s *services) error {
				token, err := s.identity.CreateToken(cmd.Context(), login, label, cliActor())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(a.stdout, token)
				return err
			})
		},
	}
	create.Flags().StringVar(&login, "user", "", "login of the token's user")
	create.Flags().StringVar(&label, "label", "", "what the token is for")
	_ = create.MarkFlagRequired("user")
	var listUser string
	list := &cobra.Command{
		Use:   "list",
		Short: "List API tokens (prefix, label, last use; never the token)",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withServices(cmd.Context(), func(s *services) error {
				rows, err := s.identity.Tokens(cmd.Context(), listUser)
				if err != nil {
					return err
				}
				return writeJSON(a.stdout, rows)
			})
		},
	}
	list.Flags().StringVar(&listUser, "user", "", "only this user's tokens")
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token at once (its id from `kensho token list`)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			id, err := strconv.ParseInt(argv[0], 10, 64)
			if err != nil {
				return usageError{fmt.Errorf("token id %q: want a number from `kensho token list`", argv[0])}
			}
			return a.withServices(cmd.Context(), func(s *services) error {
				if err := s.identity.RevokeToken(cmd.Context(), id, cliActor()); err != nil {
					if errors.Is(err, identity.ErrNoToken) {
						return usageError{err}
					}
					return err
				}
				return writeJSON(a.stdout, map[string]any{"revoked": id})
			})
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

func (a *app) auditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "The audit trail"}
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check the hash chain of the audit trail; exit status 1 and the first broken entry if it fails",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd.Context(), func(gdb *gorm.DB) error {
				res, err := audit.Verify(cmd.Context(), gdb)
				if err != nil {
					return err
				}
				if err := writeJSON(a.stdout, res); err != nil {
					return err
				}
				if !res.OK {
					return fmt.Errorf("audit chain broken at entry %d: %s", res.Broken.ID, res.Broken.Reason)
				}
				return nil
			})
		},
	}
	var out string
	export := &cobra.Command{
		Use:   "export",
		Short: "Write the whole audit trail as CSV, newest first",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := a.stdout
			if out != "" && out != "-" {
				f, err := os.Create(out)
				if err != nil {
					return usageError{err}
				}
				defer f.Close()
				w = f
			}
			return a.withDB(cmd.Context(), func(gdb *gorm.DB) error {
				return audit.WriteCSV(cmd.Context(), gdb, audit.Query{}, w, false)
			})
		},
	}
	export.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	cmd.AddCommand(verify, export)
	return cmd
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func randomPassword() string {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
