// Package webui serves Kenshō's server-rendered pages (html/template and
// htmx, every asset from web/, nothing from a CDN). Every route of the UI
// is in this file; each page or form action has a file of its own, and
// each handler only parses the request, calls a service and renders.
//
// The pages never decide who may see what: they show the sections of the
// casefile.View they are given, and a section the caller may not see is
// absent from the HTML, not hidden in it.
package webui

import (
	"io/fs"
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
	"kensho/web"
)

// Deps is what the pages need.
type Deps struct {
	Log      *slog.Logger
	Catalog  *rules.Catalog
	DB       *gorm.DB
	Access   *access.Control
	Identity *identity.Service
	Cases    *casefile.Service
	// Portal is the operators' reporting portal.
	Portal *intake.Portal
	// Quarterly takes in quarterly reports (四半期報告).
	Quarterly *quarterly.Service
	// SecureCookies marks the UI's cookies Secure (HTTPS only; browsers
	// and Go's cookie jar also send them to http://localhost and
	// 127.0.0.1).
	SecureCookies bool
	// Deadlines: the queue of reports due and the reminders' notifications.
	Deadlines *deadline.Service
	// Review: the secretariat's triage desk and decisions, the panels of
	// experts and the committee's load; the experts' queue and workspace,
	// comments, the consolidation, lessons and guidance (package review).
	Review *review.Service
	// Opinions: the LLM second opinion on a case (off unless configured).
	Opinions *triage.Opinions
	// Reports: the editions of the annual report.
	Reports *report.Editions
	// WhatIf: the what-if study (package report).
	WhatIf *report.WhatIfService
	// Surveys: the lessons follow-up survey (フォローアップ調査): the
	// secretariat's surveys and results, reporters' answer forms.
	Surveys *survey.Service
}

// Register parses the templates, adds the UI's routes to e and puts the
// HTML error pages in front of e's JSON error handler for every path
// outside the API.
func Register(e *echo.Echo, d Deps) error {
	tmpl, err := loadTemplates()
	if err != nil {
		return err
	}
	static, err := fs.Sub(web.Static, "static")
	if err != nil {
		return err
	}
	d.Log = logger(d.Log)
	p := &pages{Deps: d, tmpl: tmpl}
	e.HTTPErrorHandler = p.errorHandler(e.HTTPErrorHandler)

	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServer(http.FS(static)))))

	// Open to everyone.
	s := p.withSession
	e.GET("/", p.index, s)
	e.GET("/lang", p.switchLang)
	e.GET("/login", p.loginForm, s)
	e.POST("/login", p.login, s, p.checkPreSessionCSRF)
	e.GET("/near-misses", p.nearMisses, s)

	// Signed in: every POST also carries the session's form token.
	in, csrf := p.requireLogin, p.checkCSRF
	e.POST("/logout", p.logout, s, in, csrf)
	e.GET("/home", p.home, s, in)

	e.GET("/cases", p.caseList, s, in)
	e.GET("/cases/:id", p.caseShow, s, in)
	e.GET("/cases/:id/reports/:report", p.reportDownload, s, in)
	e.POST("/cases/:id/shares", p.caseShare, s, in, csrf)
	e.POST("/cases/:id/shares/:org/revoke", p.caseUnshare, s, in, csrf)
	e.POST("/cases/:id/publish", p.casePublish, s, in, csrf)
	e.POST("/cases/:id/tiers", p.tierRaise, s, in, csrf)
	e.POST("/cases/:id/tiers/:section/lower", p.tierLower, s, in, csrf)
	e.POST("/cases/:id/summary/propose", p.summaryPropose, s, in, csrf)
	e.POST("/cases/:id/summary", p.summaryEdit, s, in, csrf)
	e.POST("/cases/:id/summary/approve", p.summaryApprove, s, in, csrf)
	e.POST("/cases/:id/notes", p.notesEdit, s, in, csrf)
	// The secretariat's intake desk: validate, amendment flags, link, split.
	e.GET("/cases/:id/edit", p.caseEdit, s, in)
	e.POST("/cases/:id/edit", p.caseEditSave, s, in, csrf)
	e.POST("/cases/:id/validate", p.caseValidate, s, in, csrf)
	e.POST("/cases/:id/flags/resolve", p.flagResolve, s, in, csrf)
	e.POST("/cases/:id/links", p.caseLink, s, in, csrf)
	e.POST("/cases/:id/split", p.caseSplit, s, in, csrf)

	// Operators' report forms (reporters only): drafts, submissions,
	// the timeline editor's and the judgement's htmx round trips.
	e.GET("/report-forms", p.reportHome, s, in)
	e.GET("/report-forms/new", p.reportNew, s, in)
	e.POST("/report-forms/save", p.reportSave, s, in, csrf)
	e.POST("/report-forms/confirm", p.reportConfirm, s, in, csrf)
	e.POST("/report-forms/refresh", p.reportRefresh, s, in, csrf)
	e.POST("/report-forms/judge", p.reportJudge, s, in, csrf)
	e.GET("/report-forms/drafts/:id", p.reportDraft, s, in)
	e.GET("/report-forms/drafts/:id/confirm", p.reportReview, s, in)
	e.POST("/report-forms/drafts/:id/submit", p.reportSubmit, s, in, csrf)
	e.GET("/report-forms/attachments/:id", p.reportAttachment, s, in)

	// Deadlines: the secretariat's queue (a reporter sees its own), and a
	// reporter's notifications of reminders.
	e.GET("/deadlines", p.deadlineList, s, in)
	e.GET("/notifications", p.notificationList, s, in)
	e.POST("/notifications/:id/read", p.notificationRead, s, in, csrf)

	e.GET("/audit", p.auditList, s, in)
	e.GET("/audit/export.csv", p.auditExport, s, in)

	e.GET("/quarterly", p.quarterlyShow, s, in)
	e.POST("/quarterly/uploads", p.quarterlyUpload, s, in, csrf)
	e.GET("/quarterly/template.xlsx", p.quarterlyTemplate, s, in)
	e.GET("/quarterly/counts", p.quarterlyCounts, s, in)
	e.POST("/quarterly/counts", p.quarterlyCountsSave, s, in, csrf)

	// Triage (package review): the secretariat's desk, one case's triage
	// with its decision and the LLM second opinion (polled by htmx), the
	// panel of experts that verifies it, and the committee's load.
	e.GET("/triage", p.triageDesk, s, in)
	e.GET("/cases/:id/triage", p.triageShow, s, in)
	e.POST("/cases/:id/triage", p.triageDecide, s, in, csrf)
	e.GET("/cases/:id/opinions", p.opinionBlockShow, s, in)
	e.POST("/cases/:id/opinions", p.opinionRequest, s, in, csrf)
	e.GET("/cases/:id/panel", p.panelShow, s, in)
	e.POST("/cases/:id/panel", p.panelAccept, s, in, csrf)
	e.POST("/cases/:id/panel/members", p.panelAdd, s, in, csrf)
	e.POST("/cases/:id/panel/members/:user/remove", p.panelRemove, s, in, csrf)
	e.POST("/cases/:id/panel/members/:user/due", p.panelDue, s, in, csrf)
	e.GET("/experts", p.expertList, s, in)

	// The committee's review (package review): each expert's queue and
	// workspace on a case, comments between the panel and the secretariat,
	// the secretariat's consolidation into the verification result, the
	// lessons catalogue and administrative guidance (published guidance is
	// public). The lessons editors' htmx round trips render rows again.
	e.GET("/review", p.reviewQueue, s, in)
	e.GET("/cases/:id/review", p.reviewWorkspace, s, in)
	e.POST("/cases/:id/review/annotation", p.annotationSave, s, in, csrf)
	e.POST("/cases/:id/review/lessons", p.annotationLessons, s, in, csrf)
	e.POST("/cases/:id/comments", p.commentAdd, s, in, csrf)
	e.GET("/cases/:id/verification", p.verificationShow, s, in)
	e.POST("/cases/:id/verification", p.verificationSave, s, in, csrf)
	e.POST("/cases/:id/verification/lessons", p.verificationLessons, s, in, csrf)
	e.POST("/cases/:id/verification/reopen", p.verificationReopen, s, in, csrf)
	e.GET("/lessons", p.lessonList, s, in)
	e.GET("/lessons/:lesson", p.lessonShow, s, in)
	e.GET("/cases/:id/guidance/new", p.guidanceNew, s, in)
	e.POST("/cases/:id/guidance", p.guidanceCreate, s, in, csrf)
	e.GET("/guidance", p.guidanceList, s, in)
	e.GET("/guidance/published", p.guidancePublished, s)
	e.GET("/guidance/:id", p.guidanceShow, s, in)
	e.POST("/guidance/:id", p.guidanceUpdate, s, in, csrf)
	e.GET("/guidance/:id/publish", p.guidancePublishConfirm, s, in)
	e.POST("/guidance/:id/publish", p.guidancePublish, s, in, csrf)

	// The annual report (package report): published editions for everyone;
	// the editions in the making for the editors and the secretariat (the
	// build's progress polled by htmx, the workflow's steps, comments,
	// corrections as new editions).
	e.GET("/reports", p.reportList, s)
	e.GET("/reports/editions", p.editionList, s, in)
	e.POST("/reports/editions", p.editionCreate, s, in, csrf)
	e.GET("/reports/editions/:id", p.editionShow, s, in)
	e.POST("/reports/editions/:id", p.editionUpdate, s, in, csrf)
	e.GET("/reports/editions/:id/progress", p.editionProgress, s, in)
	e.GET("/reports/editions/:id/charts/:chart", p.editionChart, s, in)
	e.GET("/reports/editions/:id/:file", p.editionOutput, s, in)
	e.POST("/reports/editions/:id/comments", p.editionComment, s, in, csrf)
	e.POST("/reports/editions/:id/correct", p.editionCorrect, s, in, csrf)
	e.POST("/reports/editions/:id/:step", p.editionStep, s, in, csrf)
	e.GET("/reports/:fy", p.reportShow, s)
	e.GET("/reports/:fy/charts/:chart", p.reportChart, s)
	e.GET("/reports/:fy/:file", p.reportOutput, s)

	// The what-if study (package report): the form and the table, one GET
	// (nothing changes, so no form token); the downloads are the API's
	// JSON and XLSX through the session.
	e.GET("/whatif", p.whatIfShow, s, in)
	e.GET("/whatif.json", p.whatIfJSON, s, in)
	e.GET("/whatif.xlsx", p.whatIfXLSX, s, in)

	// The lessons follow-up survey (package survey): the secretariat's
	// surveys with the form for a new one, a survey's results with its open
	// and close buttons; a reporter's open surveys and its answer form (a
	// survey not addressed to its organisation is not found).
	e.GET("/surveys", p.surveyList, s, in)
	e.POST("/surveys", p.surveyCreate, s, in, csrf)
	e.GET("/surveys/:id", p.surveyShow, s, in)
	e.POST("/surveys/:id/open", p.surveyOpen, s, in, csrf)
	e.POST("/surveys/:id/close", p.surveyClose, s, in, csrf)
	e.GET("/surveys/:id/answer", p.surveyAnswerForm, s, in)
	e.POST("/surveys/:id/answer", p.surveyAnswer, s, in, csrf)

	e.GET("/admin/users", p.userList, s, in)
	e.POST("/admin/users", p.userCreate, s, in, csrf)
	e.POST("/admin/users/:login/disabled", p.userDisable, s, in, csrf)
	return nil
}

// pages holds the dependencies and the parsed templates; the handlers are
// its methods, one file each.
type pages struct {
	Deps
	tmpl       templates
	chainCache chainCache
}
