-- CreateTable
CREATE TABLE "retention_rule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "storage_url" TEXT NOT NULL,
    "storage_directory" TEXT NOT NULL,
    "keep_last" INTEGER,
    "keep_days" INTEGER,
    "keep_daily" INTEGER,
    "keep_weekly" INTEGER,
    "keep_monthly" INTEGER,
    "updated_by" TEXT NOT NULL,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "snapshot_keep" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "storage_url" TEXT NOT NULL,
    "storage_directory" TEXT NOT NULL,
    "snapshot_id" BIGINT NOT NULL,
    "reason" TEXT,
    "kept_by" TEXT NOT NULL,
    "kept_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "retention_rule_storage_url_storage_directory_key" ON "retention_rule"("storage_url", "storage_directory");

-- CreateIndex
CREATE UNIQUE INDEX "snapshot_keep_storage_url_storage_directory_snapshot_id_key" ON "snapshot_keep"("storage_url", "storage_directory", "snapshot_id");

