CREATE INDEX material_lot_part_number IF NOT EXISTS
FOR (l:MaterialLot) ON (l.partNumber)
