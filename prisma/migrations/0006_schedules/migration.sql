-- CreateTable
CREATE TABLE "backup_schedule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "verify" BOOLEAN NOT NULL DEFAULT false,
    "remarks" TEXT NOT NULL,
    "active_since" DATETIME NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "backup_schedule_run" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "schedule_id" INTEGER NOT NULL,
    "due_at" DATETIME NOT NULL,
    "fired_at" DATETIME NOT NULL,
    "outcome" TEXT NOT NULL,
    "job_id" BIGINT,
    "message" TEXT,
    "missed_count" INTEGER,
    "missed_until" DATETIME,
    "catch_up" BOOLEAN NOT NULL DEFAULT false,
    "runner" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "scheduler_lease" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expires_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "backup_schedule_name_key" ON "backup_schedule"("name");

-- CreateIndex
CREATE UNIQUE INDEX "backup_schedule_run_schedule_id_due_at_key" ON "backup_schedule_run"("schedule_id", "due_at");

