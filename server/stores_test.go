package server_test

import (
	"strings"
	"testing"
)

// TestNeo4j runs the HTTP known-answer tests again with the Neo4j store
// behind the server: one suite, two stores, the same answers byte for byte
// (the goldens are shared). It needs the real test server (see
// cypher/internal/testserver): without one it skips, except in CI.
//
// Left out: TestExportLargeStreams (it measures the embedded store's heap),
// TestGracefulShutdown and TestInternalErrors (they wrap the store in test
// doubles; the store behind does not matter).
func TestNeo4j(t *testing.T) {
	for _, tc := range []struct {
		name string
		test func(*testing.T)
	}{
		{"TestPostEvents", TestPostEvents},
		{"TestBusinessMetrics", TestBusinessMetrics},
		{"TestAdminLog", TestAdminLog},
		{"TestPostEventsRejections", TestPostEventsRejections},
		{"TestPostEventsBadBodies", TestPostEventsBadBodies},
		{"TestGraphQLGolden", TestGraphQLGolden},
		{"TestPagination", TestPagination},
		{"TestErrorCodes", TestErrorCodes},
		{"TestIngestMutation", TestIngestMutation},
		{"TestRecallKnownAnswers", TestRecallKnownAnswers},
		{"TestAnalystKnownAnswers", TestAnalystKnownAnswers},
		{"TestAnalystGolden", TestAnalystGolden},
		{"TestWhereUsedPages", TestWhereUsedPages},
		{"TestAnalystErrors", TestAnalystErrors},
		{"TestContainment", TestContainment},
		{"TestContainmentHTTP", TestContainmentHTTP},
		{"TestExportBodies", TestExportBodies},
		{"TestExportErrors", TestExportErrors},
		{"TestSubscription", TestSubscription},
		{"TestAccessMatrix", TestAccessMatrix},
		{"TestRecordedBy", TestRecordedBy},
		{"TestOps", TestOps},
		{"TestEPCISCaptureAndQuery", TestEPCISCaptureAndQuery},
		{"TestEPCISCaptureRefused", TestEPCISCaptureRefused},
		{"TestEPCISNamesGS1Keys", TestEPCISNamesGS1Keys},
		{"TestEPCISCaptureTakesProductPartNumbers", TestEPCISCaptureTakesProductPartNumbers},
		{"TestEPCISEventTimeIndexAgreesWithScan", TestEPCISEventTimeIndexAgreesWithScan},
		{"TestFastGraphQLAnswers", TestFastGraphQLAnswers},
		{"TestFastGraphQLRandom", TestFastGraphQLRandom},
		{"TestFastGraphQLRecordPath", TestFastGraphQLRecordPath},
		{"TestGraphQLAnswersByteForByte", TestGraphQLAnswersByteForByte},
	} {
		t.Run(tc.name, tc.test)
	}
}

// onNeo4j reports whether t runs under TestNeo4j.
func onNeo4j(t *testing.T) bool { return strings.HasPrefix(t.Name(), "TestNeo4j/") }
