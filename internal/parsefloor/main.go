// Command parsefloor is the floor the cost of `gongkai parse --json` is measured
// against (see BENCHMARKS.md): it reads each file named on the command line,
// decodes it to UTF-8 (GB18030 when it is not UTF-8) and parses it with
// html.Parse, and does nothing else. It is not part of the gongkai binary.
package main

import (
	"bytes"
	"fmt"
	"os"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func main() {
	nodes := 0
	for _, name := range os.Args[1:] {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if !utf8.Valid(data) {
			if data, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data); err != nil {
				fmt.Fprintln(os.Stderr, name, err)
				os.Exit(1)
			}
		}
		root, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			fmt.Fprintln(os.Stderr, name, err)
			os.Exit(1)
		}
		for n := range root.Descendants() {
			if n.Type == html.ElementNode {
				nodes++
			}
		}
	}
	fmt.Println(len(os.Args)-1, "files,", nodes, "elements")
}
