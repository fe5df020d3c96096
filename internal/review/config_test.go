package review

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"kensho/configs"
	"kensho/internal/caseformat"
)

func TestShippedConfig(t *testing.T) {
	cfg, err := Load(configs.FS)
	require.NoError(t, err)
	assert.Len(t, cfg.Fields, 4)

	// The themes of the annual report (SPEC §7), each with 1–3 lessons.
	want := []string{"capacity_planning", "work_procedures", "automation_of_settings", "vendor_information_sharing",
		"testing_near_production", "inter_operator_cooperation", "isolation_procedures", "simplicity", "second_stage_recovery",
		"availability_first", "first_notice", "notice_channels", "follow_up_notices", "notice_history", "top_page_notices",
		"plain_wording", "self_review"}
	var got []string
	for _, th := range cfg.Lessons.Themes {
		got = append(got, th.ID)
		assert.True(t, len(th.Lessons) >= 1 && len(th.Lessons) <= 3, th.ID)
		for _, l := range th.Lessons {
			assert.True(t, strings.HasPrefix(l.ID, th.Code+"-"), l.ID)
			assert.NotEmpty(t, l.JA)
			assert.NotEmpty(t, l.EN)
			assert.Equal(t, SourceCatalogue, l.Source)
		}
	}
	assert.Equal(t, want, got)
	assert.NotNil(t, cfg.Lessons.Lesson("COOP-01"))
	assert.Equal(t, "inter_operator_cooperation", cfg.Lessons.Lesson("COOP-01").Theme)
}

func TestNeeds(t *testing.T) {
	cfg, err := Load(configs.FS)
	require.NoError(t, err)
	c := &caseformat.Case{Impacts: []caseformat.Impact{{Service: "voice_emergency"}, {Service: "voice"}},
		Cause: &caseformat.Cause{Class: "equipment", Archetype: "software_bug"}}
	needs := cfg.Expertise.Needs(c)
	var ids []string
	for _, n := range needs {
		ids = append(ids, n.Field)
	}
	assert.Equal(t, []string{"telecom_engineering", "software_engineering", "consumer_affairs"}, ids, "in the order of expert-fields.yaml")
	assert.Equal(t, []string{"service:voice_emergency", "service:voice"}, needs[0].Because)
	assert.Equal(t, []string{"archetype:software_bug"}, needs[1].Because)
	assert.Equal(t, "ソフトウェア工学", needs[1].JA)

	needs = cfg.Expertise.Needs(&caseformat.Case{Cause: &caseformat.Cause{Archetype: "unknown"}})
	require.Len(t, needs, 1)
	assert.Equal(t, Need{Field: "telecom_engineering", JA: "電気通信工学", EN: "Telecommunications engineering", Because: []string{"default"}}, needs[0])

	r, ok := cfg.Expertise.Rule(DepthInDepth)
	assert.True(t, ok)
	assert.Equal(t, PanelRule{Min: 2, Max: 4, DueDays: 30}, r)
	_, ok = cfg.Expertise.Rule(DepthRecordOnly)
	assert.False(t, ok, "a case recorded only gets no panel")
}

func TestExpertiseIsValidated(t *testing.T) {
	fields, err := ParseFields(mustRead(t, "expert-fields.yaml"))
	require.NoError(t, err)
	good := string(mustRead(t, "expertise.yaml"))
	for _, tt := range []struct {
		name, from, to, want string
	}{
		{"unknown field", "procedure_error: [systems_audit]", "procedure_error: [law]", `archetypes.procedure_error[0]: "law" is not a field of expert-fields.yaml`},
		{"a service left out", "  lpwa: [telecom_engineering]\n", "", "services.lpwa: missing: list every code"},
		{"unknown archetype", "  unknown: []", "  unknown: []\n  gremlins: [telecom_engineering]", "archetypes.gremlins: unknown code"},
		{"max below min", "light: {min: 1, max: 2", "light: {min: 3, max: 2", "panel.light.max: 2: want 3–10"},
		{"no due days", "due_days: 14", "due_days: 0", "panel.light.due_days: 0: want 1–180 days"},
		{"unknown key", "version: 1", "version: 1\nteams: 3", "field teams not found"},
		{"a field twice", "config_error: [software_engineering, systems_audit]", "config_error: [systems_audit, systems_audit]", `archetypes.config_error[1]: "systems_audit" appears twice`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(good, tt.from, tt.to, 1)
			require.NotEqual(t, good, bad, "the test edits the file")
			_, err := ParseExpertise([]byte(bad), fields)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "configs/expertise.yaml: ")
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLessonsAreValidated(t *testing.T) {
	good := string(mustRead(t, "lessons.yaml"))
	for _, tt := range []struct {
		name, from, to, want string
	}{
		{"an id twice", "id: CAP-02", "id: CAP-01", `themes[0].lessons[1].id: "CAP-01" appears twice`},
		{"an id of another theme", "id: PROC-02", "id: CAP-09", `themes[1].lessons[1].id: "CAP-09": a lesson of theme work_procedures starts with PROC-`},
		{"an id like the committee's", "id: PROC-02", "id: PROC-2019-01", `"PROC-2019-01": want PROC-NN`},
		{"no English", "en: Automate the entry of settings wherever possible to prevent errors of manual input.", "en: ''", "themes[2].lessons[0].en: the text in English is required"},
		{"no first year", "first_year: 2016\n        ja: ソフトウェアの更新", "first_year: 0\n        ja: ソフトウェアの更新", "themes[4].lessons[0].first_year: 0"},
		{"a code twice", "code: PROC", "code: CAP", `themes[1].code: "CAP" appears twice`},
		{"unknown key", "    code: CAP\n", "    code: CAP\n    colour: red\n", "field colour not found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(good, tt.from, tt.to, 1)
			require.NotEqual(t, good, bad, "the test edits the file")
			_, err := ParseLessons([]byte(bad))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "configs/lessons.yaml: ")
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
