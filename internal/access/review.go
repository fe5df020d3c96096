package access

import "slices"

// Actions of the committee's review (package review), all on the
// committee tier of a case: the secretariat triages, assigns experts,
// consolidates their annotations and records administrative guidance;
// experts annotate the cases they are assigned to; both comment.
const (
	Triage      Action = "triage"
	Assign      Action = "assign"
	Annotate    Action = "annotate"
	Comment     Action = "comment"
	Consolidate Action = "consolidate"
	Guide       Action = "guide"
)

// Lessons is the lessons catalogue (教訓): a system object the committee
// and the editors of the annual report read.
const Lessons Tier = "lessons"

var reviewActions = []Action{Triage, Assign, Annotate, Comment, Consolidate, Guide}

func isReviewAction(a Action) bool { return slices.Contains(reviewActions, a) }
