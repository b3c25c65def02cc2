package printers

// Level is how serious a finding is, in SARIF's words.
type Level string

// The levels of a finding.
const (
	LevelError   Level = "error"
	LevelWarning Level = "warning"
	LevelNote    Level = "note"
)

// Finding is one problem for a CI system to show, tied to a place in the
// repository where it has one. Drift results map into findings (see
// DriftFindings); validation violations can do the same, so that the SARIF
// and GitHub printers serve both.
type Finding struct {
	// Rule is the id of the rule the finding breaks, such as "drift/drifted".
	Rule string
	// Level is error, warning or note.
	Level Level
	// File is the path relative to the repository root, with forward
	// slashes; "" when the finding has no place in the repository.
	File string
	// Line is the 1-based line in File; 0 when unknown.
	Line int
	// Title is a short summary, one line.
	Title string
	// Message says what is wrong; it may span lines.
	Message string
	// Key identifies the finding across runs (fabric, object, field), so
	// that code scanning tells two findings on the same line apart.
	Key string
}

// Rule describes a rule that findings refer to.
type Rule struct {
	// ID is the stable identifier, such as "drift/drifted".
	ID string
	// Name is a short name in UpperCamelCase, as SARIF recommends.
	Name string
	// Short is a one-sentence description; Full may say more.
	Short, Full string
	// Level is the default level of the rule's findings.
	Level Level
	// HelpURI points at the rule's documentation ("" when none).
	HelpURI string
}

// Findings is what the SARIF and GitHub printers take: the rules that may
// appear, the findings, and a one-line summary of the run.
type Findings struct {
	Rules    []Rule
	Findings []Finding
	// Summary is a line printed after the findings in GitHub's format; ""
	// for none.
	Summary string
	// Failed is true when the run could not check everything (a fabric
	// that could not be read).
	Failed bool
}
