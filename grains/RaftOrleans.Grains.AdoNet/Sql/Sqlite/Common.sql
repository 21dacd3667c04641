-- RaftOrleans on SQLite: tables every component needs. Written for this project (not Orleans' scripts).
--
-- Runs before each component script, inside one BEGIN IMMEDIATE transaction opened by SqliteSchema, so
-- several processes may run it against one file at once: the second waits for the first, then every
-- statement below is a no-op. Everything is idempotent: CREATE ... IF NOT EXISTS, query rows are upserts.
--
-- Orleans' ADO.NET providers read the statements they run from OrleansQuery at start
-- ("SELECT QueryKey, QueryText FROM OrleansQuery") and refuse to start when a key they need is missing.
-- Query texts never contain BEGIN/COMMIT: the providers run each text as one command without a
-- transaction on pooled connections, so an open transaction would leak into the next user of the
-- connection. Where a text has two statements, the first is the only write.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- One row per installed component ('Storage', 'Clustering', 'Reminders') with the schema version its
-- script created, so a migration command can tell what a file holds before it changes anything.
CREATE TABLE IF NOT EXISTS RaftOrleansSchema
(
    Component TEXT    NOT NULL PRIMARY KEY,
    Version   INTEGER NOT NULL
);
