"""SSH discovery: collect raw CLI output over netmiko, parse it into typed rows.

`platforms` holds one module per device OS (the commands it runs and pure
`parse_*` functions); `collect` is the only module doing I/O.
"""
