package parse

import (
	"errors"

	"gongkai/report"
)

// unreadableError is the error for a document the parser could not read, with
// what would read it.
type unreadableError struct {
	why report.Unread
	err error
}

func (e *unreadableError) Error() string { return e.err.Error() }
func (e *unreadableError) Unwrap() error { return e.err }

func unreadable(why report.Unread, err error) error { return &unreadableError{why: why, err: err} }

// WhyUnread says why Parse could not read a document from the error it returned:
// "" for no error or a document that is not a report (which was read).
func WhyUnread(err error) report.Unread {
	var u *unreadableError
	switch {
	case err == nil || IsNotReport(err):
		return ""
	case errors.Is(err, ErrNoOCR):
		return report.UnreadNeedsOCR
	case errors.Is(err, ErrNoConverter):
		return report.UnreadNeedsConverter
	case errors.As(err, &u):
		return u.why
	}
	// The readers' own failures on a kind of file they read: the file as served
	// is what they could not open.
	return report.UnreadDamaged
}
