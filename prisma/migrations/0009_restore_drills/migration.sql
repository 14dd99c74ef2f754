-- CreateTable
CREATE TABLE "restore_drill" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "snapshot_id" BIGINT NOT NULL,
    "storage_url" TEXT NOT NULL,
    "storage_directory" TEXT NOT NULL,
    "started_by" TEXT NOT NULL,
    "started_at" DATETIME NOT NULL,
    "finished_at" DATETIME,
    "state" TEXT NOT NULL,
    "rows" BIGINT NOT NULL DEFAULT 0,
    "duration_ms" INTEGER NOT NULL DEFAULT 0,
    "problem" TEXT,
    "request_id" TEXT
);

-- CreateIndex
CREATE INDEX "restore_drill_snapshot_id_idx" ON "restore_drill"("snapshot_id");

-- CreateIndex
CREATE INDEX "restore_drill_started_at_idx" ON "restore_drill"("started_at");


