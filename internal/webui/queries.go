package webui

import "context"

// The few reads the pages make themselves, for pull-downs. None of them
// returns case content.

// orgOption is an organisation in a pull-down.
type orgOption struct {
	ID   int64
	Name string
}

// designatedOrgs are the designated public institutions, the only
// organisations a case's restricted part may be shared with.
func (p *pages) designatedOrgs(ctx context.Context) ([]orgOption, error) {
	var out []orgOption
	err := p.DB.WithContext(ctx).Raw("SELECT id, name FROM organisations WHERE designated = true ORDER BY id").Scan(&out).Error
	return out, err
}

// orgNames are the registry's organisation names, for the user form's
// suggestions.
func (p *pages) orgNames(ctx context.Context) ([]string, error) {
	var out []string
	err := p.DB.WithContext(ctx).Raw("SELECT name FROM organisations ORDER BY name LIMIT 2000").Scan(&out).Error
	return out, err
}
