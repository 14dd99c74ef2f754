-- CreateTable
CREATE TABLE "restore_drill" (
    "id" SERIAL NOT NULL,
    "snapshot_id" BIGINT NOT NULL,
    "storage_url" TEXT NOT NULL,
    "storage_directory" TEXT NOT NULL,
    "started_by" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),
    "state" TEXT NOT NULL,
    "rows" BIGINT NOT NULL DEFAULT 0,
    "duration_ms" INTEGER NOT NULL DEFAULT 0,
    "problem" TEXT,
    "request_id" TEXT,

    CONSTRAINT "restore_drill_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "restore_drill_snapshot_id_idx" ON "restore_drill"("snapshot_id");

-- CreateIndex
CREATE INDEX "restore_drill_started_at_idx" ON "restore_drill"("started_at");


