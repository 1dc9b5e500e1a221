CREATE INDEX test_run_firmware_checksum IF NOT EXISTS
FOR (n:TestRun) ON (n._fw_checksum)
