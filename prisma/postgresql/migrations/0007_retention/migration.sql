-- CreateTable
CREATE TABLE "retention_rule" (
    "id" SERIAL NOT NULL,
    "storage_url" TEXT NOT NULL,
    "storage_directory" TEXT NOT NULL,
    "keep_last" INTEGER,
    "keep_days" INTEGER,
    "keep_daily" INTEGER,
    "keep_weekly" INTEGER,
    "keep_monthly" INTEGER,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "retention_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "snapshot_keep" (
    "id" SERIAL NOT NULL,
    "storage_url" TEXT NOT NULL,
    "storage_directory" TEXT NOT NULL,
    "snapshot_id" BIGINT NOT NULL,
    "reason" TEXT,
    "kept_by" TEXT NOT NULL,
    "kept_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "snapshot_keep_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "retention_rule_storage_url_storage_directory_key" ON "retention_rule"("storage_url", "storage_directory");

-- CreateIndex
CREATE UNIQUE INDEX "snapshot_keep_storage_url_storage_directory_snapshot_id_key" ON "snapshot_keep"("storage_url", "storage_directory", "snapshot_id");

