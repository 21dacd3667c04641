-- RaftOrleans on SQLite: cluster membership for Microsoft.Orleans.Clustering.AdoNet (schema version 1).
--
-- The membership protocol is optimistic: a silo reads the table with its version, decides, and writes
-- only if the version is still the one it read. Every membership write below is ONE statement whose
-- WHERE checks "Version = @Version"; an AFTER trigger on the member table bumps the version inside that
-- same statement, so check and bump are atomic without a transaction (SQLite runs one writer at a time,
-- and a write statement takes the write lock before it reads).
-- The heartbeat (UpdateIAmAlivetimeKey) writes only IAmAliveTime, which no trigger watches: heartbeats
-- do not move the version, so they never make a concurrent membership change fail.
-- Dates are bound by Microsoft.Data.Sqlite as 'yyyy-MM-dd HH:mm:ss.FFFFFFF' text (UTC), which orders
-- correctly as text.
-- Boolean answers are one row with one column: "SELECT changes()" after the write, which counts only the
-- rows that statement changed itself (not trigger changes) on this connection.

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId TEXT    NOT NULL PRIMARY KEY,
    Timestamp    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    Version      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId TEXT    NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      TEXT    NOT NULL,
    Port         INTEGER NOT NULL,
    Generation   INTEGER NOT NULL,
    SiloName     TEXT    NOT NULL,
    HostName     TEXT    NOT NULL,
    Status       INTEGER NOT NULL,
    ProxyPort    INTEGER NULL,
    SuspectTimes TEXT    NULL,
    StartTime    TEXT    NOT NULL,
    IAmAliveTime TEXT    NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

CREATE TRIGGER IF NOT EXISTS OrleansMembershipTable_VersionOnInsert
AFTER INSERT ON OrleansMembershipTable
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = CURRENT_TIMESTAMP
    WHERE DeploymentId = NEW.DeploymentId;
END;

-- Every column but IAmAliveTime: a membership update (status, suspicions) always sets Status, so it
-- always bumps, even when the values did not change; a heartbeat never does.
CREATE TRIGGER IF NOT EXISTS OrleansMembershipTable_VersionOnUpdate
AFTER UPDATE OF Status, SuspectTimes, SiloName, HostName, ProxyPort, StartTime ON OrleansMembershipTable
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = CURRENT_TIMESTAMP
    WHERE DeploymentId = NEW.DeploymentId;
END;

-- Removing rows (defunct-silo cleanup) is a change of the table too: readers holding the old version
-- must re-read before they write.
CREATE TRIGGER IF NOT EXISTS OrleansMembershipTable_VersionOnDelete
AFTER DELETE ON OrleansMembershipTable
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = CURRENT_TIMESTAMP
    WHERE DeploymentId = OLD.DeploymentId;
END;

-- Creates the version row of a cluster once; true if this call created it.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', '
INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
ON CONFLICT (DeploymentId) DO NOTHING;
SELECT changes();
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Adds a silo if the table version is still @Version and the silo is not there yet; true on success.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', '
INSERT INTO OrleansMembershipTable
    (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
FROM OrleansMembershipVersionTable
WHERE DeploymentId = @DeploymentId AND Version = @Version
ON CONFLICT DO NOTHING;
SELECT changes();
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Changes the status and suspicions if the table version is still @Version; true on success.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', '
UPDATE OrleansMembershipTable
SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND EXISTS (SELECT 1 FROM OrleansMembershipVersionTable
              WHERE DeploymentId = @DeploymentId AND Version = @Version);
SELECT changes();
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Heartbeat: no version check and no version change.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', '
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Reads always return the version row, with the member columns NULL when there is no member:
-- the provider takes the table version from the first row and skips rows without a StartTime.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', '
SELECT v.Version, m.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status,
       m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m
       ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', '
SELECT v.Version, m.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status,
       m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Gateways for clients: active silos that accept clients (@Status is Active).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Removes a whole cluster (tests and tooling). Members first, then the version row.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', '
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Defunct-silo cleanup, bulk form: dead (Status 6) silos not heard from since @IAmAliveTime.
-- Orleans 10.4 prefers CleanupDefunctSiloEntryKey below when it exists; this one is still required.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = 6 AND IAmAliveTime < @IAmAliveTime;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Defunct-silo cleanup, per row (optional key, used by Orleans 10.4): the provider read the row, judged
-- it defunct, and deletes it only if it is still dead and unchanged since that read. SuspectTimes are
-- compared with NULL and '' alike because the provider reads an empty list back as "no suspicions".
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntryKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND Status = 6 AND StartTime = @StartTime AND IAmAliveTime = @IAmAliveTime
  AND IFNULL(SuspectTimes, '''') = IFNULL(@SuspectTimes, '''');
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO RaftOrleansSchema (Component, Version) VALUES ('Clustering', 1)
ON CONFLICT (Component) DO UPDATE SET Version = excluded.Version WHERE excluded.Version > Version;
