"""cmdb package."""
