package cfx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Envelope is a CFX envelope (CFX.CFXEnvelope): the message's name, its
// globally unique id, when it happened, who sent it, and its body.
type Envelope struct {
	// MessageName is the message's full name, e.g. CFX.Production.WorkStarted.
	MessageName string `json:"MessageName"`
	Version     string `json:"Version,omitempty"`
	// TimeStamp is when what the message reports happened (not when it
	// was sent), with its time zone.
	TimeStamp time.Time `json:"TimeStamp"`
	// UniqueID identifies the message: a redelivery has the same one.
	UniqueID string `json:"UniqueID"`
	// Source is the CFX handle of the sending endpoint: the station.
	Source      string          `json:"Source,omitempty"`
	Target      string          `json:"Target,omitempty"`
	RequestID   string          `json:"RequestID,omitempty"`
	MessageBody json.RawMessage `json:"MessageBody"`
}

// rawEnvelope is an envelope as it comes, before its fields are checked.
type rawEnvelope struct {
	MessageName *string
	Version     *string
	TimeStamp   *string
	UniqueID    *string
	Source      *string
	Target      *string
	RequestID   *string
	MessageBody json.RawMessage
}

// MaxEnvelopes bounds the envelopes of one body (of POST /api/v1/cfx, or
// of one AMQP message).
const MaxEnvelopes = 1000

// Split splits a body of one CFX envelope (a JSON object) or several (a
// JSON array of them, as the CFX SDK sends a batch) into the envelopes'
// texts. A body that is not JSON is an INVALID error, one with more than
// MaxEnvelopes a LIMIT error.
func Split(body []byte) ([]json.RawMessage, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is empty: send one CFX envelope or a JSON array of them")
	}
	if body[0] != '[' {
		if !json.Valid(body) {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is not JSON: send one CFX envelope or a JSON array of them")
		}
		return []json.RawMessage{body}, nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is not a JSON array of CFX envelopes: %v", err)
	}
	if len(raws) > MaxEnvelopes {
		return nil, tracegraph.Errorf(tracegraph.CodeLimit, "", "the body has %d envelopes, more than %d; split it", len(raws), MaxEnvelopes)
	}
	return raws, nil
}

// DecodeEnvelope parses one CFX envelope. MessageName, UniqueID and
// TimeStamp (RFC 3339 with a time zone, as CFX requires) must be there;
// fields CFX has and tracegraph does not use are ignored. Errors are
// INVALID naming the field.
func DecodeEnvelope(b []byte) (Envelope, error) {
	var raw rawEnvelope
	if err := json.Unmarshal(b, &raw); err != nil {
		return Envelope{}, tracegraph.Errorf(tracegraph.CodeInvalid, "", "not a CFX envelope (a JSON object with MessageName, UniqueID, TimeStamp, MessageBody): %v", err)
	}
	var env Envelope
	if raw.MessageName == nil || strings.TrimSpace(*raw.MessageName) == "" {
		return env, tracegraph.Errorf(tracegraph.CodeInvalid, "MessageName", "MessageName is required (e.g. CFX.Production.WorkStarted)")
	}
	env.MessageName = strings.TrimSpace(*raw.MessageName)
	if len(env.MessageName) > 200 {
		return env, tracegraph.Errorf(tracegraph.CodeInvalid, "MessageName", "MessageName is longer than 200 bytes")
	}
	if raw.UniqueID == nil || strings.TrimSpace(*raw.UniqueID) == "" {
		return env, tracegraph.Errorf(tracegraph.CodeInvalid, "UniqueID", "UniqueID is required: it makes a redelivered message a duplicate")
	}
	env.UniqueID = strings.TrimSpace(*raw.UniqueID)
	if len(env.UniqueID) > 100 {
		return env, tracegraph.Errorf(tracegraph.CodeInvalid, "UniqueID", "UniqueID is longer than 100 bytes")
	}
	if raw.TimeStamp == nil {
		return env, tracegraph.Errorf(tracegraph.CodeInvalid, "TimeStamp", "TimeStamp is required (when it happened, with its time zone)")
	}
	t, err := time.Parse(time.RFC3339Nano, *raw.TimeStamp)
	if err != nil {
		return env, tracegraph.Errorf(tracegraph.CodeInvalid, "TimeStamp", "TimeStamp %q is not a date and time with a time zone (RFC 3339, e.g. 2018-10-03T16:03:05.1091909-04:00)", clip(*raw.TimeStamp))
	}
	env.TimeStamp = t
	for _, f := range []struct {
		dst *string
		src *string
	}{{&env.Version, raw.Version}, {&env.Source, raw.Source}, {&env.Target, raw.Target}, {&env.RequestID, raw.RequestID}} {
		if f.src != nil {
			*f.dst = strings.TrimSpace(*f.src)
		}
	}
	env.MessageBody = raw.MessageBody
	return env, nil
}

// ShortName is the message's name without its namespace
// (CFX.Production.WorkStarted: WorkStarted).
func (e Envelope) ShortName() string {
	return e.MessageName[strings.LastIndexByte(e.MessageName, '.')+1:]
}

// EventID is the id of the index-th event (or the one named index) that the
// message maps onto: the message's name and unique id, so that a
// redelivered message maps onto the same ids and is a duplicate.
func (e Envelope) EventID(index string) string {
	return fmt.Sprintf("cfx:%s:%s:%s", e.ShortName(), e.UniqueID, index)
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
