CREATE INDEX process_step_recipe IF NOT EXISTS
FOR (n:ProcessStep) ON (n.recipe)
