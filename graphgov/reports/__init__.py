"""Writers: CSV (Excel-safe), JSON, terminal tables. Outputs are written atomically."""
