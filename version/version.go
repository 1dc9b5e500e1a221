// Package version says which build of tracegraph is running: the module
// version, the VCS revision and its time, as the Go toolchain recorded them
// in the binary (runtime/debug.ReadBuildInfo). Standard library only.
package version

import (
	"fmt"
	"runtime/debug"
)

// Info describes the running build.
type Info struct {
	// Module is the main module's path.
	Module string `json:"module"`
	// Version is the module version: a tag such as v1.2.0 for a released
	// build, a pseudo-version, or "(devel)" for a build from a work tree.
	Version string `json:"version"`
	// Revision is the VCS commit the binary was built from ("" when the
	// build did not record one, as in tests).
	Revision string `json:"revision,omitempty"`
	// Time is the commit's time (RFC 3339).
	Time string `json:"time,omitempty"`
	// Modified reports uncommitted changes in the work tree it was built from.
	Modified bool `json:"modified,omitempty"`
	// GoVersion is the toolchain that built it.
	GoVersion string `json:"goVersion"`
}

// Set at link time by builds that have no VCS information to record, such
// as the container build (the Dockerfile passes its VERSION and REVISION
// build arguments): -ldflags "-X github.com/tracegraph/tracegraph/version.linkedVersion=v1.2.0".
// Never changed at run time.
var (
	linkedVersion  string
	linkedRevision string
)

// Get returns the running build's Info. The Go toolchain records the module
// version from the git tag of a clean checkout (Go 1.24 and later) and the
// revision; a version given at link time fills in what it could not record.
func Get() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Info{Version: "unknown"}
	}
	in := Info{Module: bi.Main.Path, Version: bi.Main.Version, GoVersion: bi.GoVersion}
	if (in.Version == "" || in.Version == "(devel)") && linkedVersion != "" {
		in.Version = linkedVersion
	}
	if in.Version == "" {
		in.Version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Revision = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	if in.Revision == "" {
		in.Revision = linkedRevision
	}
	return in
}

// String is the one-line form: "v1.2.0 (3f2c1ab, 2026-03-01T08:00:00Z)".
func (in Info) String() string {
	s := in.Version
	if in.Revision != "" {
		rev := in.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if in.Modified {
			rev += "+dirty"
		}
		if in.Time != "" {
			rev += ", " + in.Time
		}
		s += fmt.Sprintf(" (%s)", rev)
	}
	return s
}
