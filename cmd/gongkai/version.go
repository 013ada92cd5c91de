package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"gongkai/index"
	"gongkai/parse"
	"gongkai/store"
)

func init() {
	commands["version"] = command{
		summary: "say which gongkai this is: its build, the archive schema, index layout and parser",
		usage: usageText("gongkai version [--json]",
			"Prints the build (the module version, or the commit it was built from, when, and",
			"whether the tree had changes), the Go toolchain, and what the build writes: the",
			"archive's schema, the search index's layout and the parser's version (each record",
			"keeps the parser version that read it). Cite it beside figures taken from the archive.",
			"gongkai --version prints the same.",
			"",
			"Flags:",
			"  --json   one JSON object"),
		run: runVersion,
	}
}

// buildVersion is what the binary knows of itself.
type buildVersion struct {
	Version  string `json:"version"`            // the module's version, "(devel)" for a build from a checkout
	Revision string `json:"revision,omitempty"` // the commit built from, when the build recorded it
	Time     string `json:"time,omitempty"`     // the commit's time
	Modified bool   `json:"modified"`           // the checkout had uncommitted changes
	Go       string `json:"go"`
	Platform string `json:"platform"`
	Schema   int    `json:"archive_schema"`
	Index    string `json:"index_layout"`
	Parser   string `json:"parser"`
}

func currentVersion() buildVersion {
	v := buildVersion{Version: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		Schema: store.SchemaVersion(), Index: index.Layout(), Parser: parse.Version}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if info.Main.Version != "" {
		v.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func (v buildVersion) String() string {
	build := v.Version
	if v.Revision != "" {
		build += " " + v.Revision
		if v.Time != "" {
			build += " (" + v.Time + ")"
		}
		if v.Modified {
			build += " with uncommitted changes"
		}
	} else {
		// go test, -buildvcs=false and a build outside a git checkout record no commit.
		build += ", commit not recorded (built outside a git checkout, or with -buildvcs=false)"
	}
	return fmt.Sprintf("gongkai %s\n%s %s\narchive schema %d, search index layout %s, parser %s\n",
		build, v.Go, v.Platform, v.Schema, v.Index, v.Parser)
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	if status, ok := parseFlags("version", fs, args, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gongkai version: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	v := currentVersion()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(stderr, "gongkai version: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	fmt.Fprint(stdout, v)
	return exitOK
}
