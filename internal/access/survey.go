package access

// Surveys is the lessons follow-up survey (フォローアップ調査, package
// survey): the secretariat manages and reads surveys as a system object;
// an operator's reporter answers through the object of its own
// organisation (survey.Ref), so that "own" in a policy line is that
// organisation and nobody answers for another.
const Surveys Tier = "survey"

// Answer is an organisation answering a follow-up survey addressed to it.
const Answer Action = "answer"
