// Package httpapi is Kenshō's JSON API over echo: thin handlers that decode,
// call a domain service and encode. Every route of the API is in this file;
// known domain errors map to status codes in errors.go, in one place.
package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/casefile"
	"kensho/internal/deadline"
	"kensho/internal/identity"
	"kensho/internal/intake"
	"kensho/internal/quarterly"
	"kensho/internal/report"
	"kensho/internal/review"
	"kensho/internal/rules"
	"kensho/internal/survey"
	"kensho/internal/triage"
)

// Deps is what the API needs.
type Deps struct {
	Log      *slog.Logger
	DB       *gorm.DB
	Catalog  *rules.Catalog
	Access   *access.Control
	Identity *identity.Service
	Cases    *casefile.Service
	// Portal is the operators' reporting portal.
	Portal *intake.Portal
	// Quarterly takes in and reads quarterly reports (四半期報告).
	Quarterly *quarterly.Service

	// Deadlines: the queue of reports due and the reminders' notifications.
	Deadlines *deadline.Service

	// Opinions: the LLM second opinion on a case (committee tier).
	Opinions *triage.Opinions
	// Similarity: the similar past cases of a case and its novelty.
	Similarity *triage.Engine
	// Review: triage, panels, annotations, the committee's verification,
	// lessons and administrative guidance.
	Review *review.Service
	// Reports: the editions of the annual report (published ones are public).
	Reports *report.Editions
	// WhatIf: the what-if study (serious accidents per fiscal year in
	// force and under another rule set).
	WhatIf *report.WhatIfService
	// Surveys: the lessons follow-up survey (フォローアップ調査).
	Surveys *survey.Service
}

// Register adds the API's routes to e.
func Register(e *echo.Echo, d Deps) {
	h := &handlers{Deps: d}
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)

	v1 := e.Group("/api/v1")
	v1.GET("/openapi.json", h.openAPIDoc)
	// Stateless and public: the thresholds are law, the classifier keeps nothing.
	v1.GET("/rules", h.listRules)
	v1.POST("/classify", h.classify)
	// Public: approved anonymised summaries only.
	v1.GET("/public/near-misses", h.publicNearMisses)

	// Everything else needs a bearer token; what the caller sees is decided
	// per case and per section by package access.
	// (Per route, not a group: a group's middleware would also answer 401
	// for routes that do not exist.)
	auth := h.authenticate
	v1.GET("/cases", h.listCases, auth)
	v1.GET("/cases/export", h.exportCases, auth)
	v1.GET("/cases/:id", h.getCase, auth)
	v1.GET("/cases/:id/reports/:report", h.original, auth)
	v1.POST("/cases/:id/shares", h.share, auth)
	v1.DELETE("/cases/:id/shares/:org", h.unshare, auth)
	v1.POST("/cases/:id/publish", h.publish, auth)
	v1.POST("/cases/:id/tiers", h.raiseTier, auth)
	v1.DELETE("/cases/:id/tiers/:section", h.lowerTier, auth)
	v1.POST("/cases/:id/anonymised", h.proposeSummary, auth)
	v1.PUT("/cases/:id/anonymised", h.editSummary, auth)
	v1.POST("/cases/:id/anonymised/approve", h.approveSummary, auth)
	// Intake: operators' reports (drafts, submissions, attachments) and the
	// secretariat's working copy, amendment flags, links and splits.
	v1.GET("/intake/catalogue", h.catalogue, auth)
	v1.POST("/reports", h.submitReport, auth)
	v1.GET("/drafts", h.listDrafts, auth)
	v1.POST("/drafts", h.createDraft, auth)
	v1.GET("/drafts/:id", h.getDraft, auth)
	v1.PUT("/drafts/:id", h.saveDraft, auth)
	v1.POST("/drafts/:id/submit", h.submitDraft, auth)
	v1.POST("/drafts/:id/attachments", h.attach, auth)
	v1.GET("/attachments/:id", h.attachment, auth)
	v1.GET("/cases/:id/working-copy", h.getWorkingCopy, auth)
	v1.PUT("/cases/:id/working-copy", h.editCase, auth)
	v1.GET("/cases/:id/flags", h.listFlags, auth)
	v1.POST("/cases/:id/flags/resolve", h.resolveFlag, auth)
	v1.POST("/cases/:id/links", h.linkCase, auth)
	v1.POST("/cases/:id/split", h.splitCase, auth)
	v1.GET("/audit", h.listAudit, auth)
	v1.GET("/audit/export", h.exportAudit, auth)
	v1.GET("/audit/verify", h.verifyAudit, auth)
	// Deadlines: the secretariat and the committee see all, a reporter its
	// organisation's; notifications are the caller's organisation's only.
	v1.GET("/deadlines", h.listDeadlines, auth)
	v1.GET("/notifications", h.listNotifications, auth)
	v1.POST("/notifications/:id/read", h.readNotification, auth)

	// LLM second opinions: the secretariat asks, the committee reads.
	v1.POST("/cases/:id/opinions", h.requestOpinion, auth)
	v1.GET("/cases/:id/opinions", h.listOpinions, auth)
	v1.GET("/cases/:id/opinions/:opinion", h.getOpinion, auth)

	// Quarterly reports (四半期報告): committee + own tier.
	v1.POST("/quarterly/uploads", h.uploadQuarterly, auth)
	v1.GET("/quarterly/template.xlsx", h.quarterlyTemplate, auth)
	v1.GET("/quarterly/rows", h.quarterlyRows, auth)

	// The committee's review (package review), committee tier of each case:
	// the secretariat's triage desk and decisions, panels of experts, the
	// experts' annotations and queues, comments, the committee's
	// verification, the lessons catalogue, administrative guidance
	// (published guidance is public).
	v1.GET("/triage/desk", h.triageDesk, auth)
	v1.GET("/cases/:id/review", h.caseReview, auth)
	v1.GET("/cases/:id/triage", h.getTriage, auth)
	v1.GET("/cases/:id/similar", h.similar, auth)
	v1.POST("/cases/:id/triage", h.decide, auth)
	v1.GET("/cases/:id/panel", h.getPanel, auth)
	v1.POST("/cases/:id/panel", h.acceptPanel, auth)
	v1.POST("/cases/:id/panel/members", h.addMember, auth)
	v1.PUT("/cases/:id/panel/members/:user", h.setDue, auth)
	v1.DELETE("/cases/:id/panel/members/:user", h.removeMember, auth)
	v1.GET("/experts", h.listExperts, auth)
	v1.GET("/experts/:user/queue", h.expertQueue, auth)
	v1.GET("/review/queue", h.myQueue, auth)
	v1.GET("/cases/:id/annotations", h.workspace, auth)
	v1.PUT("/cases/:id/annotations/mine", h.saveAnnotation, auth)
	v1.POST("/cases/:id/annotations/mine/submit", h.submitAnnotation, auth)
	v1.GET("/cases/:id/comments", h.listComments, auth)
	v1.POST("/cases/:id/comments", h.addComment, auth)
	v1.GET("/cases/:id/verification", h.consolidation, auth)
	v1.PUT("/cases/:id/verification", h.saveVerification, auth)
	v1.POST("/cases/:id/verification/finalise", h.finaliseVerification, auth)
	v1.POST("/cases/:id/verification/reopen", h.reopenVerification, auth)
	v1.GET("/lessons", h.listLessons, auth)
	v1.GET("/lessons/:lesson", h.getLesson, auth)
	v1.POST("/cases/:id/guidance", h.createGuidance, auth)
	v1.GET("/guidance", h.listGuidance, auth)
	v1.GET("/guidance/:id", h.getGuidance, auth)
	v1.PUT("/guidance/:id", h.updateGuidance, auth)
	v1.POST("/guidance/:id/publish", h.publishGuidance, auth)
	v1.GET("/public/guidance", h.publicGuidance)

	// The annual report (package report): published editions are public;
	// the editions in the making are the editors' and the secretariat's
	// (draft → review → approved → published; publishing runs the leak
	// scanner over every output).
	v1.GET("/public/reports", h.publicReports)
	v1.GET("/public/reports/:fy", h.publicReport)
	v1.GET("/public/reports/:fy/report.xlsx", h.publicReportXLSX)
	v1.GET("/public/reports/:fy/report.pdf", h.publicReportPDF)
	v1.GET("/reports/editions", h.listEditions, auth)
	v1.POST("/reports/editions", h.createEdition, auth)
	v1.GET("/reports/editions/:id", h.getEdition, auth)
	v1.PUT("/reports/editions/:id", h.updateEdition, auth)
	v1.POST("/reports/editions/:id/rebuild", h.editionStep(http.StatusAccepted, rebuildEdition), auth)
	v1.POST("/reports/editions/:id/submit", h.editionStep(http.StatusOK, submitEdition), auth)
	v1.POST("/reports/editions/:id/return", h.editionStep(http.StatusOK, returnEdition), auth)
	v1.POST("/reports/editions/:id/approve", h.editionStep(http.StatusOK, approveEdition), auth)
	v1.POST("/reports/editions/:id/publish", h.editionStep(http.StatusOK, publishEdition), auth)
	v1.GET("/reports/editions/:id/comments", h.editionComments, auth)
	v1.POST("/reports/editions/:id/comments", h.addEditionComment, auth)
	v1.GET("/reports/editions/:id/outputs/:kind", h.editionOutput, auth)

	// The what-if study (package report): the secretariat, the committee and
	// the editors; every case counted, the changed ones named where visible.
	v1.GET("/whatif", h.whatIf, auth)
	v1.GET("/whatif.xlsx", h.whatIfXLSX, auth)

	// The lessons follow-up survey (package survey): the secretariat
	// creates, opens, closes and reads surveys with their results; a
	// reporter reads and answers, for its own organisation, the surveys
	// addressed to it (any other is 404).
	v1.GET("/surveys", h.listSurveys, auth)
	v1.POST("/surveys", h.createSurvey, auth)
	v1.GET("/surveys/choices", h.surveyChoices, auth)
	v1.GET("/surveys/:id", h.getSurvey, auth)
	v1.POST("/surveys/:id/open", h.openSurvey, auth)
	v1.POST("/surveys/:id/close", h.closeSurvey, auth)
	v1.GET("/surveys/:id/answers", h.getAnswers, auth)
	v1.PUT("/surveys/:id/answers", h.putAnswers, auth)
}

type handlers struct{ Deps }
