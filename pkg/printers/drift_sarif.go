package printers

import (
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// SARIF 2.1.0 identity.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// sarifSrcRoot is the base that relative file URIs resolve against:
	// the repository root, as GitHub code scanning reads them.
	sarifSrcRoot = "%SRCROOT%"
	// sarifKeyName names the partial fingerprint made of Finding.Key.
	sarifKeyName = "kubectlHnpFindingKey/v1"
)

// SARIFTool describes the tool in a SARIF log.
type SARIFTool struct {
	Name           string
	Version        string // "" when unknown
	InformationURI string
}

// DriftTool is kubectl-hnp as SARIF names it.
var DriftTool = SARIFTool{Name: "kubectl-hnp", InformationURI: "https://github.com/githedgehog/kubectl-hnp"}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifToolWrap     `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifToolWrap struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	Name                 string        `json:"name,omitempty"`
	ShortDescription     *sarifMessage `json:"shortDescription,omitempty"`
	FullDescription      *sarifMessage `json:"fullDescription,omitempty"`
	HelpURI              string        `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig   `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level Level `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Descriptor *sarifRuleRef `json:"associatedRule,omitempty"`
	Level      Level         `json:"level"`
	Message    sarifMessage  `json:"message"`
}

type sarifRuleRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               Level             `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// WriteDriftSARIF writes r as a SARIF 2.1.0 log for GitHub code scanning
// (see DriftFindings and WriteSARIF).
func WriteDriftSARIF(w io.Writer, r *drift.Report, tool SARIFTool) error {
	if r == nil {
		return errors.New("no drift report to print")
	}
	return WriteSARIF(w, tool, DriftFindings(r))
}

// WriteSARIF writes fs as a SARIF 2.1.0 log of one run. A finding with a
// file becomes a result located at File:Line relative to the repository
// root (%SRCROOT%); one without a file (GitHub refuses results without a
// location) becomes a notification of the run's invocation, whose
// executionSuccessful is false when fs.Failed.
func WriteSARIF(w io.Writer, tool SARIFTool, fs Findings) error {
	run := sarifRun{
		Tool:        sarifToolWrap{Driver: sarifDriver{Name: tool.Name, Version: tool.Version, InformationURI: tool.InformationURI, Rules: []sarifRule{}}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: !fs.Failed}},
		Results:     []sarifResult{},
	}
	index := map[string]int{}
	for i, r := range fs.Rules {
		index[r.ID] = i
		sr := sarifRule{ID: r.ID, Name: r.Name, HelpURI: r.HelpURI, DefaultConfiguration: sarifConfig{Level: r.Level}}
		if r.Short != "" {
			sr.ShortDescription = &sarifMessage{Text: r.Short}
		}
		if r.Full != "" {
			sr.FullDescription = &sarifMessage{Text: r.Full}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sr)
	}
	for _, f := range fs.Findings {
		i, ok := index[f.Rule]
		if !ok {
			return errors.New("finding of an undeclared rule " + f.Rule)
		}
		if f.File == "" {
			inv := &run.Invocations[0]
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Descriptor: &sarifRuleRef{ID: f.Rule, Index: i}, Level: f.Level, Message: sarifMessage{Text: f.Message}})
			continue
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(f.File), URIBaseID: sarifSrcRoot}}}
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line}
		}
		res := sarifResult{RuleID: f.Rule, RuleIndex: i, Level: f.Level, Message: sarifMessage{Text: f.Message}, Locations: []sarifLocation{loc}}
		if f.Key != "" {
			res.PartialFingerprints = map[string]string{sarifKeyName: f.Key}
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// fileURI turns a repository path into a relative URI reference: each
// segment percent-encoded, slashes kept, and ":" escaped so that no
// segment reads as a URI scheme.
func fileURI(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(url.PathEscape(p), ":", "%3A")
	}
	return strings.Join(parts, "/")
}
