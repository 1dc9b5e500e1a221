package server

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/api"
	"github.com/tracegraph/tracegraph/backup"
)

// Backuper is a store that copies itself consistently while it serves
// (embedded.Store): see POST /api/v1/admin/backup.
type Backuper interface {
	// Backup writes a verified backup into the new directory to.
	Backup(ctx context.Context, to string) (*backup.Manifest, error)
}

// The headers of the operators' endpoints.
const (
	// logPage is how many events the log endpoint reads at a time.
	logPage = 1000
)

// adminRoutes adds the operators' endpoints. Who may call them is the
// access table's to say (tracegraph.Grants: the admin role), checked by the
// authenticate middleware like every route.
func (s *Server) adminRoutes(e *echo.Echo) {
	e.POST("/api/v1/admin/backup", s.backup)
	e.GET("/api/v1/admin/log", s.eventLog)
}

// backup answers POST /api/v1/admin/backup: it takes a consistent, verified
// backup of the running store (staged in Config.BackupDir) and streams it as
// a tar archive, the manifest last (tracegraph backup --url receives it).
// One backup runs at a time (CONFLICT otherwise).
func (s *Server) backup(c echo.Context) error {
	ctx := c.Request().Context()
	b, ok := s.cfg.Store.(Backuper)
	if !ok {
		return s.fail(c, tracegraph.Errorf(tracegraph.CodeInvalid, "",
			"this store is not backed up by the service: archive its event log with GET /api/v1/admin/log (tracegraph export-log) and the database's own backup"))
	}
	if !s.backupMu.TryLock() {
		return s.fail(c, tracegraph.Errorf(tracegraph.CodeConflict, "", "a backup is already running; try again when it is done"))
	}
	defer s.backupMu.Unlock()
	tmp, err := os.MkdirTemp(s.cfg.BackupDir, "tracegraph-backup-")
	if err != nil {
		return s.fail(c, err)
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "backup")
	m, err := b.Backup(ctx, dir)
	if err != nil {
		return s.fail(c, err)
	}
	s.log.InfoContext(ctx, "backup taken", "head_seq", m.HeadSeq, "head_hash", m.HeadHash, "files", len(m.Files))
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, backup.ContentType)
	h.Set(api.HeaderBackupHead, strconv.FormatUint(m.HeadSeq, 10)+" "+m.HeadHash)
	c.Response().WriteHeader(http.StatusOK)
	if err := backup.WriteTar(streamWriter{s, c}, dir, m); err != nil {
		// The archive lacks its manifest: the receiver refuses it.
		s.log.WarnContext(ctx, "backup: sending the archive failed", "err", err)
	}
	return nil
}

// eventLog answers GET /api/v1/admin/log?after=SEQ: the event log after
// SEQ (default 0) up to the head when the request came, as NDJSON, each line
// an event as recorded (seq, recordedAt, prevHash, hash): the archive format
// that tracegraph import --keep-seq replays. A complete answer ends with the
// trailer X-Log-Head.
func (s *Server) eventLog(c echo.Context) error {
	ctx := c.Request().Context()
	var after uint64
	if v := c.QueryParam("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return s.fail(c, tracegraph.Errorf(tracegraph.CodeInvalid, "after", "after=%q is not a seq (a whole number)", v))
		}
		after = n
	}
	head, _, err := s.cfg.Store.Head(ctx)
	if err != nil {
		return s.fail(c, err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/x-ndjson")
	h.Set("Trailer", api.HeaderLogHead)
	c.Response().WriteHeader(http.StatusOK)
	w := bufio.NewWriterSize(streamWriter{s, c}, 64<<10)
	last, err := tracegraph.WriteLog(ctx, s.cfg.Store, w, after, head, logPage)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		s.log.WarnContext(ctx, "event log export cut short", "after", after, "err", err)
		return nil // no trailer: the client knows it is incomplete
	}
	h.Set(api.HeaderLogHead, strconv.FormatUint(last, 10))
	s.extendWrite(c) // the last chunk and the trailer are written after we return
	return nil
}

// streamWriter writes a long answer: each write gets Config.WriteTimeout
// afresh (a backup may take longer to take and send than one timeout), so
// the answer is cut off only when the client stops reading.
type streamWriter struct {
	s *Server
	c echo.Context
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.s.extendWrite(w.c)
	return w.c.Response().Write(p)
}
