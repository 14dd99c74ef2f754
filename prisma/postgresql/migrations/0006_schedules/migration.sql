-- CreateTable
CREATE TABLE "backup_schedule" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "verify" BOOLEAN NOT NULL DEFAULT false,
    "remarks" TEXT NOT NULL,
    "active_since" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,

    CONSTRAINT "backup_schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_schedule_run" (
    "id" SERIAL NOT NULL,
    "schedule_id" INTEGER NOT NULL,
    "due_at" TIMESTAMP(3) NOT NULL,
    "fired_at" TIMESTAMP(3) NOT NULL,
    "outcome" TEXT NOT NULL,
    "job_id" BIGINT,
    "message" TEXT,
    "missed_count" INTEGER,
    "missed_until" TIMESTAMP(3),
    "catch_up" BOOLEAN NOT NULL DEFAULT false,
    "runner" TEXT NOT NULL,

    CONSTRAINT "backup_schedule_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scheduler_lease" (
    "id" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scheduler_lease_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "backup_schedule_name_key" ON "backup_schedule"("name");

-- CreateIndex
CREATE UNIQUE INDEX "backup_schedule_run_schedule_id_due_at_key" ON "backup_schedule_run"("schedule_id", "due_at");

