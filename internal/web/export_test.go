package web

// What the tests of package web_test (the pages over the whole system,
// testkit's, which imports this package) use of this one's.
var (
	ExampleDoc          = exampleDoc
	StepForm            = stepForm
	NewWebsite          = newWebsite
	VerificationFormURL = verificationFormURL
	SecurityLetterURL   = securityLetterURL
)
