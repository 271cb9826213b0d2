"""The composition root: the `cmdb` command, the demo and the sample estate.

It wires cmdb, discovery, lab (and later api, audits) together; nothing imports it.
"""
