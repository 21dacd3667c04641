-- RaftOrleans on PostgreSQL: tables every component needs. Written for this project (not Orleans' scripts).
--
-- PostgreSqlSchema runs this and each component script in one transaction after taking a transaction-level
-- advisory lock, so several silos may run them at once: CREATE ... IF NOT EXISTS alone is not safe under
-- concurrency in PostgreSQL (two creators can collide in the catalog). Everything is idempotent; query rows
-- are upserts. Query texts use dollar quoting ($q$ ... $q$), so they are written exactly as they run.
--
-- Orleans' ADO.NET providers read their statements from OrleansQuery at start and refuse to start when a
-- key they need is missing. Texts never contain BEGIN/COMMIT (the providers run each text as one command
-- on pooled connections). Unquoted names fold to lower case; the providers look columns up by name
-- without regard to case.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- One row per installed component with the schema version its script created.
CREATE TABLE IF NOT EXISTS RaftOrleansSchema
(
    Component varchar(32) NOT NULL PRIMARY KEY,
    Version   integer     NOT NULL
);
