// Package intake takes reports into Kenshō: it validates kensho-case/v1
// input, resolves operators to organisations, recognises a case it already
// holds (same operators and ref) and a report it already has (same content),
// and stores the rest atomically. It also writes the case base back out as
// v1 and keeps the organisation registry.
package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"kensho/internal/audit"
	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/db"
)

// Service is the intake of reports.
type Service struct {
	store *casestore.Store
	log   *slog.Logger
	now   func() time.Time
	// actor is who the audit trail names for the writes.
	actor string
}

// New returns an intake service over store; its writes are audited as
// "system" until As names someone.
func New(store *casestore.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, log: log, now: time.Now, actor: "system"}
}

// As is the service writing on behalf of actor (for the audit trail).
func (s *Service) As(actor string) *Service {
	c := *s
	c.actor = actor
	return &c
}

// ImportResult is what an import did. Errors is never null, so scripts can
// test its length.
type ImportResult struct {
	Imported int      `json:"imported"`
	Updated  int      `json:"updated"`
	Skipped  int      `json:"skipped"`
	Errors   []string `json:"errors"`
}

// Import stores the cases of a v1 file, all or nothing. A case already held
// (same organisations and ref) with a report of the same content is
// skipped; with new content its report is added and its working copy
// replaced. On bad input nothing is written and the error is a
// caseformat.Errors listing every problem with its JSON path.
func (s *Service) Import(ctx context.Context, data []byte, sourceName string) (ImportResult, error) {
	res := ImportResult{Errors: []string{}}
	f, err := caseformat.DecodeFile(data)
	if err != nil {
		var errs caseformat.Errors
		if errors.As(err, &errs) {
			res.Errors = errs.Strings()
		}
		return res, err
	}
	received := s.now()
	err = db.WithTx(ctx, s.store.DB(), func(tx *gorm.DB) error {
		if err := casestore.Lock(tx); err != nil {
			return err
		}
		incoming, err := identify(tx, f, casestore.Report{Source: "import", SourceName: sourceName, ReceivedAt: received})
		if err != nil {
			return err
		}
		if res, err = store(tx, incoming); err != nil {
			return err
		}
		if res.Imported+res.Updated == 0 {
			return nil
		}
		_, err = audit.Append(ctx, tx, audit.Event{Actor: s.actor, Action: audit.ActionImport, Object: "cases",
			Detail: map[string]any{"source": sourceName, "imported": res.Imported, "updated": res.Updated, "skipped": res.Skipped}})
		return err
	})
	if err != nil {
		var errs caseformat.Errors
		if errors.As(err, &errs) {
			return ImportResult{Errors: errs.Strings()}, err
		}
		return ImportResult{Errors: []string{}}, err
	}
	s.log.InfoContext(ctx, "import", "source", sourceName, "imported", res.Imported, "updated", res.Updated, "skipped", res.Skipped)
	return res, nil
}

// incoming is a file's cases ready to store: each with its organisations,
// identity and report, and first[identity] the index of the first case of
// each identity (a later one is a repeat).
type incoming struct {
	cases []casestore.NewCase
	first map[string]int
}

// identify resolves each case's operators to organisations and computes
// its identity. Two names of one organisation in a case, or one identity
// twice in the file with different content, are errors with their paths.
func identify(tx *gorm.DB, f *caseformat.File, report casestore.Report) (incoming, error) {
	var names []string
	for _, c := range f.Cases {
		for _, op := range c.Operators {
			names = append(names, op.Name)
		}
	}
	orgs, err := casestore.ResolveOrganisations(tx, names)
	if err != nil {
		return incoming{}, err
	}
	var errs caseformat.Errors
	in := incoming{cases: make([]casestore.NewCase, len(f.Cases)), first: map[string]int{}}
	for i, c := range f.Cases {
		rep := report
		rep.Body, rep.BodySHA256 = f.Raw[i], sha(f.Raw[i])
		nc := casestore.NewCase{Case: c, Hash: c.Hash(), Report: rep}
		seenOrg := map[int64]int{}
		for j, op := range c.Operators {
			id := orgs[caseformat.NormalizeName(op.Name)]
			if k, dup := seenOrg[id]; dup {
				errs = append(errs, caseformat.FieldError{Path: fmt.Sprintf("cases[%d].operators[%d].name", i, j),
					Message: fmt.Sprintf("%q is the same organisation as operators[%d] (%q)", op.Name, k, c.Operators[k].Name)})
			}
			seenOrg[id] = j
			nc.OrgIDs = append(nc.OrgIDs, id)
		}
		nc.Identity = IdentityKey(nc.OrgIDs, c.Ref)
		if j, dup := in.first[nc.Identity]; !dup {
			in.first[nc.Identity] = i
		} else if in.cases[j].Hash != nc.Hash {
			errs = append(errs, caseformat.FieldError{Path: fmt.Sprintf("cases[%d]", i),
				Message: fmt.Sprintf("same operators and ref %q as cases[%d] but different content", c.Ref, j)})
		}
		in.cases[i] = nc
	}
	if len(errs) > 0 {
		return incoming{}, errs
	}
	return in, nil
}

// store writes what is new: new cases, and new reports of cases already
// held (which replace their working copy). Known reports and repeats
// within the file are skipped.
func store(tx *gorm.DB, in incoming) (ImportResult, error) {
	res := ImportResult{Errors: []string{}}
	keys := make([]string, 0, len(in.first))
	for k := range in.first {
		keys = append(keys, k)
	}
	existing, err := casestore.FindByIdentity(tx, keys)
	if err != nil {
		return res, err
	}
	var fresh []casestore.NewCase
	for i, nc := range in.cases {
		ex, held := existing[nc.Identity]
		switch {
		case in.first[nc.Identity] != i:
			res.Skipped++
		case !held:
			fresh = append(fresh, nc)
			res.Imported++
		case ex.Reports[nc.Hash]:
			res.Skipped++
		default:
			if err := casestore.Replace(tx, ex.CaseID, nc); err != nil {
				return res, fmt.Errorf("cases[%d]: %w", i, err)
			}
			res.Updated++
		}
	}
	return res, casestore.Insert(tx, fresh)
}

// IdentityKey names one real case: its organisations, in any order, and the
// reporter's ref.
func IdentityKey(orgIDs []int64, ref string) string {
	ids := slices.Clone(orgIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return "orgs:" + strings.Join(parts, ",") + "|ref:" + ref
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Export writes the selected cases' working copies as a v1 file and returns
// how many it wrote.
func (s *Service) Export(ctx context.Context, w io.Writer, f casestore.Filter) (int, error) {
	fw := caseformat.NewFileWriter(w)
	n := 0
	err := s.store.Stream(ctx, f, 500, func(cases []caseformat.Case) error {
		for _, c := range cases {
			if err := fw.Write(c); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	return n, fw.Close()
}
