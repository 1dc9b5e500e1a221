CREATE INDEX material_lot_supplier IF NOT EXISTS
FOR (n:MaterialLot) ON (n.supplier)
