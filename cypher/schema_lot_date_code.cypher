CREATE INDEX material_lot_date_code IF NOT EXISTS
FOR (n:MaterialLot) ON (n.dateCode)
