-- AlterTable
ALTER TABLE "backup_job" ADD COLUMN     "request_id" TEXT,
ADD COLUMN     "verify" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "verify_message" TEXT,
ADD COLUMN     "verify_ok" BOOLEAN;

