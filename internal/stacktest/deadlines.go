package stacktest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"kensho/internal/caseformat"
	"kensho/internal/casestore"
	"kensho/internal/intake"
)

// Report is a submission for AddCase: its kind (quick, detailed, …), the
// organisation that filed it ("" for a secretariat import) and when.
type Report struct {
	Kind string
	Org  string
	At   time.Time
}

// AddCase stores a case (kensho-case/v1 JSON, operators by registered
// name) with its reports, the first one creating it, and syncs its
// deadlines in the same transaction, as intake does. It returns the case id.
func (s *Stack) AddCase(t testing.TB, caseJSON string, reports ...Report) int64 {
	t.Helper()
	c, err := caseformat.DecodeCase([]byte(caseJSON))
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = s.DB.Transaction(func(tx *gorm.DB) error {
		var orgIDs []int64
		for _, op := range c.Operators {
			o, err := casestore.FindOrganisation(tx, op.Name)
			if err != nil {
				return err
			}
			orgIDs = append(orgIDs, o.ID)
		}
		identity := intake.IdentityKey(orgIDs, c.Ref)
		for i, r := range reports {
			body := []byte(fmt.Sprintf("%s\n#%d %s", caseJSON, i, r.Kind))
			sum := sha256.Sum256(body)
			rep := casestore.Report{Source: "api", Body: body, BodySHA256: hex.EncodeToString(sum[:]), ReceivedAt: r.At, Kind: r.Kind}
			if r.Kind == "import" {
				rep.Source = "import"
			}
			if r.Org != "" {
				o, err := casestore.FindOrganisation(tx, r.Org)
				if err != nil {
					return err
				}
				rep.OrganisationID = o.ID
			}
			nc := casestore.NewCase{Case: c, Hash: fmt.Sprintf("%s-%d", c.Hash(), i), Identity: identity, OrgIDs: orgIDs, Report: rep}
			if i == 0 {
				if err := casestore.Insert(tx, []casestore.NewCase{nc}); err != nil {
					return err
				}
				if err := tx.Raw("SELECT id FROM cases WHERE identity_key = ?", identity).Scan(&id).Error; err != nil {
					return err
				}
				continue
			}
			if _, err := casestore.AddReport(tx, id, nc); err != nil {
				return err
			}
		}
		return s.Deadlines.Sync(context.Background(), tx, id)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Cases[c.Ref] = id
	return id
}

// SeriousAccident is a serious accident of organisation org (2.2 million
// internet users for 5 h 36 min) that happened at occurred, as v1 JSON.
func SeriousAccident(ref, org string, occurred time.Time) string {
	return fmt.Sprintf(`{"ref": %q, "kind": "accident", "operators": [{"name": %q}],
		"occurred_at": %q, "recovered_at": %q,
		"impacts": [{"service": "internet_access", "peak_users": 2200000, "user_unit": "people",
			"timeline": [{"from": %[3]q, "to": %[4]q, "users": 2200000}]}],
		"summary": "試験用の事案"}`, ref, org, occurred.Format(time.RFC3339), occurred.Add(5*time.Hour+36*time.Minute).Format(time.RFC3339))
}
