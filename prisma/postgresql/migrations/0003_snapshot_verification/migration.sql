-- CreateTable
CREATE TABLE "snapshot_verification" (
    "id" SERIAL NOT NULL,
    "snapshot_id" BIGINT NOT NULL,
    "storage_url" TEXT NOT NULL,
    "storage_directory" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "problems" JSONB NOT NULL,
    "integrity_checked" BOOLEAN NOT NULL,
    "rows" BIGINT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "verified_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "snapshot_verification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "snapshot_verification_snapshot_id_idx" ON "snapshot_verification"("snapshot_id");

