-- RaftOrleans on SQLite: grain state for Microsoft.Orleans.Persistence.AdoNet (schema version 1).
--
-- A row is one state name of one grain: the provider passes the state name as GrainTypeString, so
-- "raft/log/7" and "raft/hard" of the same grain are two rows. The identity of a row is every key column
-- the provider sends; the extension string may be NULL, and SQLite treats NULLs in a UNIQUE index as
-- distinct, so the unique index stores "is NULL" and "value or empty" instead of the raw column.
-- Version is the ETag: every successful write, clear or delete checks the caller's version and moves it.

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    Id                     INTEGER NOT NULL PRIMARY KEY,
    ServiceId              TEXT    NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    PayloadBinary          BLOB    NULL,
    Version                INTEGER NOT NULL,
    ModifiedOn             TEXT    NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Key ON OrleansStorage
(
    ServiceId, GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, GrainTypeString,
    GrainIdExtensionString IS NULL, IFNULL(GrainIdExtensionString, '')
);

-- Returns the stored payload and version, or no row when the state was never written (or was deleted).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE ServiceId = @ServiceId AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- One statement for both cases, so it is atomic without a transaction:
--  * no ETag (@GrainStateVersion NULL): insert version 1; if the row exists the upsert conflicts and its
--    WHERE (Version = NULL) is false, so nothing changes and no row is returned (a version conflict);
--  * an ETag: the SELECT yields a row only if the state row exists, the insert conflicts, and the
--    update happens only if the stored version equals the ETag. A missing row returns nothing (conflict).
-- Returns NewGrainStateVersion on success, no row on a conflict.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO OrleansStorage
    (ServiceId, GrainTypeHash, GrainTypeString, GrainIdHash, GrainIdN0, GrainIdN1, GrainIdExtensionString,
     PayloadBinary, Version, ModifiedOn)
SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
       @PayloadBinary, 1, CURRENT_TIMESTAMP
WHERE @GrainStateVersion IS NULL
   OR EXISTS (SELECT 1 FROM OrleansStorage
              WHERE ServiceId = @ServiceId AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
                AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
                AND GrainIdExtensionString IS @GrainIdExtensionString)
ON CONFLICT DO UPDATE SET
    PayloadBinary = excluded.PayloadBinary,
    Version = Version + 1,
    ModifiedOn = excluded.ModifiedOn
WHERE Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Clear keeps the row (payload NULL) and moves its version; returns the new version, or no row on a conflict.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = CURRENT_TIMESTAMP
WHERE ServiceId = @ServiceId AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Used when DeleteStateOnClear is set: removes the row. The provider expects "deleted version + 1"
-- (anything but the ETag the caller holds) on success, no row on a conflict.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE ServiceId = @ServiceId AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version + 1;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO RaftOrleansSchema (Component, Version) VALUES ('Storage', 1)
ON CONFLICT (Component) DO UPDATE SET Version = excluded.Version WHERE excluded.Version > Version;
