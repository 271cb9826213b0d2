"""Remote collectors: NATS JetStream between sites and the centre.

broker (a nats-server child process), pki (the mutual-TLS certificates), topology (names,
subjects, settings, server configs), streams (site streams, the hub's CMDB_INGEST, the
centre's durable consumer), harness (a hub and N sites on loopback for tests).
"""
