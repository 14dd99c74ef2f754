-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_backup_job" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "state" TEXT NOT NULL,
    "remarks" TEXT,
    "started_by" TEXT NOT NULL,
    "started_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" DATETIME,
    "heartbeat_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "runner" TEXT NOT NULL,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "rows_written" BIGINT NOT NULL DEFAULT 0,
    "bytes_written" BIGINT NOT NULL DEFAULT 0,
    "snapshot_bytes" BIGINT,
    "hummock_version_id" BIGINT,
    "storage_url" TEXT NOT NULL,
    "storage_directory" TEXT NOT NULL
);
INSERT INTO "new_backup_job" ("bytes_written", "error", "finished_at", "heartbeat_at", "hummock_version_id", "id", "remarks", "rows_written", "started_at", "started_by", "state") SELECT "bytes_written", "error", "finished_at", "heartbeat_at", "hummock_version_id", "id", "remarks", "rows_written", "started_at", "started_by", "state" FROM "backup_job";
DROP TABLE "backup_job";
ALTER TABLE "new_backup_job" RENAME TO "backup_job";
CREATE INDEX "backup_job_state_idx" ON "backup_job"("state");
CREATE INDEX "backup_job_started_at_idx" ON "backup_job"("started_at");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- At most one RUNNING job across every process sharing the meta store (not expressible in the Prisma schema).
CREATE UNIQUE INDEX "backup_job_one_running" ON "backup_job"("state") WHERE "state" = 'RUNNING';
