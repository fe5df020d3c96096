package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"kensho/internal/config"
)

var safeDBName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// AdminURL returns the URL of the maintenance database ("postgres") on the
// server of dbURL, and the database name dbURL names.
func AdminURL(dbURL string) (string, string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", "", fmt.Errorf("database URL: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if !safeDBName.MatchString(name) {
		return "", "", fmt.Errorf("database name %q: use lower-case letters, digits and _", name)
	}
	u.Path = "/postgres"
	return u.String(), name, nil
}

// CreateDatabase creates the database dbURL names unless it exists, in
// UTF-8, and reports whether it created it.
func CreateDatabase(ctx context.Context, dbURL string) (bool, error) {
	admin, name, err := AdminURL(dbURL)
	if err != nil {
		return false, err
	}
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return false, fmt.Errorf("server of %s: %w", config.RedactURL(dbURL), err)
	}
	if exists {
		return false, nil
	}
	// template0 lets the encoding differ from the server default; the C
	// locale is compatible with UTF-8 on every server.
	_, err = conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'`, name))
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // created meanwhile by someone else
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("create database %s: %w", name, err)
	}
	return true, nil
}

// DropDatabase drops the database dbURL names, closing its connections.
func DropDatabase(ctx context.Context, dbURL string) error {
	admin, name, err := AdminURL(dbURL)
	if err != nil {
		return err
	}
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	return err
}
