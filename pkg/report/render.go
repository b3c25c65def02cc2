package report

import (
	_ "embed"
	"errors"
	"html/template"
	"io"
	"sync"
)

var (
	//go:embed report.html.tmpl
	pageTemplate string
	//go:embed style.css
	styleCSS string
	//go:embed script.js
	scriptJS string
)

// tmpl is parsed on first use, not at start-up: every command links this
// package in.
var tmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"add": func(d, v int) int { return v + d },
	}).Parse(pageTemplate))
})

// Write renders the report as one self-contained HTML page.
func Write(w io.Writer, in Input) error {
	if in.Report == nil {
		return errors.New("no drift report to render")
	}
	p, err := build(in)
	if err != nil {
		return err
	}
	return tmpl().ExecuteTemplate(w, "page", struct {
		Page *page
		CSS  template.CSS
		JS   template.JS
	}{p, template.CSS(styleCSS), template.JS(scriptJS)})
}

// WriteSVG renders a laid-out topology as a standalone SVG document.
func WriteSVG(w io.Writer, l *Layout) error {
	return tmpl().ExecuteTemplate(w, "svg", l)
}
