package notify

import (
	"os"
	"testing"
)

// NOTIFY_DEBUG=1 shows the job runner's log (failed attempts and their errors).
func TestMain(m *testing.M) {
	if os.Getenv(killChildEnv) != "" {
		runKillChild()
		return
	}
	if os.Getenv("NOTIFY_DEBUG") != "" {
		logOut = os.Stderr
	}
	os.Exit(m.Run())
}
