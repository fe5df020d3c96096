package audit

// The actions of the lessons follow-up survey (package survey): the
// secretariat creates, opens and closes a survey; an organisation answers
// it (each submission replaces the organisation's answers).
const (
	ActionSurveyCreate = "survey.create"
	ActionSurveyOpen   = "survey.open"
	ActionSurveyClose  = "survey.close"
	ActionSurveyAnswer = "survey.answer"
)
