package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/ingest"
	"github.com/tracegraph/tracegraph/ingest/epcis"
)

// The EPCIS 2.0 REST interface (docs/epcis.md): capture of EPCISDocuments
// and the events query, every recorded event answered as EPCIS 2.0 JSON-LD.

// epcisTypes are the media types of a capture body.
var epcisTypes = []string{"application/ld+json", echo.MIMEApplicationJSON}

// Bounds of the EPCIS interface.
const (
	maxCaptureJobs      = 1000 // capture jobs kept in memory
	defaultEPCISPerPage = 100
	maxEPCISPerPage     = 1000
	// epcisScanBatch is how many log events a query without an EPC reads
	// at a time, and epcisMaxScan how many it reads for one page at most.
	epcisScanBatch = 1000
	epcisMaxScan   = 100_000
)

// epcisService holds the schema and the capture jobs of this process.
type epcisService struct {
	validator *epcis.Validator
	mu        sync.Mutex
	jobs      map[string]*CaptureJob
	order     []string // job ids, oldest first
	// maxScan bounds the log events one page of a query without EPCs
	// reads (epcisMaxScan).
	maxScan int
}

func newEPCIS() (*epcisService, error) {
	v, err := epcis.NewValidator()
	if err != nil {
		return nil, err
	}
	return &epcisService{validator: v, jobs: map[string]*CaptureJob{}, maxScan: epcisMaxScan}, nil
}

func (s *Server) epcisRoutes(e *echo.Echo) {
	e.POST("/epcis/capture", s.epcisCapture, s.requireType(epcisTypes...))
	e.GET("/epcis/capture/:id", s.epcisJob)
	e.GET("/epcis/events", s.epcisEvents)
	e.GET("/epcis/events/:eventID", s.epcisEvent)
}

// CaptureJob is the state of one capture (EPCIS 2.0 REST binding's capture
// job), finished when it is answered: the document's events are applied
// all or none before POST /epcis/capture answers.
type CaptureJob struct {
	CaptureID  string    `json:"captureID"`
	CreatedAt  time.Time `json:"createdAt"`
	FinishedAt time.Time `json:"finishedAt"`
	Running    bool      `json:"running"`
	Success    bool      `json:"success"`
	// CaptureErrorBehaviour is always rollback: a document is applied
	// whole or not at all.
	CaptureErrorBehaviour string              `json:"captureErrorBehaviour"`
	Errors                []*tracegraph.Error `json:"errors"`
	// Accepted, Duplicates count the native events (a duplicate was
	// recorded before, by an earlier capture of the same document).
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
	// Implicit counts the accepted events that commission what the
	// document named but tracegraph had not seen.
	Implicit int `json:"implicit"`
	// FirstSeq, LastSeq bound the log positions of the accepted events.
	FirstSeq uint64       `json:"firstSeq,omitempty"`
	LastSeq  uint64       `json:"lastSeq,omitempty"`
	Notes    []epcis.Note `json:"notes,omitempty"`
}

// Capture job ids. A job that recorded events is named by where they are
// in the log, "FIRST-LAST-HASH": the seqs of its first and last event (one
// atomic batch is contiguous in the log) and the first 16 hex digits of the
// last one's hash, which the log keeps: it is answered after a restart too,
// and an id made up is not. Any other job is named "m-NANOS-DOC" (its time
// and the document's hash) and lives in memory only.
func recordedJobID(first, last uint64, hash string) string {
	return fmt.Sprintf("%d-%d-%s", first, last, hash[:min(16, len(hash))])
}

func memoryJobID(body []byte, at time.Time) string {
	h := sha256.Sum256(body)
	return fmt.Sprintf("m-%d-%s", at.UnixNano(), hex.EncodeToString(h[:8]))
}

// epcisCapture captures an EPCISDocument: 400 for a body the EPCIS 2.0
// JSON Schema or the mapping refuses (nothing changes), 202 with the
// finished job otherwise (Location: its URL). The job says whether the
// document was applied; when it was, every event is durable.
func (s *Server) epcisCapture(c echo.Context) error {
	ctx := c.Request().Context()
	body, err := s.readWholeBody(c)
	if err != nil {
		return s.fail(c, err)
	}
	created := s.now()
	plan, res, err := s.epcis.validator.Apply(ctx, s.cfg.Store, body, s.cfg.MaxEventsPerRequest)
	if err != nil {
		return s.fail(c, err)
	}
	s.metrics.countOutcomes(res.Outcomes)
	job, forbidden := newCaptureJob(plan, res)
	if forbidden != nil {
		// Who may record what is the access table's answer, not the
		// job's: nothing was applied.
		return s.fail(c, forbidden)
	}
	job.CreatedAt, job.FinishedAt = created, s.now()
	job.CaptureID = memoryJobID(body, created)
	if job.Accepted > 0 {
		// The events are durable whatever happens now: a job id the log
		// cannot give is only less durable, never an error.
		evs, err := s.cfg.Store.Events(ctx, job.LastSeq-1, 1)
		if err == nil && len(evs) == 1 && evs[0].Seq == job.LastSeq {
			job.CaptureID = recordedJobID(job.FirstSeq, job.LastSeq, evs[0].Hash)
		} else {
			s.log.WarnContext(ctx, "epcis capture: the job is named in memory only", "lastSeq", job.LastSeq, "err", err)
		}
	}
	s.epcis.keep(job)
	c.Response().Header().Set(echo.HeaderLocation, "/epcis/capture/"+job.CaptureID)
	return c.JSON(http.StatusAccepted, job)
}

// newCaptureJob is the job of an applied plan, and the first FORBIDDEN
// refusal when the principal may not record one of its events.
func newCaptureJob(plan *epcis.Plan, res ingest.Result) (*CaptureJob, *tracegraph.Error) {
	job := &CaptureJob{CaptureErrorBehaviour: "rollback", Errors: []*tracegraph.Error{}, Notes: plan.Notes, Success: res.Rejected == 0}
	for i, o := range res.Outcomes {
		switch {
		case o.Status == tracegraph.OutcomeAccepted:
			if job.FirstSeq == 0 || o.Seq < job.FirstSeq {
				job.FirstSeq = o.Seq
			}
			job.LastSeq = max(job.LastSeq, o.Seq)
			if i < plan.Implicit {
				job.Implicit++
			}
		case o.Status == tracegraph.OutcomeRejected && o.Error != nil && o.Error.Code == tracegraph.CodeForbidden:
			return nil, o.Error
		case o.Status == tracegraph.OutcomeRejected && o.Error != nil:
			job.Errors = append(job.Errors, &tracegraph.Error{Code: o.Error.Code, Field: tracegraph.Clip(o.Error.Field, maxEchoed),
				Message: tracegraph.Clip(fmt.Sprintf("event %q: %s", o.ID, o.Error.Message), maxEchoedMessage)})
		}
	}
	if job.Success {
		job.Accepted, job.Duplicates = res.Accepted, res.Duplicates
	}
	return job, nil
}

// keep remembers a job, forgetting the oldest beyond maxCaptureJobs.
func (e *epcisService) keep(job *CaptureJob) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.jobs[job.CaptureID]; !ok {
		e.order = append(e.order, job.CaptureID)
	}
	e.jobs[job.CaptureID] = job
	for len(e.order) > maxCaptureJobs {
		delete(e.jobs, e.order[0])
		e.order = e.order[1:]
	}
}

// epcisJob answers a capture job: from memory, or, for a job that
// recorded events (after a restart too), from the log.
func (s *Server) epcisJob(c echo.Context) error {
	id := c.Param("id")
	s.epcis.mu.Lock()
	job, ok := s.epcis.jobs[id]
	s.epcis.mu.Unlock()
	if ok {
		return c.JSON(http.StatusOK, job)
	}
	notFound := tracegraph.Errorf(tracegraph.CodeNotFound, "id", "no capture job %q: a job that recorded events is answered as long as the log has them; other jobs are kept in memory until a restart", tracegraph.Clip(id, maxEchoed))
	var first, last uint64
	var hash string
	if n, err := fmt.Sscanf(id, "%d-%d-%s", &first, &last, &hash); err != nil || n != 3 || first == 0 || last < first || last-first >= uint64(s.cfg.MaxEventsPerRequest) || len(hash) != 16 {
		return s.fail(c, notFound)
	}
	evs, err := s.cfg.Store.Events(c.Request().Context(), first-1, int(last-first+1))
	if err != nil {
		return s.fail(c, err)
	}
	if len(evs) == 0 || evs[len(evs)-1].Seq != last || !strings.HasPrefix(evs[len(evs)-1].Hash, hash) {
		return s.fail(c, notFound)
	}
	return c.JSON(http.StatusOK, &CaptureJob{CaptureID: id, CreatedAt: evs[0].RecordedAt, FinishedAt: evs[len(evs)-1].RecordedAt,
		Success: true, CaptureErrorBehaviour: "rollback", Errors: []*tracegraph.Error{}, Accepted: len(evs), FirstSeq: first, LastSeq: last})
}

// epcisEvent answers one event as EPCIS 2.0 JSON-LD.
func (s *Server) epcisEvent(c echo.Context) error {
	eventID, err := url.PathUnescape(c.Param("eventID"))
	if err != nil {
		return s.fail(c, tracegraph.Errorf(tracegraph.CodeInvalid, "eventID", "eventID is not a valid path segment"))
	}
	ctx := c.Request().Context()
	ev, err := s.cfg.Store.Event(ctx, epcis.NativeID(eventID))
	if err != nil {
		return s.fail(c, err)
	}
	out, err := s.renderEPCIS(ctx, ev, s.newEPCISNames(ctx))
	if err != nil {
		return s.fail(c, err)
	}
	out["@context"] = epcis.Context
	return s.jsonLD(c, http.StatusOK, out)
}

// renderEPCIS renders ev with names, fetching the event an event.voided
// voids.
func (s *Server) renderEPCIS(ctx context.Context, ev *tracegraph.Event, names *epcisNames) (map[string]any, error) {
	var voided *tracegraph.Event
	if ev.Type == tracegraph.EventVoided {
		p, err := ev.Payload()
		if err != nil {
			return nil, err
		}
		if voided, err = s.cfg.Store.Event(ctx, p.(*tracegraph.Voided).Event); err != nil {
			return nil, err
		}
	}
	out, err := epcis.Render(ev, voided, names)
	if err == nil {
		err = names.err
	}
	return out, err
}

func (s *Server) jsonLD(c echo.Context, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.Blob(status, "application/ld+json", b)
}
