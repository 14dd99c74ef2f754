-- AlterTable
ALTER TABLE "backup_job" ADD COLUMN     "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "runner" TEXT NOT NULL,
ADD COLUMN     "snapshot_bytes" BIGINT,
ADD COLUMN     "storage_directory" TEXT NOT NULL,
ADD COLUMN     "storage_url" TEXT NOT NULL;

-- CreateIndex
CREATE INDEX "backup_job_started_at_idx" ON "backup_job"("started_at");


-- At most one RUNNING job across every process sharing the meta store (not expressible in the Prisma schema).
CREATE UNIQUE INDEX "backup_job_one_running" ON "backup_job"("state") WHERE "state" = 'RUNNING';
