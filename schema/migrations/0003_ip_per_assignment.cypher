// Schema version 3: an IPAddress is identified within the interface (or device) it is
// assigned to, one CI per assignment, instead of one CI per address that every device
// reporting the address rewrote (its prefix length flipping from run to run).
//
// Each IPAddress of version 2 is scoped to its owners over HAS_ADDRESS, the one with an
// open assignment and the newest first: that owner keeps the CI, with its uid and its
// history. Every further owner gets a CI of its own, a copy of the current state created
// by the change set 'migration-0003' (its history starts here), and takes its
// HAS_ADDRESS links (open and closed) with it. The next discovery of each owner then
// corrects what its CI holds from another owner's report: the prefix length, and the
// subnet links (see below). An IPAddress with no HAS_ADDRESS at all (written by hand)
// stays unscoped: it is kept and readable, but a new observation, which needs its
// interface or device, identifies a new CI.

// the change set the copies are created by, when there is any address to split
MATCH (o:CI)-[:HAS_ADDRESS]->(n:CI:IPAddress) WHERE n._parent IS NULL
WITH n, count(DISTINCT o) AS owners WHERE owners > 1
WITH count(n) AS split WHERE split > 0
CREATE (:ChangeSet {id: 'migration-0003', source: 'migration', actor: 'cmdb',
  reason: 'schema version 3: one IPAddress CI per assignment (0003_ip_per_assignment)',
  at: datetime.transaction(), recorded_at: datetime.transaction()});

// every address of version 2 scoped to its first owner, a copy for each further owner
MATCH (n:CI:IPAddress) WHERE n._parent IS NULL
CALL (n) {
  MATCH (o:CI)-[r:HAS_ADDRESS]->(n)
  WITH o, r ORDER BY r.since DESC
  WITH o, max(CASE WHEN r.until IS NULL THEN 1 ELSE 0 END) AS open, max(r.since) AS since,
       min(r.since) AS first, collect(r.scope) AS scopes
  ORDER BY open DESC, since DESC, o.uid
  RETURN collect({uid: o.uid, open: open, first: first, scopes: scopes}) AS owners
}
WITH n, owners WHERE size(owners) > 0
WITH n, owners[0] AS keeper, owners[1..] AS others
SET n._parent = keeper.uid,
    n._idk = 'IPAddress|' + keeper.uid + '|address=' + n.address,
    n._scope = CASE WHEN size(keeper.scopes) = 0 OR n._scope IN keeper.scopes THEN n._scope
                    ELSE keeper.scopes[0] END
WITH n, others
UNWIND others AS other
// one map, set at once: the unique _idk never holds the original's value on the copy
CREATE (m:CI:State:IPAddress)
SET m = n {.*,
    uid: replace(randomUUID(), '-', ''),
    _parent: other.uid,
    _idk: 'IPAddress|' + other.uid + '|address=' + n.address,
    _scope: coalesce(other.scopes[0], n._scope),
    _vfrom: datetime.transaction(),
    _cs: 'migration-0003',
    _missed: 0,
    first_seen: coalesce(other.first, n.first_seen),
    status: CASE WHEN other.open = 0 AND n.status = 'active' THEN 'absent' ELSE n.status END,
    _split_from: n.uid}
WITH n, m, other
MATCH (o:CI {uid: other.uid})-[r:HAS_ADDRESS]->(n)
CREATE (o)-[moved:HAS_ADDRESS]->(m)
SET moved = properties(r)
DELETE r;

// The subnet links of an address that is split: which owner reported which one is not
// known (a link both reported carries the scope of the last), so every owner gets the
// open ones, under its own assignment's scope, and its next discovery closes those it does
// not report (10.10.10.2 in 10.10.10.0/30 on one device, in 10.10.10.0/24 on the other).
MATCH (m:CI:IPAddress) WHERE m._split_from IS NOT NULL
MATCH (n:CI {uid: m._split_from})-[r:IN_SUBNET]->(s:CI)
WHERE r.scope IS NOT NULL AND r.until IS NULL
CREATE (m)-[copied:IN_SUBNET]->(s)
SET copied = properties(r), copied.scope = m._scope;

MATCH (m:CI:IPAddress) WHERE m._split_from IS NOT NULL
WITH DISTINCT m._split_from AS original
MATCH (n:CI {uid: original})-[r:IN_SUBNET]->(:CI)
WHERE r.scope IS NOT NULL AND r.until IS NULL AND n._scope IS NOT NULL
SET r.scope = n._scope;

MATCH (m:CI:IPAddress) WHERE m._split_from IS NOT NULL
REMOVE m._split_from;
