-- Added in place (not Prisma's table rebuild), so the partial unique index that allows one
-- RUNNING job stays as it is.
ALTER TABLE "backup_job" ADD COLUMN "verify" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "backup_job" ADD COLUMN "verify_ok" BOOLEAN;
ALTER TABLE "backup_job" ADD COLUMN "verify_message" TEXT;
ALTER TABLE "backup_job" ADD COLUMN "request_id" TEXT;
