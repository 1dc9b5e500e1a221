CREATE INDEX process_step_station IF NOT EXISTS
FOR (n:ProcessStep) ON (n.station)
