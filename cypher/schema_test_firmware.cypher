CREATE INDEX test_run_firmware_version IF NOT EXISTS
FOR (n:TestRun) ON (n._fw_version)
