// Command gongkai archives, parses, indexes and serves the annual government
// information disclosure reports (政府信息公开工作年度报告) of Chinese government bodies.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand: its one-line purpose, its usage, and what runs it.
type command struct {
	summary string
	usage   string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

// Exit statuses shared by the subcommands.
const (
	exitOK        = 0
	exitFailed    = 1 // some input could not be read, or the command failed
	exitUsage     = 2
	exitNotReport = 3 // every input was read, but some are not annual reports
	// exitNotIndexed: everything was stored, but the search index could not be
	// brought up to date, so it is not searchable yet (gongkai index does it).
	exitNotIndexed = 4
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "--version", "-version":
		name = "version"
	case "help", "-h", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fmt.Fprintln(stdout, c.usage)
				return exitOK
			}
			fmt.Fprintf(stderr, "gongkai: no command %q\n", args[1])
			return exitUsage
		}
		usage(stdout)
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "gongkai: no command %q (gongkai help lists them)\n", name)
		return exitUsage
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "gongkai archives and reads the annual government information disclosure reports")
	fmt.Fprintln(w, "(政府信息公开工作年度报告) of Chinese government bodies.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: gongkai COMMAND [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'gongkai COMMAND --help' (or 'gongkai help COMMAND') for a command's flags.")
}

// usageText builds a command's --help text from its synopsis and description.
func usageText(synopsis string, lines ...string) string {
	return "Usage: " + synopsis + "\n\n" + strings.Join(lines, "\n")
}
