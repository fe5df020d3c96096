package deadline

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"kensho/internal/access"
	"kensho/internal/audit"
)

// ActionNotificationRead is the audit action of marking a notification read.
const ActionNotificationRead = "notification.read"

// Notification is one reminder as its readers see it.
type Notification struct {
	ID         int64          `json:"id"`
	CaseID     int64          `json:"case_id"`
	DeadlineID int64          `json:"deadline_id"`
	Stage      string         `json:"stage"`
	MessageKey string         `json:"message_key"`
	Params     map[string]any `json:"params"`
	// Message is the text in Japanese and English.
	Message   map[string]string `json:"message"`
	EmailedTo int               `json:"emailed_to"`
	CreatedAt time.Time         `json:"created_at"`
	ReadAt    *time.Time        `json:"read_at"`
}

// Text is the notification in lang.
func (n Notification) Text(lang string) string {
	if lang == "en" {
		return n.Message["en"]
	}
	return n.Message["ja"]
}

type notificationRow struct {
	ID         int64
	CaseID     int64
	DeadlineID int64
	Stage      string
	MessageKey string
	Params     []byte
	EmailedTo  int
	CreatedAt  time.Time
	ReadAt     *time.Time
}

func (s *Service) notification(r notificationRow) Notification {
	n := Notification{ID: r.ID, CaseID: r.CaseID, DeadlineID: r.DeadlineID, Stage: r.Stage, MessageKey: r.MessageKey,
		EmailedTo: r.EmailedTo, CreatedAt: r.CreatedAt, ReadAt: r.ReadAt, Params: map[string]any{}}
	_ = json.Unmarshal(r.Params, &n.Params)
	n.Message = map[string]string{"ja": s.Rules.Message("ja", r.MessageKey, n.Params), "en": s.Rules.Message("en", r.MessageKey, n.Params)}
	return n
}

// own narrows notifications to sub's: its organisation's, addressed to
// the whole organisation or to sub.
func own(tx *gorm.DB, sub access.Subject) *gorm.DB {
	return tx.Where("organisation_id = ? AND (user_id IS NULL OR user_id = ?)", sub.OrgID(), sub.UserID())
}

// mayNotify refuses callers that have no notifications to read.
func (s *Service) mayNotify(sub access.Subject, act access.Action) error {
	if sub.OrgID() == 0 || !s.Access.CanSystem(sub, access.Notifications, act) {
		return ErrForbidden
	}
	return nil
}

// MayReadNotifications reports whether sub has notifications (for links).
func (s *Service) MayReadNotifications(sub access.Subject) bool {
	return s.mayNotify(sub, access.Read) == nil
}

// Notifications are sub's notifications, newest first (unread only if
// asked), at most limit (≤0: 100).
func (s *Service) Notifications(ctx context.Context, sub access.Subject, unreadOnly bool, limit int) ([]Notification, error) {
	if err := s.mayNotify(sub, access.Read); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := own(s.DB.WithContext(ctx).Table("notifications"), sub)
	if unreadOnly {
		q = q.Where("read_at IS NULL")
	}
	var rows []notificationRow
	if err := q.Select("id, case_id, deadline_id, stage, message_key, params, emailed_to, created_at, read_at").
		Order("created_at DESC, id DESC").Limit(limit).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Notification, 0, len(rows))
	for _, r := range rows {
		out = append(out, s.notification(r))
	}
	return out, nil
}

// Unread counts sub's unread notifications; 0 for callers without any.
func (s *Service) Unread(ctx context.Context, sub access.Subject) (int64, error) {
	if s.mayNotify(sub, access.Read) != nil {
		return 0, nil
	}
	var n int64
	err := own(s.DB.WithContext(ctx).Table("notifications"), sub).Where("read_at IS NULL").Count(&n).Error
	return n, err
}

// MarkRead marks notification id read for sub's organisation (the first
// reader's time is kept; marking again changes nothing), audited. Another
// organisation's notification is ErrNotFound, like a missing one.
func (s *Service) MarkRead(ctx context.Context, sub access.Subject, id int64) (*Notification, error) {
	if err := s.mayNotify(sub, access.Write); err != nil {
		return nil, err
	}
	var out Notification
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []notificationRow
		if err := own(tx.Table("notifications"), sub).Where("id = ?", id).
			Select("id, case_id, deadline_id, stage, message_key, params, emailed_to, created_at, read_at").
			Limit(1).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return ErrNotFound
		}
		r := rows[0]
		if r.ReadAt == nil {
			var readAt []time.Time
			if err := tx.Raw(`UPDATE notifications SET read_at = ?, read_by = ? WHERE id = ? AND read_at IS NULL RETURNING read_at`,
				s.now(), sub.UserID(), id).Scan(&readAt).Error; err != nil {
				return err
			}
			if len(readAt) == 0 { // read by someone else just now
				if err := tx.Raw(`SELECT read_at FROM notifications WHERE id = ?`, id).Scan(&r.ReadAt).Error; err != nil {
					return err
				}
			} else {
				r.ReadAt = &readAt[0]
				if _, err := audit.Append(ctx, tx, audit.Event{Actor: sub.Key, Action: ActionNotificationRead,
					Object: "notification:" + strconv.FormatInt(id, 10), CaseID: r.CaseID,
					Detail: map[string]any{"stage": r.Stage, "deadline": r.DeadlineID}}); err != nil {
					return err
				}
			}
		}
		out = s.notification(r)
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return &out, nil
}
