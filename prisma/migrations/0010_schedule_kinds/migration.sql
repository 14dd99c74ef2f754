-- Added in place, as the PostgreSQL migration does (Prisma's rebuild of the table is not needed).
ALTER TABLE "backup_schedule" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'backup';
ALTER TABLE "backup_schedule_run" ADD COLUMN "drill_id" INTEGER;
