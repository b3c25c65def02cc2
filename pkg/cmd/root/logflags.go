package root

import (
	"github.com/spf13/pflag"
	"k8s.io/component-base/logs"
)

// addLogFlags adds klog's flags as kubectl does (-v/--v, --vmodule,
// --log-flush-frequency): -v 6 to 9 shows client-go's requests to the API
// server (URLs, timing, headers, curl commands; client-go masks the
// Authorization header) and Git's HTTP requests (gitstate masks and redacts
// them likewise). klog writes to stderr.
func addLogFlags(fs *pflag.FlagSet) {
	logs.AddFlags(fs)
}
