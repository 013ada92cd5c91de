// Package textfmt writes counts and sizes as people read them, for the
// messages of the crawl and the commands.
package textfmt

import (
	"fmt"
	"strconv"
)

// Count writes n things: "1 item", "6 items".
func Count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// Bytes writes a size: 20 MB, 64 KB, 1.5 GB.
func Bytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.4g GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.4g MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.4g KB", float64(n)/(1<<10))
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
