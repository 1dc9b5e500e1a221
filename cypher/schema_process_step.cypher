CREATE INDEX process_step_step IF NOT EXISTS
FOR (n:ProcessStep) ON (n.step)
