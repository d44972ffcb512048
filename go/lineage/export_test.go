package lineage

// MarksGoroutines says whether Middleware marks the goroutine serving an
// unsampled request (amd64, arm64) rather than the request's context.
const MarksGoroutines = haveGetg
