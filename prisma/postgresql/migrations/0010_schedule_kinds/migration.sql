-- AlterTable
ALTER TABLE "backup_schedule" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'backup';

-- AlterTable
ALTER TABLE "backup_schedule_run" ADD COLUMN     "drill_id" INTEGER;

