package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strconv"
)

//go:embed templates
var templateFiles embed.FS

// page is what every page's data carries for the layout.
type page struct {
	Title string
	// Downloads are the CSV and JSON files of exactly what the page shows.
	Downloads []link
	// Query is the search box's text.
	Query string
}

type link struct {
	Text string
	URL  string
}

type errorPage struct {
	page
	Status  int
	Message string
}

// pageTemplates holds one template set per page: the layout, the charts, and the
// page's own "content".
type pageTemplates struct {
	sets   map[string]*template.Template
	charts *template.Template // the charts alone, for the .svg files
}

var templateFuncs = template.FuncMap{
	"add":  func(a, b int) int { return a + b },
	"fadd": func(a, b float64) float64 { return a + b },
	"px": func(v float64) string {
		return strconv.FormatFloat(v, 'f', 1, 64)
	},
	// pair hands a chart and one of its layouts to the template drawing it.
	"pair": func(chart, layout any) chartPair { return chartPair{chart, layout} },
}

type chartPair struct {
	Chart, Layout any
}

var pageNames = []string{"home", "search", "report", "organ", "compare", "coverage", "lead", "changes", "error"}

func loadTemplates() *pageTemplates {
	pt := &pageTemplates{sets: map[string]*template.Template{},
		charts: template.Must(template.New("charts").Funcs(templateFuncs).ParseFS(templateFiles, "templates/chart.html"))}
	for _, name := range pageNames {
		pt.sets[name] = template.Must(template.New(name).Funcs(templateFuncs).ParseFS(templateFiles,
			"templates/layout.html", "templates/chart.html", "templates/parts.html", "templates/"+name+".html"))
	}
	return pt
}

// render writes a page; it renders into a buffer first so that a template error
// becomes a 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.sets[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.Logger.Error("template", "page", name, "err", err)
		http.Error(w, "内部错误 internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// renderSVG writes a chart as a standalone SVG file.
func (s *server) renderSVG(w http.ResponseWriter, r *http.Request, chartTemplate, name string, chart any) {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if err := s.pages.charts.ExecuteTemplate(&buf, chartTemplate, chart); err != nil {
		s.Logger.Error("template", "chart", chartTemplate, "err", err)
		http.Error(w, "内部错误 internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", attachment(name+".svg"))
	}
	w.Write(buf.Bytes())
}
