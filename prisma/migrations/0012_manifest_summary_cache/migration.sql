-- CreateTable
CREATE TABLE "manifest_summary_cache" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "storage_url" TEXT NOT NULL,
    "storage_directory" TEXT NOT NULL,
    "etag" TEXT NOT NULL,
    "manifest_id" BIGINT NOT NULL,
    "summary" TEXT NOT NULL,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "manifest_summary_cache_storage_url_storage_directory_key" ON "manifest_summary_cache"("storage_url", "storage_directory");
