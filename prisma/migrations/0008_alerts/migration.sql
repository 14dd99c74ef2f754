-- CreateTable
CREATE TABLE "alert_channel" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target_sealed" TEXT NOT NULL,
    "target_masked" TEXT NOT NULL,
    "secret_sealed" TEXT,
    "events" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "alert_delivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel_id" INTEGER NOT NULL,
    "channel_name" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_kind" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "outcome" TEXT NOT NULL,
    "status" TEXT,
    "error" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_channel_name_key" ON "alert_channel"("name");

-- CreateIndex
CREATE INDEX "alert_delivery_at_idx" ON "alert_delivery"("at");

