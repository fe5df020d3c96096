// Package llmtest is an in-process OpenAI-compatible server for tests —
// the one double the project allows: POST /v1/chat/completions, driven
// through the real go-openai client. It keeps every request body it
// received, so that tests can say exactly what left Kenshō, and can be
// told to be slow, to fail or to answer something else.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Reply is what the server does with one request.
type Reply struct {
	// Status is the HTTP status (0: 200).
	Status int
	// Delay holds the answer back (until the client gives up, if longer).
	Delay time.Duration
	// Content is the assistant's text of a 200 answer ("": a JSON opinion
	// about every candidate label C1, C2… the prompt names).
	Content string
	// RetryAfter is sent as the Retry-After header.
	RetryAfter string
	// Raw, when set, is the body sent as is (a non-JSON error page…).
	Raw string
}

// Server is a running fake provider.
type Server struct {
	srv *httptest.Server
	key string

	mu     sync.Mutex
	bodies []string
	auths  []string
	reply  func(n int) Reply
}

// Start runs a server that expects the API key key ("" accepts any) and
// answers every request with a well-formed opinion until told otherwise.
func Start(t testing.TB, key string) *Server {
	t.Helper()
	s := &Server{key: key, reply: func(int) Reply { return Reply{} }}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// BaseURL is the API root to configure (llm.base_url).
func (s *Server) BaseURL() string { return s.srv.URL + "/v1" }

// Close stops the server: the endpoint is then unreachable.
func (s *Server) Close() { s.srv.Close() }

// Host is the server's host:port.
func (s *Server) Host() string { return strings.TrimPrefix(s.srv.URL, "http://") }

// Behave sets what the server does with the n-th request (from 1).
func (s *Server) Behave(f func(n int) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reply = f
}

// Always answers every request with r.
func (s *Server) Always(r Reply) { s.Behave(func(int) Reply { return r }) }

// Bodies are the request bodies received, in order.
func (s *Server) Bodies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// All is every body received, joined: what has left for the provider.
func (s *Server) All() string { return strings.Join(s.Bodies(), "\n") }

// Requests is how many requests arrived.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

// Authorizations are the Authorization headers received.
func (s *Server) Authorizations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auths...)
}

// Prompt is the text of every message of request n (from 1), decoded.
func (s *Server) Prompt(n int) string {
	b := s.Bodies()
	if n < 1 || n > len(b) {
		return ""
	}
	var req chatRequest
	_ = json.Unmarshal([]byte(b[n-1]), &req)
	var out []string
	for _, m := range req.Messages {
		out = append(out, m.Content)
	}
	return strings.Join(out, "\n")
}

type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
}

var labelRE = regexp.MustCompile(`\bC\d+\b`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(body))
	s.auths = append(s.auths, r.Header.Get("Authorization"))
	n, reply, key := len(s.bodies), s.reply, s.key
	s.mu.Unlock()
	rp := reply(n)
	if rp.Delay > 0 {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(rp.Delay):
		}
	}
	if rp.RetryAfter != "" {
		w.Header().Set("Retry-After", rp.RetryAfter)
	}
	if key != "" && r.Header.Get("Authorization") != "Bearer "+key {
		rp = Reply{Status: http.StatusUnauthorized}
	}
	if rp.Raw != "" {
		w.WriteHeader(cmpStatus(rp.Status))
		_, _ = io.WriteString(w, rp.Raw)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if st := cmpStatus(rp.Status); st != http.StatusOK {
		w.WriteHeader(st)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
			"message": fmt.Sprintf("test server says %d", st), "type": "test_error", "code": nil}})
		return
	}
	var req chatRequest
	_ = json.Unmarshal(body, &req)
	content := rp.Content
	if content == "" {
		content = Opinion(labelsOf(req))
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": fmt.Sprintf("chatcmpl-%d", n), "object": "chat.completion", "created": time.Now().Unix(),
		"model": req.Model + "-test",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
		"usage": map[string]any{"prompt_tokens": len(body) / 4, "completion_tokens": len(content) / 4, "total_tokens": (len(body) + len(content)) / 4},
	})
}

func cmpStatus(s int) int {
	if s == 0 {
		return http.StatusOK
	}
	return s
}

func labelsOf(req chatRequest) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range req.Messages {
		if m.Role != "user" {
			continue
		}
		for _, l := range labelRE.FindAllString(m.Content, -1) {
			if !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	return out
}

// Opinion is a well-formed answer about the candidates labels: the first
// the same failure mode, the others not.
func Opinion(labels []string) string {
	type cand struct {
		ID        string `json:"id"`
		Same      string `json:"same_failure_mode"`
		Rationale string `json:"rationale"`
	}
	out := struct {
		Candidates  []cand `json:"candidates"`
		WhatsNew    string `json:"whats_new"`
		DraftLesson string `json:"draft_lesson"`
	}{Candidates: []cand{}, WhatsNew: "予備系への切替えが行われなかった点が新しい。", DraftLesson: "切替え手順を定期的に訓練し、手順書を最新に保つこと。"}
	for i, l := range labels {
		c := cand{ID: l, Same: "no", Rationale: l + "は故障の仕組みが異なる。"}
		if i == 0 {
			c.Same, c.Rationale = "yes", l+"と同じく設定誤りによる故障である。"
		}
		out.Candidates = append(out.Candidates, c)
	}
	b, _ := json.Marshal(out)
	return string(b)
}
