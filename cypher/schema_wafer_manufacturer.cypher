CREATE INDEX wafer_batch_manufacturer IF NOT EXISTS
FOR (n:WaferBatch) ON (n.manufacturer)
