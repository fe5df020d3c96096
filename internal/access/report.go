package access

// AnnualReport is the editions of the annual verification report
// (package report): a system object. Editors and the secretariat read
// drafts, write and comment on them; the secretariat approves; either
// publishes an approved edition. A published edition needs no permission.
const AnnualReport Tier = "reports"
