CREATE INDEX test_run_test_type IF NOT EXISTS
FOR (n:TestRun) ON (n.testType)
