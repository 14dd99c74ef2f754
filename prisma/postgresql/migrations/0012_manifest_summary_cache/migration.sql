-- CreateTable
CREATE TABLE "manifest_summary_cache" (
    "id" SERIAL NOT NULL,
    "storage_url" TEXT NOT NULL,
    "storage_directory" TEXT NOT NULL,
    "etag" TEXT NOT NULL,
    "manifest_id" BIGINT NOT NULL,
    "summary" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "manifest_summary_cache_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "manifest_summary_cache_storage_url_storage_directory_key" ON "manifest_summary_cache"("storage_url", "storage_directory");
