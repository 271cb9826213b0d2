"""API tokens: `(:ApiToken {name, role, hash, created_at, expires_at, revoked_at})`,
never a CI. `name` and `hash` (sha256 of the secret) are unique
(cmdb/migrations.py), so a request's lookup by hash is one unique-index seek."""

from __future__ import annotations

# the fields every read returns: never the hash
_FIELDS = """t.name AS name, t.role AS role, t.created_at AS created_at,
       t.expires_at AS expires_at, t.revoked_at AS revoked_at"""

CREATE_TOKEN = "CREATE (t:ApiToken) SET t = $props"  # noqa: S105 (Cypher, not a secret)

# every token, by name (through the name constraint's index, not a label scan)
LIST_TOKENS = f"""
MATCH (t:ApiToken) WHERE t.name IS NOT NULL
RETURN {_FIELDS}
ORDER BY t.name
"""

# the token a request presents, by the hash of its secret (the API's one read per request)
FIND_TOKEN = f"MATCH (t:ApiToken {{hash: $hash}}) RETURN {_FIELDS}"

# revoking twice keeps the first time
REVOKE_TOKEN = f"""
MATCH (t:ApiToken {{name: $name}})
SET t.revoked_at = coalesce(t.revoked_at, $at)
RETURN {_FIELDS}
"""
