package web

import "beian/internal/browsertest"

// What the tests of package web_test (the pages over the whole system,
// testkit's, which imports this package) use of this one's.
var (
	ExampleDoc          = exampleDoc
	TestJPEG            = testJPEG
	StepForm            = stepForm
	ShrinkPNG           = browsertest.ShrinkPNG
	NewWebsite          = newWebsite
	VerificationFormURL = verificationFormURL
	SecurityLetterURL   = securityLetterURL
)
