"""SNMP discovery: collect (pysnmp) -> parse (pure) into typed rows."""
