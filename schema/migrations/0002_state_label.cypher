// Every state of a CI carries :State, the current one (:CI) and the frozen ones
// (:CIVersion), so that an as-of read is one seek on the (uid, _vfrom) index over both.
MATCH (n) WHERE (n:CI OR n:CIVersion) AND NOT n:State
SET n:State;
