"""Topology reads for the API (api/topology.py): devices, the links between their ports,
and the devices of a site.

A device link is device -HAS_INTERFACE-> port -CONNECTED_TO- port <-HAS_INTERFACE- device,
each of the three relationships open at $t (the instant the answer is read at: now, or
the request's `asOf`); a port's aggregate is the interface it is LAG_MEMBER_OF at $t.
Devices are summarised as of $t (one seek on the (uid, _vfrom) State index each). Labels
and relationship types are schema/'s core; every value is a parameter.
"""

from __future__ import annotations

_live = "{r}.since <= $t AND ({r}.until IS NULL OR {r}.until > $t)"

# What a node of the topology shows of device `{node}` as of $t, as `{name}`: no row when
# the device did not exist then.
_summary_at = """
CALL ({node}) {{
  MATCH (s:State) WHERE s.uid = {node}.uid AND s._vfrom <= $t
  WITH s ORDER BY s.uid DESC, s._vfrom DESC, s._to DESC LIMIT 1
  RETURN s {{.uid, .name, .status, .vendor, .model, .management_ip, class: s._class}} AS {name}
}}"""

# The aggregate that port `{port}` is a member of at $t (null: none).
_aggregate_of = """head(COLLECT {{
  MATCH ({port})-[m:LAG_MEMBER_OF]->(g:Interface) WHERE {live}
  RETURN g.name ORDER BY g.name
}})"""


def _aggregate(port: str) -> str:
    return _aggregate_of.format(port=port, live=_live.format(r="m"))


# Devices of $uids as they were at $t (those that existed then).
DEVICE_SUMMARIES = f"""
UNWIND $uids AS u
MATCH (d:CI {{uid: u}}) WHERE d:Device
{_summary_at.format(node="d", name="device")}
RETURN device
"""

# Every link at $t from a port of a device of $uids to a port of another device, with
# both ports' names and aggregates, the far device's uid and what the link records
# (evidence, since); a link between two devices of $uids once, from the lower uid's side.
_device_links = """
UNWIND $uids AS u
MATCH (a:CI {{uid: u}})-[ha:HAS_INTERFACE]->(i:Interface)-[l:CONNECTED_TO]-(j:Interface)
WHERE {live_ha} AND {live_l}
MATCH (j)<-[hb:HAS_INTERFACE]-(b:Device)
WHERE {live_hb} AND b.uid <> u AND NOT (b.uid < u AND b.uid IN $uids){among}
RETURN u AS near, i.name AS near_port, {near_lag} AS near_lag,
       j.name AS far_port, {far_lag} AS far_lag, b.uid AS far,
       elementId(l) AS link, l.evidence AS evidence, l.since AS since
"""


def _links(among: str) -> str:
    return _device_links.format(
        live_ha=_live.format(r="ha"), live_l=_live.format(r="l"), live_hb=_live.format(r="hb"),
        among=among, near_lag=_aggregate("i"), far_lag=_aggregate("j"),
    )  # fmt: skip


DEVICE_LINKS = _links("")
# ... to the devices of $seen only.
LINKS_AMONG = _links(" AND b.uid IN $seen")

# The site: a Location by uid, name or code (several when the text names several), and
# every device located in it at $t through any chain of LOCATED_IN (a rack in a room in
# the site), as of $t.
SITE_DEVICES = f"""
CALL () {{
  MATCH (l:CI {{uid: $site}}) WHERE l:Location RETURN l
  UNION MATCH (l:Location {{name: $site}}) RETURN l
  UNION MATCH (l:Location {{code: $site}}) RETURN l
}}
OPTIONAL CALL (l) {{
  MATCH (l)<-[rs:LOCATED_IN*1..6]-(d:CI)
  WHERE all(r IN rs WHERE {_live.format(r="r")})
  WITH DISTINCT d WHERE d:Device
  {_summary_at.format(node="d", name="device")}
  RETURN device
}}
RETURN l.uid AS site, l.name AS name, collect(device) AS devices
"""
