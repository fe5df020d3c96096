package access

// WhatIf is the what-if study (package report): a system object. Running
// it counts every case of the base; which cases changed is shown only for
// those the caller may see (casefile.Service.Overviews).
const WhatIf Tier = "whatif"
